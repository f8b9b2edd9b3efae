#include "commerce/cart_routes.h"

#include <boost/json.hpp>
#include <exception>

#include "accounts/validation.h"
#include "commerce/cart_key.h"
#include "commerce/cart_sql.h"
#include "commerce/cart_view.h"
#include "commerce/cart_writes.h"
#include "commerce/code_field.h"
#include "commerce/shop_settings.h"
#include "core/json_text.h"
#include "core/log.h"
#include "web/body_fields.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::commerce {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

Response message_only(std::string_view message, bool success = true) {
  return Response::json(json::serialize(json::object{{"success", success}, {"message", message}}));
}

// The :variantId of the path; an id that cannot exist is a 404.
std::string variant_param(const Context& ctx) {
  auto id = ctx.param("variantId");
  if (!web::plausible_id(id)) web::throw_not_found("Product variant not found");
  return std::string(id);
}

// The quantity of an add (1-999) or a set (0-999), Joi-style.
int read_quantity(const json::object& body, std::int64_t min, std::string_view variant_field, std::string* variant) {
  web::BodyFields in(body);
  if (variant != nullptr) {
    if (auto v = in.text(variant_field, 30, true)) *variant = *v;
  }
  auto quantity = in.integer("quantity", min, kMaxLineQuantity);
  if (!quantity && !in.has("quantity")) in.add("quantity", "\"quantity\" is required");
  in.finish();
  return static_cast<int>(*quantity);
}

Task<Response> respond_with(Context& ctx, const CartKey& key, CartLines lines, std::string_view message) {
  auto state = co_await finish_cart(ctx, key, std::move(lines));
  co_return cart_response(state.json, message);
}

Task<Response> get_cart(Context& ctx) {
  CartKey key = cart_key(ctx);
  auto state = co_await load_cart(ctx, key);
  co_return cart_response(state.json);
}

Task<Response> add_item(Context& ctx) {
  CartKey key = cart_key(ctx);
  auto body = accounts::json_body(ctx.req);
  std::string variant;
  int quantity = read_quantity(body, 1, "variantId", &variant);
  if (!web::plausible_id(variant)) web::throw_not_found("Product variant not found");
  auto lines = co_await change_line(ctx, key, variant, LineChange::kAdd, quantity);
  co_return co_await respond_with(ctx, key, std::move(lines), "Item added to cart");
}

Task<Response> update_item(Context& ctx) {
  CartKey key = cart_key(ctx);
  std::string variant = variant_param(ctx);
  auto body = accounts::json_body(ctx.req);
  int quantity = read_quantity(body, 0, "", nullptr);
  CartLines lines;
  if (quantity == 0) {
    lines = co_await remove_line(ctx, key, variant);
  } else {
    lines = co_await change_line(ctx, key, variant, LineChange::kSet, quantity);
  }
  co_return co_await respond_with(ctx, key, std::move(lines), "Cart updated");
}

Task<Response> remove_item(Context& ctx) {
  CartKey key = cart_key(ctx);
  std::string variant = variant_param(ctx);
  auto lines = co_await remove_line(ctx, key, variant);
  co_return co_await respond_with(ctx, key, std::move(lines), "Item removed from cart");
}

Task<Response> clear_cart(Context& ctx) {
  CartKey key = cart_key(ctx);
  db::Params owner{key.owner()};
  co_await ctx.db().query(cart_sql(key).clear, std::move(owner));
  co_return message_only("Cart cleared");
}

Task<Response> validate_cart(Context& ctx) {
  CartKey key = cart_key(ctx);
  auto state = co_await load_cart(ctx, key);
  bool valid = state.lines.issues == "[]";
  std::string data = std::string(R"({"valid":)") + (valid ? "true" : "false") + R"(,"issues":)" + state.lines.issues +
                     R"(,"cart":)" + state.json + "}";
  co_return web::ok_data(data);
}

Task<Response> validate_checkout(Context& ctx) {
  CartKey key = cart_key(ctx);
  auto state = co_await load_cart(ctx, key);
  if (state.lines.issues != "[]") {
    std::string body =
        R"({"success":false,"error":{"type":"CartValidationError","message":"Some items in your cart are no longer available or have insufficient stock.","issues":)" +
        state.lines.issues + R"(},"data":{"cart":)" + state.json + "}}";
    co_return Response::json(compact_json(body), 400);
  }
  if (state.lines.lines == 0) throw ApiError::bad_request("Cart is empty");
  co_return cart_response(state.json);
}

// POST /api/cart/sync: navigator.sendBeacon on page unload, any content
// type. Signed-in users only, as before; always a 200 so the browser never
// retries. Sets quantities (the old code added them on every sync).
Task<Response> sync_cart(Context& ctx) {
  CartKey key = cart_key(ctx);
  auto items = parse_sync_items(ctx.req.body);
  if (key.guest() || items.empty()) co_return message_only("Nothing to sync");
  int synced = 0;
  bool failed = false;
  std::string reason;
  try {
    synced = co_await sync_lines(ctx, key.user_id, items);
  } catch (const std::exception& e) {
    failed = true;
    reason = e.what();
  }
  if (failed) {
    log::warn("cart sync failed", {{"user_id", key.user_id}, {"error", reason}});
    co_return message_only("Sync failed", false);
  }
  co_return Response::json(json::serialize(
      json::object{{"success", true}, {"message", "Synced " + std::to_string(synced) + " items"}, {"synced", synced}}));
}

Task<Response> apply_coupon(Context& ctx) {
  CartKey key = cart_key(ctx);
  auto body = accounts::json_body(ctx.req);
  web::BodyFields in(body);
  auto code = read_code(in, "code", 1, true);
  in.finish();
  db::Params owner{key.owner()};
  auto r = co_await ctx.db().query(cart_sql(key).view, std::move(owner));
  CartLines lines = cart_lines_from(r);
  if (lines.lines == 0) throw ApiError::bad_request("Cart is empty");
  auto check = co_await check_coupon(ctx, key, *code, lines.subtotal);
  if (check.refusal) throw ApiError::bad_request(*check.refusal);
  db::Params set{key.owner(), check.coupon->code};
  co_await ctx.db().query(cart_sql(key).set_coupon, std::move(set));
  lines.coupon_code = check.coupon->code;
  ShopSettings settings = co_await shop_settings(ctx);
  co_return cart_response(render_cart(key, lines, settings, check.coupon, std::nullopt), "Coupon applied successfully");
}

Task<Response> remove_coupon(Context& ctx) {
  CartKey key = cart_key(ctx);
  const CartSql& sql = cart_sql(key);
  std::vector<db::Statement> statements;
  statements.push_back({sql.set_coupon, {key.owner(), std::nullopt}});
  statements.push_back({sql.view, {key.owner()}});
  auto rs = co_await ctx.db().pipeline(std::move(statements));
  co_return co_await respond_with(ctx, key, cart_lines_from(rs[1]), "Coupon removed");
}

}  // namespace

void register_cart_routes(web::Router& router) {
  router.add("GET", "/api/cart", get_cart);
  router.add("DELETE", "/api/cart", clear_cart);
  router.add("POST", "/api/cart/items", add_item);
  router.add("PATCH", "/api/cart/items/:variantId", update_item);
  router.add("DELETE", "/api/cart/items/:variantId", remove_item);
  router.add("POST", "/api/cart/validate", validate_cart);
  router.add("POST", "/api/cart/validate-checkout", validate_checkout);
  router.add("POST", "/api/cart/sync", sync_cart);
  router.add("POST", "/api/cart/apply-coupon", apply_coupon);
  router.add("DELETE", "/api/cart/remove-coupon", remove_coupon);
}

}  // namespace wh::commerce
