#include "commerce/cart_sql.h"

#include <string_view>

namespace wh::commerce {
namespace {

// The enriched cart of reference §1.6 in one statement: prices are always
// live (variant price, or the product's base price when it is 0), stock is
// available stock, stock_status uses the lowStockThreshold setting (5 when
// unset or 0), and the checkout issues are computed beside the items in the
// old order of checks (out of stock, too few left, no longer sold).
constexpr std::string_view kView = R"(
WITH c AS (SELECT id, coupon_code FROM {carts} WHERE {owner} = $1),
threshold AS (
  SELECT COALESCE(NULLIF((SELECT CASE WHEN value ~ '^[0-9]{1,6}$' THEN value::int END
                          FROM system_settings WHERE key = 'lowStockThreshold'), 0), 5) AS n),
l AS (
  SELECT i.id, i.created_at, i.quantity, v.id AS variant_id, v.product_id, p.name AS product_name, v.sku,
         CASE WHEN v.price > 0 THEN v.price ELSE p.base_price END AS unit_price,
         )" WH_AVAILABLE_STOCK R"( AS available, v.is_active AND p.is_active AS active,
         COALESCE(CASE WHEN cardinality(v.images) > 0 THEN v.images ELSE p.images END, '{}') AS images,
         v.length, v.color, v.texture, v.size, COALESCE(cat.slug, 'uncategorized') AS category
  FROM {items} i JOIN variants v ON v.id = i.variant_id JOIN products p ON p.id = v.product_id
  LEFT JOIN categories cat ON cat.id = p.category_id
  WHERE i.cart_id = (SELECT id FROM c)),
s AS (
  SELECT l.*, CASE WHEN available = 0 THEN 'out_of_stock' WHEN available <= (SELECT n FROM threshold) THEN 'low_stock'
                   ELSE 'in_stock' END AS status
  FROM l)
SELECT (SELECT id FROM c), (SELECT coupon_code FROM c),
  COALESCE(json_agg(json_build_object(
      'variant_id', variant_id, 'product_id', product_id, 'product_name', product_name, 'sku', sku,
      'quantity', quantity, 'unit_price', unit_price, 'subtotal', unit_price * quantity,
      'stock_available', available, 'stock_status', status, 'images', images,
      'attributes', json_build_object('length', length, 'color', color, 'texture', texture, 'size', size),
      'is_active', active, 'category', category) ORDER BY created_at DESC, id), '[]')::text,
  COALESCE(json_agg(CASE
      WHEN status = 'out_of_stock' THEN json_build_object('type', 'out_of_stock', 'variant_id', variant_id,
          'product_name', product_name, 'message', 'Item is out of stock', 'action', 'remove_required')
      WHEN quantity > available THEN json_build_object('type', 'insufficient_stock', 'variant_id', variant_id,
          'product_name', product_name, 'message', 'Only ' || available || ' left in stock',
          'available_quantity', available, 'requested_quantity', quantity, 'action', 'reduce_quantity_required')
      ELSE json_build_object('type', 'no_longer_available', 'variant_id', variant_id, 'product_name', product_name,
          'message', 'Item is no longer available', 'action', 'remove_required') END
    ORDER BY created_at DESC, id) FILTER (WHERE status = 'out_of_stock' OR quantity > available OR NOT active),
    '[]')::text,
  COALESCE(sum((unit_price * 100)::bigint * quantity), 0)::bigint,
  COALESCE(sum(quantity), 0)::bigint,
  count(*)
FROM s)";

constexpr std::string_view kEnsure =
    "INSERT INTO {carts} (id, {owner}, updated_at) VALUES ($2, $1, " WH_SQL_NOW
    ")"
    " ON CONFLICT ({owner}) DO UPDATE SET updated_at = EXCLUDED.updated_at RETURNING id";

constexpr std::string_view kLineState =
    "SELECT v.is_active AND p.is_active, " WH_AVAILABLE_STOCK
    ","
    " (SELECT i.quantity FROM {items} i WHERE i.cart_id = c.id AND i.variant_id = v.id),"
    " (SELECT count(*) FROM {items} i WHERE i.cart_id = c.id)"
    " FROM variants v JOIN products p ON p.id = v.product_id LEFT JOIN {carts} c ON c.{owner} = $1"
    " WHERE v.id = $2";

constexpr std::string_view kSetLine =
    "INSERT INTO {items} (id, cart_id, variant_id, quantity, updated_at)"
    " SELECT $4::varchar, c.id, $2::varchar, $3::int, " WH_SQL_NOW
    " FROM {carts} c WHERE c.{owner} = $1"
    " ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = EXCLUDED.quantity, updated_at = EXCLUDED.updated_at";

constexpr std::string_view kRemoveLine =
    "DELETE FROM {items} WHERE cart_id = (SELECT id FROM {carts} WHERE {owner} = $1) AND variant_id = $2";

constexpr std::string_view kClear = "DELETE FROM {items} WHERE cart_id = (SELECT id FROM {carts} WHERE {owner} = $1)";

constexpr std::string_view kSetCoupon =
    "UPDATE {carts} SET coupon_code = $2, updated_at = " WH_SQL_NOW " WHERE {owner} = $1";

constexpr std::string_view kDropCoupon =
    "UPDATE {carts} SET coupon_code = NULL, updated_at = " WH_SQL_NOW " WHERE {owner} = $1 AND coupon_code = $2";

std::string fill(std::string_view templ, bool guest) {
  std::string out;
  out.reserve(templ.size() + 32);
  while (!templ.empty()) {
    auto open = templ.find('{');
    auto close = open == std::string_view::npos ? open : templ.find('}', open);
    std::string_view name = close == std::string_view::npos ? "" : templ.substr(open + 1, close - open - 1);
    const char* word = name == "carts"   ? (guest ? "guest_carts" : "carts")
                       : name == "items" ? (guest ? "guest_cart_items" : "cart_items")
                       : name == "owner" ? (guest ? "session_id" : "user_id")
                                         : nullptr;
    if (word == nullptr) {  // not a placeholder (e.g. the '{}' array literal): copy through the brace
      std::size_t n = open == std::string_view::npos ? templ.size() : open + 1;
      out.append(templ.substr(0, n));
      templ.remove_prefix(n);
      continue;
    }
    out.append(templ.substr(0, open));
    out.append(word);
    templ.remove_prefix(close + 1);
  }
  return out;
}

CartSql build(bool guest) {
  CartSql s;
  s.ensure = fill(kEnsure, guest);
  s.view = fill(kView, guest);
  s.line_state = fill(kLineState, guest);
  s.set_line = fill(kSetLine, guest);
  s.remove_line = fill(kRemoveLine, guest);
  s.clear = fill(kClear, guest);
  s.set_coupon = fill(kSetCoupon, guest);
  s.drop_coupon = fill(kDropCoupon, guest);
  return s;
}

}  // namespace

static_assert(kMaxLineQuantity == 999 && kMaxCartLines == 100, "kPutUserLinesSql spells these limits");

const char* const kPutUserLinesSql = R"(
WITH c AS (SELECT id FROM carts WHERE user_id = $1),
input AS (
  SELECT e.item->>'variant_id' AS variant_id, (e.item->>'quantity')::int AS quantity, e.item->>'line_id' AS line_id,
         e.ord
  FROM json_array_elements($2::json) WITH ORDINALITY AS e(item, ord)),
cand AS (
  SELECT i.variant_id, i.line_id, i.ord, x.quantity IS NOT NULL AS present,
         LEAST(CASE WHEN $3::bool THEN GREATEST(i.quantity, COALESCE(x.quantity, 0)) ELSE i.quantity END,
               )" WH_AVAILABLE_STOCK R"(, 999) AS q
  FROM input i JOIN variants v ON v.id = i.variant_id JOIN products p ON p.id = v.product_id
  LEFT JOIN cart_items x ON x.cart_id = (SELECT id FROM c) AND x.variant_id = i.variant_id
  WHERE v.is_active AND p.is_active),
ranked AS (SELECT cand.*, row_number() OVER (PARTITION BY present ORDER BY ord) AS rn FROM cand WHERE q > 0)
INSERT INTO cart_items (id, cart_id, variant_id, quantity, updated_at)
SELECT line_id, (SELECT id FROM c), variant_id, q, )" WH_SQL_NOW R"( FROM ranked
WHERE present OR rn <= 100 - (SELECT count(*) FROM cart_items WHERE cart_id = (SELECT id FROM c))
ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = EXCLUDED.quantity, updated_at = EXCLUDED.updated_at
RETURNING 1)";

const CartSql& cart_sql(const CartKey& key) {
  static const CartSql user = build(false);
  static const CartSql guest = build(true);
  return key.guest() ? guest : user;
}

}  // namespace wh::commerce
