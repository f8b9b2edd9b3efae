#include "orders/order_json.h"

#include <string_view>
#include <vector>

namespace wh::orders {

const std::string& order_json_sql() {
  static const std::string sql = R"(json_build_object(
  'id', o.id, 'user_id', o.user_id, 'order_number', o.order_number, 'status', o.status,
  'payment_status', o.payment_status, 'payment_method', o.payment_method,
  'subtotal', trim_scale(o.subtotal), 'tax', trim_scale(o.tax), 'shipping', trim_scale(o.shipping),
  'discount_amount', trim_scale(o.discount), 'coupon_code', o.coupon_code, 'total', trim_scale(o.total),
  'items', COALESCE((SELECT json_agg(json_build_object(
      'id', oi.id, 'variant_id', oi.variant_id, 'product_name', oi.product_name, 'variant_sku', oi.variant_sku,
      'sku', oi.variant_sku, 'variant_details', oi.attributes, 'attributes', oi.attributes,
      'product_image', (SELECT COALESCE(v.images[1], p.images[1]) FROM variants v JOIN products p ON p.id = v.product_id
                         WHERE v.id = oi.variant_id),
      'unit_price', trim_scale(oi.unit_price), 'quantity', oi.quantity, 'subtotal', trim_scale(oi.subtotal))
      ORDER BY oi.created_at, oi.id) FROM order_items oi WHERE oi.order_id = o.id), '[]'::json),
  'shipping_address', o.shipping_address, 'billing_address', o.billing_address,
  'customer_email', o.customer_email, 'customer_phone', o.customer_phone, 'notes', o.notes,
  'paystack_reference', o.paystack_reference, 'tracking_number', o.tracking_number, 'carrier', o.carrier,
  'created_at', wh_iso(o.created_at), 'paid_at', wh_iso(o.paid_at), 'updated_at', wh_iso(o.updated_at)))";
  return sql;
}

bool valid_status(std::string_view s) {
  for (const char* k : kStatuses) {
    if (s == k) return true;
  }
  return false;
}

namespace {

std::vector<std::string_view> next_statuses(std::string_view from) {
  if (from == "pending") return {"processing", "cancelled"};
  if (from == "processing") return {"shipped", "cancelled"};
  if (from == "shipped") return {"delivered", "cancelled"};
  if (from == "delivered") return {"refunded"};
  return {};
}

}  // namespace

bool transition_allowed(std::string_view from, std::string_view to) {
  if (from == to) return true;
  for (auto n : next_statuses(from)) {
    if (n == to) return true;
  }
  return false;
}

std::string transition_error(std::string_view from, std::string_view to) {
  std::string allowed;
  for (auto n : next_statuses(from)) {
    if (!allowed.empty()) allowed += ", ";
    allowed += n;
  }
  if (allowed.empty()) allowed = "none (terminal state)";
  return "Invalid status transition: " + std::string(from) + " \u2192 " + std::string(to) +
         ". Allowed transitions from \"" + std::string(from) + "\": " + allowed;
}

}  // namespace wh::orders
