#include "commerce/cart_view.h"

#include <boost/json.hpp>
#include <utility>
#include <vector>

#include "commerce/cart_sql.h"
#include "commerce/shop_settings.h"
#include "commerce/totals.h"
#include "web/respond.h"

namespace wh::commerce {
namespace json = boost::json;

namespace {

std::string quoted(std::string_view s) { return json::serialize(json::string(s)); }
std::string quoted_or_null(const std::string& s) { return s.empty() ? "null" : quoted(s); }

std::string discount_json(const std::optional<Coupon>& applied, Pesewas amount) {
  if (!applied) return R"({"amount":0,"code":null})";
  return R"({"amount":)" + cedis_text(amount) + R"(,"code":)" + quoted(applied->code) + R"(,"type":)" +
         quoted(applied->rule.type == DiscountType::kPercentage ? "percentage" : "fixed") + R"(,"value":)" +
         cedis_text(applied->rule.value) + "}";
}

}  // namespace

CartLines cart_lines_from(const db::Result& r) {
  CartLines l;
  if (auto id = r.get_opt(0, 0)) l.id = std::string(*id);
  if (auto code = r.get_opt(0, 1)) l.coupon_code = std::string(*code);
  l.items = std::string(r.get(0, 2));
  l.issues = std::string(r.get(0, 3));
  l.subtotal = r.get_int(0, 4);
  l.units = r.get_int(0, 5);
  l.lines = r.get_int(0, 6);
  return l;
}

Task<CouponCheck> check_coupon(web::Context& ctx, const CartKey& key, const std::string& code, Pesewas subtotal) {
  std::vector<db::Statement> statements;
  statements.push_back({kCouponByCodeSql, {code}});
  if (!key.guest()) {
    std::optional<std::string> email;
    if (ctx.auth.principal) email = ctx.auth.principal->email;
    statements.push_back({kCustomerCouponUsesSql, {code, key.user_id, email}});
  }
  auto rs = co_await ctx.db().pipeline(std::move(statements));
  CouponCheck out;
  if (rs[0].empty()) {
    out.refusal = "Invalid discount code";
    co_return out;
  }
  out.coupon = coupon_from_row(rs[0], 0);
  int uses = rs.size() > 1 ? static_cast<int>(rs[1].get_int(0, 0)) : 0;
  out.refusal = coupon_refusal(*out.coupon, subtotal, uses);
  co_return out;
}

std::string render_cart(const CartKey& key, const CartLines& lines, const ShopSettings& settings,
                        const std::optional<Coupon>& applied, const std::optional<CouponError>& error) {
  std::optional<DiscountRule> rule;
  if (applied) rule = applied->rule;
  Totals t = compute_totals(lines.subtotal, settings, rule);
  std::string out = R"({"id":)" + (lines.id ? quoted(*lines.id) : "null");
  out += R"(,"items":)" + lines.items;
  out += R"(,"items_count":)" + std::to_string(lines.units);
  out += R"(,"subtotal":)" + cedis_text(t.subtotal);
  out += R"(,"tax":)" + cedis_text(t.tax);
  out += R"(,"shipping":)" + cedis_text(t.shipping);
  out += R"(,"total":)" + cedis_text(t.total);
  out += R"(,"discount":)" + discount_json(applied, t.discount);
  out += R"(,"couponError":)";
  out += error ? R"({"code":)" + quoted(error->code) + R"(,"message":)" + quoted(error->message) + "}" : "null";
  out += R"(,"userId":)" + quoted_or_null(key.user_id);
  out += R"(,"sessionId":)" + (key.guest() ? quoted(key.session_id) : "null");
  out += R"(,"type":)";
  out += key.guest() ? R"("guest")" : R"("user")";
  out += "}";
  return out;
}

Task<CartState> finish_cart(web::Context& ctx, const CartKey& key, CartLines lines) {
  ShopSettings settings = co_await shop_settings(ctx);
  std::optional<Coupon> applied;
  std::optional<CouponError> error;
  if (lines.coupon_code) {
    auto check = co_await check_coupon(ctx, key, *lines.coupon_code, lines.subtotal);
    if (check.refusal) {
      error = CouponError{*lines.coupon_code, *check.refusal};
      db::Params drop{key.owner(), *lines.coupon_code};
      co_await ctx.db().query(cart_sql(key).drop_coupon, std::move(drop));
      lines.coupon_code.reset();
    } else {
      applied = std::move(check.coupon);
    }
  }
  CartState state;
  state.json = render_cart(key, lines, settings, applied, error);
  state.lines = std::move(lines);
  co_return state;
}

Task<CartState> load_cart(web::Context& ctx, const CartKey& key) {
  db::Params owner{key.owner()};
  auto r = co_await ctx.db().query(cart_sql(key).view, std::move(owner));
  co_return co_await finish_cart(ctx, key, cart_lines_from(r));
}

http::Response cart_response(const std::string& cart_json, std::string_view message) {
  return web::ok_data_message(R"({"cart":)" + cart_json + "}", message);
}

}  // namespace wh::commerce
