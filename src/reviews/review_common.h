// What the storefront and admin review routes share: the review JSON as
// PostgreSQL builds it, the review settings, cache invalidation and the
// path id.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/task.h"
#include "core/text.h"
#include "db/sql_now.h"
#include "web/context.h"
#include "web/router.h"

namespace wh::reviews {

// The Prisma review row of `r` (no orderId: the public lists leave it out).
#define WH_REVIEW_FIELDS                                                                                             \
  "'id', r.id, 'productId', r.product_id, 'userId', r.user_id, 'rating', r.rating, 'title', r.title, 'content', "    \
  "r.content, 'images', COALESCE(to_json(r.images), '[]'::json), 'authorName', r.author_name, 'isVerified', "        \
  "r.is_verified, 'isApproved', r.is_approved, 'helpfulCount', r.helpful_count, 'createdAt', wh_iso(r.created_at), " \
  "'updatedAt', wh_iso(r.updated_at)"

// A review as the admin app reads it: the row, its status, product and
// author. Needs `r` (reviews), `p` (its product) and `u` (its user, LEFT
// JOIN: authors may have been deleted) in scope.
#define WH_REVIEW_ADMIN_JSON                                                                                      \
  "json_build_object(" WH_REVIEW_FIELDS                                                                           \
  ", 'orderId', r.order_id, 'status', CASE WHEN r.is_approved THEN 'approved' ELSE 'pending' END,"                \
  " 'product', json_build_object('id', p.id, 'name', p.name, 'images', COALESCE(to_json(p.images), '[]'::json))," \
  " 'user', CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'firstName', u.first_name,"       \
  " 'lastName', u.last_name, 'email', u.email, 'reviewStatus', u.review_status) END)"

#define WH_REVIEW_ADMIN_JOINS " JOIN products p ON p.id = r.product_id LEFT JOIN users u ON u.id = r.user_id"

// The settings the review routes read, with the old defaults.
struct ReviewSettings {
  int min_content = 10;       // minReviewLength when it is a positive integer (at most 5000)
  bool auto_approve = false;  // review_auto_approve == 'true'
};

// From (key, stored value) pairs as system_settings holds them.
ReviewSettings parse_review_settings(const std::vector<std::pair<std::string, std::string>>& rows);

// From the `settings` cache instance (key "review-settings", tag
// `settings`): an admin's settings write is seen by the next call.
Task<ReviewSettings> review_settings(web::Context& ctx);

// Invalidates the cached review lists of `product_ids` on this instance
// (the others follow through migration 0015's trigger).
void invalidate_reviews(web::Context& ctx, const std::vector<std::string>& product_ids);

// The :id of the path; 404 "Review not found" when it cannot be an id.
std::string review_id(const web::Context& ctx);

void register_storefront_routes(web::Router& router);
void register_admin_routes(web::Router& router);

}  // namespace wh::reviews
