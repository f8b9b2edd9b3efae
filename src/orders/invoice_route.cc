#include "orders/invoice_route.h"

#include <boost/json.hpp>
#include <string>

#include "accounts/authenticate.h"
#include "core/error.h"
#include "orders/invoice_pdf.h"
#include "web/respond.h"

namespace wh::orders {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

#define WH_MONEY(x) "to_char(" x ", 'FM999999999990.00')"

// $1 order number: the order, its customer and its items.
constexpr const char* kInvoiceSql =
    "SELECT o.user_id, o.order_number, to_char(o.created_at, 'DD/MM/YYYY'), o.status, o.payment_status,"
    " COALESCE(NULLIF(o.shipping_address->>'name', ''), NULLIF(trim(u.first_name || ' ' || u.last_name), ''),"
    " o.customer_email), o.customer_email, COALESCE(NULLIF(o.customer_phone, ''), o.shipping_address->>'phone', ''),"
    " o.shipping_address::text, " WH_MONEY("o.subtotal") ", " WH_MONEY("o.discount") ", " WH_MONEY("o.shipping")
    ", " WH_MONEY("o.tax") ", " WH_MONEY("o.total") ", COALESCE(o.coupon_code, ''),"
    " COALESCE((SELECT json_agg(json_build_object('name', i.product_name, 'sku', i.variant_sku,"
    " 'attributes', i.attributes, 'quantity', i.quantity, 'unit', " WH_MONEY("i.unit_price") ", 'amount', " WH_MONEY(
        "i.subtotal") ") ORDER BY i.created_at, i.id) FROM order_items i WHERE i.order_id = o.id), '[]')::text"
    " FROM orders o LEFT JOIN users u ON u.id = o.user_id WHERE o.order_number = $1";

#undef WH_MONEY

std::string string_of(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return {};
  return json::serialize(v);
}

// "SKU-1 · Length: 18 in" from the item's SKU and attributes object.
std::string detail_of(const json::object& item) {
  std::string out = string_of(item.at("sku"));
  if (const auto* attrs = item.if_contains("attributes"); attrs != nullptr && attrs->is_object()) {
    for (const auto& [k, v] : attrs->as_object()) {
      if (v.is_null()) continue;
      out += " \u2022 ";
      out += std::string(k) + ": " + string_of(v);
    }
  }
  return out;
}

std::vector<std::string> address_lines(const json::object& a) {
  auto field = [&](const char* k) {
    const auto* v = a.if_contains(k);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  std::vector<std::string> out;
  for (std::string line : {field("address"),
                           field("city") + (field("state").empty() ? "" : ", " + field("state")) +
                               (field("zip_code").empty() ? "" : " " + field("zip_code")),
                           field("country")}) {
    if (!line.empty() && line != ", ") out.push_back(std::move(line));
  }
  return out;
}

Task<Response> download_invoice(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  auto number = ctx.param("orderNumber");
  if (number.empty() || number.size() > 50) web::throw_not_found("Order not found");
  db::Params params{number};
  auto r = co_await ctx.db().query(kInvoiceSql, std::move(params));
  if (r.empty()) web::throw_not_found("Order not found");
  bool admin = user.role == "admin" || user.role == "super_admin";
  if (!admin && (r.is_null(0, 0) || r.get(0, 0) != user.id)) throw ApiError(403, "ForbiddenError", "Unauthorized");

  InvoiceData inv;
  inv.order_number = r.get(0, 1);
  inv.date = r.get(0, 2);
  inv.status = r.get(0, 3);
  inv.payment_status = r.get(0, 4);
  inv.customer_name = r.get(0, 5);
  inv.customer_email = r.get(0, 6);
  inv.customer_phone = r.get(0, 7);
  if (auto a = json::parse(r.get(0, 8)); a.is_object()) inv.address_lines = address_lines(a.as_object());
  inv.subtotal = r.get(0, 9);
  inv.discount = r.get(0, 10);
  inv.shipping = r.get(0, 11);
  inv.tax = r.get(0, 12);
  inv.total = r.get(0, 13);
  inv.coupon_code = r.get(0, 14);
  auto items = json::parse(r.get(0, 15));
  for (const auto& v : items.as_array()) {
    const auto& item = v.as_object();
    InvoiceLine line;
    line.name = string_of(item.at("name"));
    line.detail = detail_of(item);
    line.quantity = static_cast<int>(item.at("quantity").to_number<std::int64_t>());
    line.unit_price = string_of(item.at("unit"));
    line.amount = string_of(item.at("amount"));
    inv.lines.push_back(std::move(line));
  }

  // A few milliseconds of drawing even for a long order: done inline.
  Response res;
  res.body = render_invoice_pdf(inv);
  res.content_type = http::Bytes::literal("application/pdf");
  res.set_header("Content-Disposition", "attachment; filename=Wighaven_Invoice_" + inv.order_number + ".pdf");
  co_return res;
}

}  // namespace

void register_invoice_route(web::Router& router) {
  router.add("GET", "/api/orders/:orderNumber/invoice/download", download_invoice);
}

}  // namespace wh::orders
