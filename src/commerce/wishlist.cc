#include "commerce/wishlist.h"

#include <boost/json.hpp>
#include <string>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "commerce/cart_sql.h"
#include "core/ids.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::commerce {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

#define WH_WISHLIST_PRODUCT                                                                                  \
  "'id', p.id, 'name', p.name, 'basePrice', wh_money(p.base_price), 'images', p.images,"                     \
  " 'category', json_build_object('id', c.id, 'name', c.name, 'slug', c.slug), 'isFeatured', p.is_featured," \
  " 'isActive', p.is_active"

// One query, no per-item reads: the items, their products and variants.
constexpr const char* kListSql =
    "SELECT COALESCE(json_agg(json_build_object('id', w.id, 'userId', w.user_id, 'productId', w.product_id,"
    " 'createdAt', wh_iso(w.created_at), 'product', json_build_object(" WH_WISHLIST_PRODUCT
    ", 'variants', COALESCE((SELECT json_agg(json_build_object('id', v.id, 'price', wh_money(v.price),"
    " 'stock', GREATEST(v.stock - v.reserved_stock, 0), 'sku', v.sku, 'color', v.color, 'length', v.length,"
    " 'texture', v.texture, 'size', v.size, 'images', v.images) ORDER BY v.created_at, v.id)"
    " FROM variants v WHERE v.product_id = p.id AND v.is_active), '[]'::json)))"
    " ORDER BY w.created_at DESC, w.id DESC), '[]')::text, count(*)"
    " FROM wishlist w JOIN products p ON p.id = w.product_id JOIN categories c ON c.id = p.category_id"
    " WHERE w.user_id = $1 AND p.is_active";

// $1 user, $2 product, $3 new id. Returns whether the product exists, is
// active, how many items the user had, and the added item (NULL when it was
// already there, or not added). The unique (user_id, product_id) index
// decides a race between two adds.
constexpr const char* kAddSql =
    "WITH p AS (SELECT id, is_active FROM products WHERE id = $2),"
    " n AS (SELECT count(*) AS items FROM wishlist WHERE user_id = $1),"
    " ins AS (INSERT INTO wishlist (id, user_id, product_id, created_at)"
    "   SELECT $3, $1, p.id, " WH_SQL_NOW
    " FROM p, n WHERE p.is_active AND n.items < $4"
    "   ON CONFLICT (user_id, product_id) DO NOTHING RETURNING id, user_id, product_id, created_at)"
    " SELECT (SELECT count(*) FROM p), COALESCE((SELECT is_active FROM p), false), (SELECT items FROM n),"
    " (SELECT json_build_object('id', i.id, 'userId', i.user_id, 'productId', i.product_id,"
    "   'createdAt', wh_iso(i.created_at), 'product', json_build_object(" WH_WISHLIST_PRODUCT
    "))::text"
    "   FROM ins i JOIN products p ON p.id = i.product_id JOIN categories c ON c.id = p.category_id)";

#undef WH_WISHLIST_PRODUCT

constexpr const char* kRemoveSql = "DELETE FROM wishlist WHERE user_id = $1 AND product_id = $2";

Task<Response> list_wishlist(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  db::Params params{user.id};
  auto r = co_await ctx.db().query(kListSql, std::move(params));
  co_return Response::json(R"({"success":true,"data":)" + std::string(r.get(0, 0)) +
                           ",\"count\":" + std::string(r.get(0, 1)) + "}");
}

// The product id of the body: a CUID (20 to 30 characters), as before.
std::string product_id_of(const json::object& body) {
  const auto* v = body.if_contains("productId");
  if (v == nullptr || v->is_null() || (v->is_string() && v->as_string().empty())) {
    throw ApiError(400, "ValidationError", "Product ID is required");
  }
  if (!v->is_string() || v->as_string().size() < 20 || v->as_string().size() > 30) {
    throw ApiError(400, "ValidationError", "Invalid product ID format");
  }
  return std::string(v->as_string());
}

Task<Response> add_to_wishlist(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  auto body = accounts::json_body(ctx.req);
  std::string product = product_id_of(body);
  db::Params params{user.id, product, new_cuid(), kMaxWishlist};
  auto r = co_await ctx.db().query(kAddSql, std::move(params));
  if (r.get_int(0, 0) == 0) web::throw_not_found("Product not found");
  if (!r.get_bool(0, 1)) throw ApiError::bad_request("This product is no longer available");
  if (r.is_null(0, 3)) {
    if (r.get_int(0, 2) >= kMaxWishlist) {
      throw ApiError::bad_request("Your wishlist is full (" + std::to_string(kMaxWishlist) + " items)");
    }
    throw ApiError(409, "ConflictError", "Item already in wishlist");
  }
  co_return Response::json(
      R"({"success":true,"data":)" + std::string(r.get(0, 3)) + R"(,"message":"Added to wishlist"})", 201);
}

Task<Response> remove_from_wishlist(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  auto product = ctx.param("productId");
  if (!web::plausible_id(product)) web::throw_not_found("Item not in wishlist");
  db::Params params{user.id, product};
  auto r = co_await ctx.db().query(kRemoveSql, std::move(params));
  if (r.affected() == 0) web::throw_not_found("Item not in wishlist");
  co_return Response::json(R"({"success":true,"message":"Removed from wishlist"})");
}

}  // namespace

void register_wishlist_routes(web::Router& router) {
  router.add("GET", "/api/wishlist", list_wishlist);
  router.add("POST", "/api/wishlist", add_to_wishlist);
  router.add("DELETE", "/api/wishlist/:productId", remove_from_wishlist);
}

}  // namespace wh::commerce
