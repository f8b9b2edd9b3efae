// The admin's customer accounts, reference §1.20 (/api/admin/users, admins
// and super admins; every response private):
//   GET   /api/admin/users?page&limit&search   {data: users, pagination:
//                                              {page, limit, total, pages}}:
//                                              newest first; `search` (at
//                                              most 255 characters) matches
//                                              the e-mail, first or last name
//                                              or "first last" anywhere, case
//                                              ignored, % and _ taken
//                                              literally; limit 1-100
//                                              (default 20), else 400
//   GET   /api/admin/users/:id                 {data: user + addresses (as
//                                              GET /api/addresses lists them)
//                                              + the 10 latest orders {id,
//                                              orderNumber, status,
//                                              paymentStatus, total,
//                                              createdAt}}; 404 unknown
//   PATCH /api/admin/users/:id/ban             {data: {id, email, isActive},
//                                              message}: deactivates the
//                                              account as DELETE /api/profile
//                                              does (accounts/profile.h):
//                                              sign-in refused, every token
//                                              void, WebSockets logged out
//   PATCH /api/admin/users/:id/unban           the same shape: active again
//                                              (old tokens stay void)
// A user is the old object {id, email, firstName, lastName, phone, role,
// emailVerified, isActive, createdAt, updatedAt, _count: {orders},
// order_count, total_spent} (total_spent: the paid orders' total as a
// decimal string, 0 when none, as before).
//
// Fixes: a plain admin never sees a super admin (not listed; 404 for the
// detail, ban and unban), as the old detail route intended; only a super
// admin lists them. Nobody bans or unbans an admin or super admin here
// (403: roles are the super admin's business; the old unban had no check).
// The list is bounded (the old limit was unbounded) and the search escapes
// LIKE wildcards. Each ban and unban writes an admin_activities row
// (admin/activity_log.h) in its statement.
#pragma once
#include "web/router.h"

namespace wh::admin {

void register_admin_user_routes(web::Router& router);

}  // namespace wh::admin
