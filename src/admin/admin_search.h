// The unified admin search of reference §1.19 (admin and super_admin only):
//   GET /api/admin/dashboard/search?q&limit
//       {data: {query, results: {products, orders, users, reviews,
//       categories, discounts, banners, support}, total, limit}}: up to
//       `limit` (default 5, values above kSearchMaxLimit are capped at it, as
//       before) hits per kind, each {id, type, title, subtitle, meta?,
//       image?, status, role?, paymentStatus?, url} as the admin search
//       modal reads them. `query` is the trimmed, ASCII-lower-cased term.
// q is matched anywhere, ignoring case, with %, _ and \ taken literally
// (web::contains_pattern); a q shorter than 2 characters after trimming is
// 400 "Search query must be at least 2 characters", longer than
// kSearchMaxQuery 400 too. One statement: eight bounded subqueries.
// Fixes: super_admin accounts are found only by a super_admin (plain
// admins cannot open them either, §1.20); tickets are found by their guest's
// name/e-mail too, users by "first last". Not cached (the old one meant to
// cache it for 60 s but passed 60 ms): an admin expects an edit to show at
// once, and a per-term cache would only grow with the terms typed.
#pragma once
#include "web/router.h"

namespace wh::admin {

inline constexpr int kSearchDefaultLimit = 5;
inline constexpr int kSearchMaxLimit = 20;
inline constexpr int kSearchMaxQuery = 100;

void register_admin_search_route(web::Router& router);

}  // namespace wh::admin
