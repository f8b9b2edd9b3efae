// Product reviews (reference §1.10), the old routes and shapes:
//
// Public, cached as response bytes (instance `reviews`, tags `catalog` and
// `reviews:<productId>`; migration 0015 invalidates them whoever writes):
//   GET   /api/products/:id/reviews?page&limit
//   GET   /api/reviews/product/:productId?page&limit
//         {data: approved reviews, newest first, stats: {total, average (1
//         dp), distribution: {"1".."5"}}, pagination: {page, limit, total,
//         pages}}; limit 1-50 (default 10). An unknown product has no
//         reviews: an empty list, as before.
// Signed-in customers (private responses):
//   POST  /api/reviews  {productId (a cuid: the old uuid check refused every
//         product), rating 1-5, title 3-255, content 10-5000 (the
//         minReviewLength setting replaces the 10), images: <= 5 URLs of the
//         caller's own active media}. 201 with the review; at most 5 an hour
//         per user (429). 403 for a user whose review_status is `blocked`,
//         404 unknown product. isVerified when a delivered order of the user
//         holds the product; isApproved when the user is `trusted` or the
//         setting review_auto_approve is 'true'. The same statement notifies
//         the author (`review`) and every active admin (`admin_new_review`).
//   POST  /api/reviews/:id/helpful  one vote per user and approved review:
//         {helpfulCount, action: 'added'}; 409 for a second vote, 404 unknown.
// Admins (admin, super_admin; 401/403 otherwise):
//   GET    /api/reviews/admin/all?page&limit&status&search&productId
//          status all|pending|approved|rejected (pending and rejected are
//          both "not approved"); search in title, content, author name.
//          Each review with status, product {id, name, images} and user
//          {id, firstName, lastName, email, reviewStatus}.
//   PATCH  /api/reviews/:id  {title?, content?, rating?, isApproved?}
//   PATCH  /api/reviews/:id/approve  queues the reviewApproved e-mail to the
//          author when the review was not approved yet
//   PATCH  /api/reviews/:id/reject   not approved, no e-mail
//   DELETE /api/reviews/:id
//   POST   /api/reviews/admin/bulk-update {ids: 1-100 ids, action
//          approve|reject|delete}: one statement; {count, action}
//   POST   /api/reviews/admin/user-status {userId, status
//          standard|trusted|blocked}: users.review_status; 404 unknown user
// Every write invalidates the products' cached lists before it answers.
#pragma once
#include "web/router.h"

namespace wh::reviews {

void register_review_routes(web::Router& router);

}  // namespace wh::reviews
