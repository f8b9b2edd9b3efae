// The public user object of login, register and /auth/me (10 camelCase
// fields, as the old backend), built by PostgreSQL from alias `u`.
#pragma once

#define WH_USER_JSON                                                                                    \
  "json_build_object('id', u.id, 'email', u.email, 'firstName', u.first_name, 'lastName', u.last_name," \
  " 'phone', u.phone, 'role', u.role, 'emailVerified', u.email_verified, 'isActive', u.is_active,"      \
  " 'createdAt', wh_iso(u.created_at), 'updatedAt', wh_iso(u.updated_at))::text"
