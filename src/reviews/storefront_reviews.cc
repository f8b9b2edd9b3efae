// The storefront's review routes: the public lists (cached), writing a
// review and the helpful vote (see review_routes.h).
#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "cache/instances.h"
#include "cache/tags.h"
#include "core/ids.h"
#include "core/json_text.h"
#include "reviews/review_common.h"
#include "security/rate_limiter.h"
#include "security/route_limit.h"
#include "web/body_fields.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::reviews {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

constexpr int kDefaultLimit = 10;
constexpr int kMaxLimit = 50;
constexpr std::size_t kMaxImages = 5;

// The old reviewRateLimit: 5 reviews an hour per user.
const security::RatePolicy kCreateLimit{"review", 5, std::chrono::hours(1)};

// ---- public lists -------------------------------------------------------

// $1 product id, $2 limit, $3 offset, $4 page. The page of approved reviews,
// the stats over all of them, the pagination; one statement, two index
// ranges of (product_id, is_approved).
constexpr const char* kListSql = R"(
SELECT COALESCE((SELECT json_agg(json_build_object()" WH_REVIEW_FIELDS R"() ORDER BY r.created_at DESC, r.id DESC)
                   FROM (SELECT * FROM reviews WHERE product_id = $1 AND is_approved
                          ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3) r), '[]'::json)::text,
       json_build_object('total', s.total,
                         'average', CASE WHEN s.total > 0 THEN trim_scale(round(s.rating_sum / s.total, 1)) ELSE 0 END,
                         'distribution', json_build_object('1', s.d1, '2', s.d2, '3', s.d3, '4', s.d4, '5', s.d5))::text,
       json_build_object('page', $4::int, 'limit', $2::int, 'total', s.total,
                         'pages', (s.total + $2::int - 1) / $2::int)::text
  FROM (SELECT count(*)::int AS total, COALESCE(sum(rating), 0)::numeric AS rating_sum,
               count(*) FILTER (WHERE rating = 1) AS d1, count(*) FILTER (WHERE rating = 2) AS d2,
               count(*) FILTER (WHERE rating = 3) AS d3, count(*) FILTER (WHERE rating = 4) AS d4,
               count(*) FILTER (WHERE rating = 5) AS d5
          FROM reviews WHERE product_id = $1 AND is_approved) s)";

struct Page {
  int page = 1;
  int limit = kDefaultLimit;
};

Page read_page(web::QueryReader& in) {
  Page p;
  p.page = in.integer("page", 1, web::kMaxPage);
  p.limit = in.integer("limit", kDefaultLimit, kMaxLimit);
  in.finish();
  return p;
}

http::HeaderList list_query(const http::Request& req) {
  web::QueryReader in(req);
  read_page(in);
  return in.canonical();
}

// The list of the product named by the path parameter `param`. Product ids
// are cuids; anything else has no reviews (the old backend answered an
// empty list for any id, and the storefront shows "No reviews yet").
Task<Response> list_reviews(Context& ctx, std::string_view param) {
  web::QueryReader in(ctx.req);
  Page page = read_page(in);
  std::string product;
  ctx.tag(cache::tags::kCatalog);
  if (web::plausible_id(ctx.param(param))) {
    product = std::string(ctx.param(param));
    ctx.tag(cache::tags::reviews(product));
  }
  db::Params params{product, page.limit, static_cast<long long>(page.page - 1) * page.limit, page.page};
  auto r = co_await ctx.db().query(kListSql, std::move(params));
  co_return Response::json(R"({"success":true,"data":)" + compact_json(r.get(0, 0)) + ",\"stats\":" +
                           compact_json(r.get(0, 1)) + ",\"pagination\":" + compact_json(r.get(0, 2)) + "}");
}

Task<Response> product_reviews(Context& ctx) { return list_reviews(ctx, "id"); }
Task<Response> reviews_of_product(Context& ctx) { return list_reviews(ctx, "productId"); }

// ---- writing a review ---------------------------------------------------

// $1 new id, $2 user, $3 product, $4 rating, $5 title, $6 content, $7 the
// image URLs as given (JSON array), $8 the same without query strings, $9
// review_auto_approve. Returns whether the product exists, the user's
// review_status (NULL: no such user), how many images are not the user's
// own active media, and the review (NULL when not written) with whether it
// is approved. The same statement links the media to the review and
// notifies the author and the active admins.
constexpr const char* kCreateSql = R"(
WITH u AS (SELECT id, email, first_name, last_name, review_status FROM users WHERE id = $2),
p AS (SELECT id, name FROM products WHERE id = $3),
img AS (SELECT x.url FROM jsonb_array_elements_text($8::jsonb) AS x(url)),
missing AS (SELECT count(*) AS n FROM img WHERE NOT EXISTS (
              SELECT 1 FROM media m WHERE m.uploaded_by = $2 AND m.status = 'active' AND m.url = img.url)),
bought AS (SELECT o.id FROM orders o JOIN order_items oi ON oi.order_id = o.id JOIN variants v ON v.id = oi.variant_id
            WHERE o.user_id = $2 AND o.status = 'delivered' AND v.product_id = $3
            ORDER BY o.created_at DESC, o.id DESC LIMIT 1),
ins AS (INSERT INTO reviews (id, product_id, user_id, order_id, rating, title, content, images, author_name,
                             is_verified, is_approved, helpful_count, created_at, updated_at)
        SELECT $1, p.id, u.id, (SELECT id FROM bought), $4::int, $5, $6,
               ARRAY(SELECT jsonb_array_elements_text($7::jsonb)),
               COALESCE(NULLIF(concat_ws(' ', NULLIF(btrim(u.first_name), ''), NULLIF(btrim(u.last_name), '')), ''),
                        NULLIF(split_part(u.email, '@', 1), ''), 'Anonymous'),
               EXISTS (SELECT 1 FROM bought), u.review_status = 'trusted' OR $9::boolean, 0, )" WH_SQL_NOW
                                   R"(, )" WH_SQL_NOW R"(
          FROM u, p, missing WHERE u.review_status <> 'blocked' AND missing.n = 0
        RETURNING *),
linked AS (UPDATE media m SET used_by = r.id, usage_type = 'review_image', updated_at = )" WH_SQL_NOW R"(
             FROM ins r WHERE m.uploaded_by = $2 AND m.status = 'active' AND m.url IN (SELECT url FROM img)
           RETURNING m.id),
mine AS (INSERT INTO notifications (id, user_id, type, title, message, link, is_read, created_at, expires_at)
         SELECT wh_new_id(), r.user_id, 'review', 'Review Submitted',
                'Thanks for reviewing "' || p.name || '". Your feedback helps others!', '/products/' || r.product_id,
                false, )" WH_SQL_NOW ", " WH_SQL_NOW R"( + interval '30 days' FROM ins r, p
         RETURNING id),
admins AS (INSERT INTO notifications (id, user_id, type, title, message, link, is_read, created_at, expires_at)
           SELECT wh_new_id(), a.id, 'admin_new_review',
                  CASE WHEN r.is_approved THEN 'New Review Published' ELSE 'New Review Awaiting Moderation' END,
                  p.name || ' - ' || r.rating || '★', '/admin/reviews', false, )" WH_SQL_NOW ", " WH_SQL_NOW
                                   R"( + interval '30 days'
             FROM ins r, p, users a WHERE a.role IN ('admin', 'super_admin') AND a.is_active
           RETURNING id)
SELECT (SELECT count(*) FROM p), (SELECT review_status FROM u), (SELECT n FROM missing),
       (SELECT json_build_object()" WH_REVIEW_FIELDS R"(, 'orderId', r.order_id)::text FROM ins r),
       (SELECT is_approved FROM ins))";

struct NewReview {
  std::string product_id;
  long long rating = 0;
  std::string title;
  std::string content;
  json::array images;      // as given (stored so)
  json::array media_urls;  // without query strings (?v=2): the media rows' urls
};

// Joi's createReviewSchema with its messages, every bad field at once;
// productId is a cuid (the old schema wanted a uuid, which no product has).
// Title and content are trimmed; content needs `min_content` characters.
NewReview read_new_review(const json::object& body, int min_content) {
  web::BodyFields in(body);
  NewReview r;
  if (auto id = in.text("productId", 255, true)) {
    if (id->size() < 20 || !web::plausible_id(*id)) {
      in.add("productId", "\"productId\" must be a valid product id");
    } else {
      r.product_id = std::move(*id);
    }
  }
  if (!in.has("rating")) in.add("rating", "\"rating\" is required");
  if (auto rating = in.integer("rating", 1, 5)) r.rating = *rating;
  if (auto title = in.text("title", 255, true)) {
    r.title = std::string(trimmed(*title));
    if (web::char_count(r.title) < 3) in.add("title", "\"title\" length must be at least 3 characters long");
  }
  if (auto content = in.text("content", 5000, true)) {
    r.content = std::string(trimmed(*content));
    if (web::char_count(r.content) < static_cast<std::size_t>(min_content)) {
      in.add("content", "\"content\" length must be at least " + std::to_string(min_content) + " characters long");
    }
  }
  if (const auto* images = body.if_contains("images")) {
    if (!images->is_array()) {
      in.add("images", "\"images\" must be an array");
    } else if (images->as_array().size() > kMaxImages) {
      in.add("images", "\"images\" must contain less than or equal to 5 items");
    } else {
      for (std::size_t i = 0; i < images->as_array().size(); ++i) {
        const auto& url = images->as_array()[i];
        const std::string field = "images[" + std::to_string(i) + "]";
        if (!url.is_string() || url.as_string().size() > 500 || !web::is_web_url(url.as_string())) {
          in.add(field, "\"" + field + "\" must be a valid uri");
          continue;
        }
        std::string_view text = url.as_string();
        r.images.emplace_back(text);
        r.media_urls.emplace_back(text.substr(0, text.find('?')));
      }
    }
  }
  in.finish();
  return r;
}

Task<Response> create_review(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  security::enforce_rate_limit(ctx, kCreateLimit, user.id, "Too many reviews. Please try again later.");
  auto body = accounts::json_body(ctx.req);
  ReviewSettings settings = co_await review_settings(ctx);
  NewReview in = read_new_review(body, settings.min_content);
  db::Params params{new_cuid(),
                    user.id,
                    in.product_id,
                    in.rating,
                    in.title,
                    in.content,
                    json::serialize(in.images),
                    json::serialize(in.media_urls),
                    settings.auto_approve};
  auto r = co_await ctx.db().query(kCreateSql, std::move(params));
  if (r.is_null(0, 1)) throw ApiError(401, "UnauthorizedError", "User not found");
  if (r.get(0, 1) == "blocked") throw ApiError(403, "ForbiddenError", "You are not allowed to post reviews");
  if (r.get_int(0, 0) == 0) web::throw_not_found("Product not found");
  if (r.get_int(0, 2) > 0) {
    throw ApiError::bad_request("Validation failed")
        .with_field("images", "You can only attach images that you have uploaded");
  }
  const bool approved = r.get_bool(0, 4);
  if (approved) invalidate_reviews(ctx, {in.product_id});
  co_return web::ok_data_message(r.get(0, 3),
                                 approved ? "Review submitted successfully. It is now visible on the product page."
                                          : "Review submitted successfully. It will be visible after admin approval.",
                                 201);
}

// ---- helpful votes ------------------------------------------------------

// $1 review, $2 user, $3 vote id. The vote (the unique (review_id,
// user_id) index refuses a second one, also under concurrency) and, only
// when it was recorded, the count, in one statement. Returns whether the
// approved review exists, then the new count and its product (NULL: no vote).
constexpr const char* kHelpfulSql = R"(
WITH r AS (SELECT id FROM reviews WHERE id = $1 AND is_approved),
v AS (INSERT INTO review_votes (id, review_id, user_id, created_at)
      SELECT $3, r.id, $2, )" WH_SQL_NOW R"( FROM r ON CONFLICT (review_id, user_id) DO NOTHING RETURNING review_id),
c AS (UPDATE reviews x SET helpful_count = x.helpful_count + 1, updated_at = )" WH_SQL_NOW R"(
        FROM v WHERE x.id = v.review_id RETURNING x.helpful_count, x.product_id)
SELECT (SELECT count(*) FROM r), (SELECT helpful_count FROM c), (SELECT product_id FROM c))";

Task<Response> mark_helpful(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  std::string id = review_id(ctx);
  db::Params params{id, user.id, new_cuid()};
  auto r = co_await ctx.db().query(kHelpfulSql, std::move(params));
  if (r.get_int(0, 0) == 0) web::throw_not_found("Review not found");
  if (r.is_null(0, 1)) throw ApiError(409, "ConflictError", "You have already marked this review as helpful");
  invalidate_reviews(ctx, {std::string(r.get(0, 2))});
  co_return Response::json(R"({"success":true,"data":{"helpfulCount":)" + std::string(r.get(0, 1)) +
                           R"(,"action":"added"},"message":"Marked as helpful"})");
}

}  // namespace

void register_storefront_routes(web::Router& router) {
  namespace instance = cache::instance;
  router.add("GET", "/api/products/:id/reviews", product_reviews, web::CachePlan{instance::kReviews, list_query});
  router.add("GET", "/api/reviews/product/:productId", reviews_of_product,
             web::CachePlan{instance::kReviews, list_query});
  router.add("POST", "/api/reviews", create_review);
  router.add("POST", "/api/reviews/:id/helpful", mark_helpful);
}

}  // namespace wh::reviews
