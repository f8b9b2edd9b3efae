// SQL fragments of the admin's user objects, shared by /api/admin/users
// (admin_users.h) and /api/super-admin/users (super_admin_users.h), so both
// lists show a user the same way. String-literal macros: they are pasted
// into the statements' text at compile time.
#pragma once

// The old user object of alias `u` (never the password hash): id, email,
// firstName, lastName, phone, role, emailVerified, isActive, createdAt,
// updatedAt. The fields of a json_build_object call.
#define WH_ADMIN_USER_JSON                                                                         \
  "'id', u.id, 'email', u.email, 'firstName', u.first_name, 'lastName', u.last_name,"              \
  " 'phone', u.phone, 'role', u.role, 'emailVerified', u.email_verified, 'isActive', u.is_active," \
  " 'createdAt', wh_iso(u.created_at), 'updatedAt', wh_iso(u.updated_at)"

// The order statistics fields, with WH_ADMIN_USER_LATERAL's `s` in scope:
// _count {orders}, order_count, total_spent (the paid orders' total as a
// decimal string, 0 when none).
#define WH_ADMIN_USER_STATS                                                   \
  "'_count', json_build_object('orders', s.orders), 'order_count', s.orders," \
  " 'total_spent', COALESCE(to_json(wh_money(s.spent)), '0'::json)"

// The order count and paid total of `u` as `s` (orders_user_id_payment_status_idx):
// one index range per user of the page, inside the listing's statement.
#define WH_ADMIN_USER_LATERAL                                                                                  \
  " CROSS JOIN LATERAL (SELECT count(*)::int AS orders, sum(o.total) FILTER (WHERE o.payment_status = 'paid')" \
  " AS spent FROM orders o WHERE o.user_id = u.id) s"
