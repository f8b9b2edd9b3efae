// The cart as the storefront reads it (reference §1.6, GET /api/cart):
//   {id, items:[...], items_count, subtotal, tax, shipping, total,
//    discount:{amount, code[, type, value]}, couponError, userId, sessionId,
//    type: "user"|"guest"}
// Items and their prices and stock are read live in one statement (never
// from a cache); totals come from compute_totals() with the cached shop
// settings. A coupon that no longer passes coupon_refusal() is removed from
// the cart and reported once in couponError {code, message}.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "commerce/cart_key.h"
#include "commerce/coupons.h"
#include "core/task.h"
#include "db/result.h"
#include "http/message.h"
#include "web/context.h"

namespace wh::commerce {

// One row of CartSql::view.
struct CartLines {
  std::optional<std::string> id;  // no cart row yet
  std::optional<std::string> coupon_code;
  std::string items = "[]";   // JSON array
  std::string issues = "[]";  // JSON array of checkout issues
  Pesewas subtotal = 0;
  std::int64_t units = 0;
  std::int64_t lines = 0;
};
CartLines cart_lines_from(const db::Result& view);

// A discount code checked for this caller and subtotal.
struct CouponCheck {
  std::optional<Coupon> coupon;        // the code exists
  std::optional<std::string> refusal;  // why it cannot be used now
};
// Reads the code and the caller's past uses in one round trip.
Task<CouponCheck> check_coupon(web::Context& ctx, const CartKey& key, const std::string& code, Pesewas subtotal);

struct CouponError {
  std::string code;
  std::string message;
};

// The cart JSON from its parts (`applied`: the coupon that applies).
std::string render_cart(const CartKey& key, const CartLines& lines, const ShopSettings& settings,
                        const std::optional<Coupon>& applied, const std::optional<CouponError>& error);

struct CartState {
  CartLines lines;
  std::string json;
};
// Reads the cart (one statement) and finishes it (finish_cart).
Task<CartState> load_cart(web::Context& ctx, const CartKey& key);
// Checks the cart's coupon (dropping it when refused) and renders.
Task<CartState> finish_cart(web::Context& ctx, const CartKey& key, CartLines lines);

// {"success":true,"data":{"cart":<cart>}[,"message":<message>]}
http::Response cart_response(const std::string& cart_json, std::string_view message = {});

}  // namespace wh::commerce
