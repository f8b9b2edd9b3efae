#include "orders/checkout.h"

#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <ctime>
#include <exception>
#include <stdexcept>

#include "accounts/validation.h"
#include "commerce/cart_key.h"
#include "commerce/coupons.h"
#include "commerce/shop_settings.h"
#include "commerce/totals.h"
#include "core/crypto.h"
#include "core/ids.h"
#include "core/json_text.h"
#include "core/log.h"
#include "core/money.h"
#include "orders/checkout_input.h"
#include "orders/idempotency.h"
#include "orders/payment_followup.h"
#include "orders/reservations.h"
#include "payments/paystack_client.h"

namespace wh::orders {
namespace json = boost::json;

namespace {

// The cart's lines with their variants locked, in variant id order.
std::string lock_cart_sql(bool guest) {
  commerce::CartKey k;
  if (!guest) k.user_id = "x";
  return std::string(
             "SELECT c.id, c.coupon_code, v.id, v.product_id, p.name, v.sku, v.price::text, v.stock, v.reserved_stock,"
             " v.is_active AND p.is_active, ci.quantity,"
             " json_build_object('length', v.length, 'color', v.color, 'texture', v.texture, 'size', v.size)::text"
             " FROM ") +
         k.carts_table() + " c JOIN " + k.items_table() +
         " ci ON ci.cart_id = c.id JOIN variants v ON v.id = ci.variant_id JOIN products p ON p.id = v.product_id"
         " WHERE c." +
         k.owner_column() + " = $1 ORDER BY v.id FOR UPDATE OF v";
}

const std::string& lock_sql(const commerce::CartKey& key) {
  static const std::string user = lock_cart_sql(false);
  static const std::string guest = lock_cart_sql(true);
  return key.guest() ? guest : user;
}

std::string clear_items_sql(bool guest) {
  return std::string("DELETE FROM ") + (guest ? "guest_cart_items" : "cart_items") + " WHERE cart_id = $1";
}
std::string clear_coupon_sql(bool guest) {
  return std::string("UPDATE ") + (guest ? "guest_carts" : "carts") +
         " SET coupon_code = NULL, updated_at = " WH_SQL_NOW " WHERE id = $1 AND coupon_code IS NOT NULL";
}

// Reserves, consumes the coupon, inserts the order and its items; returns
// the old response's `order` object. $17 is {variant id: quantity}: the
// `= ANY(ARRAY(...))` form keeps the reservation on the primary key (a join
// with a set-returning function is planned as a scan of every variant).
constexpr const char* kPlaceSql = R"(
WITH r AS (
  UPDATE variants v SET reserved_stock = v.reserved_stock + ($17::jsonb ->> v.id)::int
   WHERE v.id = ANY(ARRAY(SELECT jsonb_object_keys($17::jsonb))) RETURNING v.id),
d AS (
  UPDATE discount_codes SET used_count = used_count + 1, updated_at = )" WH_SQL_NOW R"(
   WHERE id = $18 RETURNING id),
o AS (
  INSERT INTO orders (id, user_id, order_number, status, payment_status, subtotal, shipping, tax, discount, total,
                      customer_email, customer_phone, shipping_address, billing_address, notes, paystack_reference,
                      coupon_code, created_at, updated_at)
  VALUES ($1, $2, $3, 'pending', 'pending', $4::numeric, $5::numeric, $6::numeric, $7::numeric, $8::numeric, $9, $10,
          $11::jsonb, $12::jsonb, $13, $14, $15, )" WH_SQL_NOW ", " WH_SQL_NOW R"()
  RETURNING *),
i AS (
  INSERT INTO order_items (id, order_id, variant_id, product_name, variant_sku, attributes, quantity, unit_price,
                           subtotal, created_at)
  SELECT x.id, $1, x.variant_id, x.product_name, x.variant_sku, x.attributes, x.quantity, x.unit_price, x.subtotal,
         )" WH_SQL_NOW R"(
    FROM json_to_recordset($16::json) AS x(id text, variant_id text, product_name text, variant_sku text,
                                           attributes jsonb, quantity int, unit_price numeric, subtotal numeric)
  RETURNING *)
SELECT json_build_object(
  'id', o.id, 'order_number', o.order_number, 'status', o.status, 'payment_status', o.payment_status,
  'subtotal', trim_scale(o.subtotal), 'tax', trim_scale(o.tax), 'shipping', trim_scale(o.shipping),
  'discount_amount', trim_scale(o.discount), 'coupon_code', o.coupon_code, 'total', trim_scale(o.total),
  'items', (SELECT json_agg(json_build_object(
      'orderId', i.order_id, 'variantId', i.variant_id, 'productName', i.product_name, 'variantSku', i.variant_sku,
      'attributes', i.attributes, 'unitPrice', trim_scale(i.unit_price), 'quantity', i.quantity,
      'subtotal', trim_scale(i.subtotal)) ORDER BY i.variant_id) FROM i),
  'shipping_address', o.shipping_address, 'customer_email', o.customer_email,
  'created_at', wh_iso(o.created_at), 'paystack_reference', o.paystack_reference)::text,
  (SELECT count(*) FROM r), (SELECT count(*) FROM d)
FROM o)";

// Stock the cart asks for is not there: answered 409 after the rollback.
struct Shortage : std::runtime_error {
  Shortage(const std::string& message, json::array d) : std::runtime_error(message), details(std::move(d)) {}
  json::array details;
};

struct Placed {
  std::string order_json;
  std::string cart_id;
  commerce::Totals totals;
  std::vector<std::string> products;
};

struct Ids {
  std::string order_id = new_cuid();
  std::string order_number;
  std::string reference;
};

Ids new_ids() {
  Ids ids;
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y%m%d", &tm);
  std::string hex = random_hex(3);
  for (auto& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ids.order_number = std::string("ORD-") + date + "-" + hex;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  ids.reference = "ref_" + std::to_string(ms) + "_" + new_uuid().substr(0, 9);
  return ids;
}

std::string amount_message(const char* which, Pesewas amount) {
  return std::string(which) + " order amount is \u20B5" + cedis_text(amount);
}

// The transaction of step 3 (see checkout.h).
Task<Placed> place(web::Context& ctx, const commerce::CartKey& key, const CheckoutInput& in,
                   const commerce::ShopSettings& settings, const Ids& ids) {
  Placed placed;
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    db::Params owner{key.owner()};
    auto cart = co_await tx.query(lock_sql(key), std::move(owner));
    if (cart.empty()) throw ApiError(400, "ValidationError", "Cart is empty");
    placed.cart_id = std::string(cart.get(0, 0));
    std::optional<std::string> coupon_code;
    if (!cart.is_null(0, 1) && !cart.get(0, 1).empty()) coupon_code = std::string(cart.get(0, 1));

    Pesewas subtotal = 0;
    json::array items;
    json::object reserve;
    std::string missing;
    json::array missing_details;
    for (int i = 0; i < cart.rows(); ++i) {
      std::string name(cart.get(i, 4));
      auto price = parse_cedis(cart.get(i, 6)).value_or(0);
      auto available = cart.get_int(i, 7) - cart.get_int(i, 8);
      auto quantity = cart.get_int(i, 10);
      if (!cart.get_bool(i, 9)) throw ApiError(400, "ValidationError", "Product is no longer available: " + name);
      if (available < quantity) {
        if (missing.empty()) {
          missing = "Insufficient stock for " + name +
                    ". Available: " + std::to_string(std::max<std::int64_t>(available, 0)) + " (after reservations)";
        }
        missing_details.push_back(
            json::object{{"name", name}, {"requested", quantity}, {"available", std::max<std::int64_t>(available, 0)}});
        continue;
      }
      Pesewas line = price * quantity;
      subtotal += line;
      std::string product(cart.get(i, 3));
      if (placed.products.empty() || placed.products.back() != product) placed.products.push_back(product);
      items.push_back(json::object{{"id", new_cuid()},
                                   {"variant_id", cart.get(i, 2)},
                                   {"product_name", name},
                                   {"variant_sku", cart.get(i, 5)},
                                   {"attributes", json::parse(cart.get(i, 11))},
                                   {"quantity", quantity},
                                   {"unit_price", cedis_text(price)},
                                   {"subtotal", cedis_text(line)}});
      reserve[cart.get(i, 2)] = quantity;  // one line per variant (unique index)
    }
    if (!missing_details.empty()) throw Shortage(missing, std::move(missing_details));

    std::optional<commerce::DiscountRule> rule;
    std::optional<std::string> coupon_id;
    if (coupon_code) {
      static const std::string coupon_sql = std::string(commerce::kCouponByCodeSql) + " FOR UPDATE";
      std::vector<db::Statement> reads;
      reads.push_back(db::Statement{coupon_sql, db::Params{*coupon_code}});
      std::optional<std::string> user;
      if (!key.guest()) user = key.user_id;
      reads.push_back(
          db::Statement{commerce::kCustomerCouponUsesSql, db::Params{*coupon_code, user, in.customer_email}});
      auto rs = co_await tx.pipeline(std::move(reads));
      if (rs[0].empty()) {
        throw ApiError(400, "ValidationError",
                       "Coupon code \"" + *coupon_code + "\" not found. Please remove it and try again.");
      }
      auto coupon = commerce::coupon_from_row(rs[0], 0);
      auto uses = static_cast<int>(rs[1].get_int(0, 0));
      if (auto why = commerce::coupon_refusal(coupon, subtotal, uses)) {
        throw ApiError(400, "ValidationError", "Coupon code \"" + coupon.code + "\": " + *why);
      }
      rule = coupon.rule;
      coupon_id = coupon.id;
    }
    placed.totals = commerce::compute_totals(subtotal, settings, rule);
    const auto& t = placed.totals;
    if (settings.min_order && *settings.min_order > 0 && t.total < *settings.min_order) {
      throw ApiError(400, "ValidationError", amount_message("Minimum", *settings.min_order));
    }
    if (settings.max_order && *settings.max_order > 0 && t.total > *settings.max_order) {
      throw ApiError(400, "ValidationError", amount_message("Maximum", *settings.max_order));
    }
    std::optional<std::string> user;
    if (!key.guest()) user = key.user_id;
    std::optional<std::string> coupon_column;
    if (rule) coupon_column = coupon_code;
    db::Params params{ids.order_id,
                      user,
                      ids.order_number,
                      cedis_text(t.subtotal),
                      cedis_text(t.shipping),
                      cedis_text(t.tax),
                      cedis_text(t.discount),
                      cedis_text(t.total),
                      in.customer_email,
                      in.customer_phone,
                      json::serialize(in.shipping_address),
                      json::serialize(in.billing_address),
                      in.notes,
                      ids.reference,
                      coupon_column,
                      json::serialize(items),
                      json::serialize(reserve),
                      coupon_id};
    auto r = co_await tx.query_and_commit(kPlaceSql, std::move(params));
    placed.order_json = compact_json(r.get(0, 0));
  });
  co_return placed;
}

// 409 with what the storefront's insufficient-stock modal reads.
http::Response shortage_response(const Shortage& s) {
  json::object error{{"type", "InsufficientStockError"},
                     {"code", "INSUFFICIENT_STOCK"},
                     {"message", s.what()},
                     {"details", s.details}};
  return http::Response::json(json::serialize(json::object{{"success", false}, {"error", std::move(error)}}), 409);
}

IdempotencyScope scope_of(web::Context& ctx, const commerce::CartKey& key) {
  IdempotencyScope s;
  s.request_hash = sha256_hex(ctx.req.body);
  std::string owner = (key.guest() ? "g:" : "u:") + key.owner();
  auto header = ctx.req.header("idempotency-key");
  if (header && !header->empty()) {
    if (header->size() > 255) {
      throw ApiError(400, "ValidationError", "Idempotency-Key must be at most 255 characters");
    }
    s.key = "key:" + owner + ":" + std::string(*header);
    s.ttl = ctx.config().idempotency_key_ttl;
    s.explicit_key = true;
  } else if (ctx.config().checkout_dedupe_window.count() > 0) {
    s.key = "auto:" + owner + ":" + s.request_hash;
    s.ttl = ctx.config().checkout_dedupe_window;
  }
  return s;
}

Task<void> clear_cart(web::Context& ctx, const commerce::CartKey& key, const std::string& cart_id) {
  static const std::string user_items = clear_items_sql(false);
  static const std::string guest_items = clear_items_sql(true);
  static const std::string user_coupon = clear_coupon_sql(false);
  static const std::string guest_coupon = clear_coupon_sql(true);
  std::vector<db::Statement> statements;
  statements.push_back(db::Statement{key.guest() ? guest_items : user_items, db::Params{cart_id}});
  statements.push_back(db::Statement{key.guest() ? guest_coupon : user_coupon, db::Params{cart_id}});
  co_await ctx.db().pipeline(std::move(statements));
}

// Step 4: the charge and what follows from it. Returns the 201 body.
Task<std::string> charge(web::Context& ctx, const commerce::CartKey& key, const CheckoutInput& in, const Ids& ids,
                         const Placed& placed) {
  auto& paystack = ctx.get<payments::PaystackClient>();
  payments::ChargeRequest req;
  req.email = in.customer_email;
  req.amount = placed.totals.total;
  req.phone = in.customer_phone;
  req.provider = in.payment_provider;
  req.reference = ids.reference;
  req.order_id = ids.order_id;
  req.order_number = ids.order_number;
  req.user_id = key.guest() ? "guest" : key.user_id;
  auto outcome = co_await paystack.charge(req);

  json::object payment{
      {"reference", ids.reference},
      {"status", outcome.status},
      {"display_text", outcome.display_text.empty() ? "Check your phone to approve payment" : outcome.display_text},
      {"message", "Payment request sent to your phone. Please approve to complete the transaction."},
      {"provider", in.payment_provider},
      {"phone", in.customer_phone}};
  bool clear = true;
  if (outcome.outcome == payments::Outcome::unknown) {
    log::warn("charge outcome unknown; verifying", {{"reference", ids.reference}, {"error", outcome.error}});
    auto v = co_await paystack.verify(ids.reference);
    auto next = follow(v.verdict, false);
    if (next == FollowUp::release) {
      outcome.outcome = payments::Outcome::refused;
      outcome.message = "Payment was not completed (" + v.status + ")";
    } else if (next == FollowUp::keep || v.verdict == payments::Verdict::pending) {
      outcome.outcome = payments::Outcome::accepted;
      payment["status"] = v.status.empty() ? "pending" : v.status;
    } else {
      // Still unknown: keep everything, answer pending, verify later.
      co_await start_follow_up(ctx.services, ids.order_id, ids.reference);
      payment["status"] = "pending";
      payment["display_text"] =
          "If your phone shows a payment prompt, approve it. This page updates once it is confirmed.";
      payment["message"] = "We are confirming your payment request with the provider.";
      clear = false;
    }
  }
  if (outcome.outcome == payments::Outcome::refused) {
    auto products = co_await release_order(ctx.db(), ids.order_id, "pending", "failed");
    invalidate_stock(ctx.services, products);
    std::string message = outcome.message.empty() ? "Payment initiation failed" : outcome.message;
    throw ApiError(400, "PaymentError", message);
  }
  if (clear) co_await clear_cart(ctx, key, placed.cart_id);
  co_return R"({"success":true,"data":{"order":)" + placed.order_json + ",\"payment\":" + json::serialize(payment) +
      R"(},"message":"Order created successfully"})";
}

}  // namespace

Task<http::Response> create_order(web::Context& ctx) {
  CheckoutInput in = read_checkout(accounts::json_body(ctx.req));
  auto settings = co_await commerce::shop_settings(ctx);
  if (!settings.payments_enabled) {
    throw ApiError(503, "ServiceUnavailableError",
                   "Payments are currently disabled for maintenance. Please try again later.");
  }
  if (!settings.card_enabled) throw ApiError(400, "ValidationError", "Online payments are currently disabled.");
  if (!ctx.get<payments::PaystackClient>().configured()) {
    throw ApiError::unavailable("Payments are not configured on this server");
  }
  commerce::CartKey key = commerce::cart_key(ctx);
  IdempotencyScope scope = scope_of(ctx, key);
  auto wait = ctx.config().paystack_timeout * 2 + std::chrono::seconds(5);
  auto replay = co_await claim(ctx.db(), scope, wait);
  if (replay) co_return http::Response::json(std::move(*replay), 201);

  Ids ids = new_ids();
  std::exception_ptr failure;
  std::optional<http::Response> refused_stock;
  std::string body;
  try {
    Placed placed;
    for (int attempt = 0;; ++attempt) {
      bool retry = false;
      try {
        placed = co_await place(ctx, key, in, settings, ids);
      } catch (const db::DbError& e) {
        // An order number taken the same day (the day's orders in 16.7
        // million: 1 in 40 after 400,000 orders in a day): new ids.
        if (!e.unique_violation() || attempt >= 5) throw;
        retry = true;
      }
      if (!retry) break;
      ids = new_ids();
    }
    invalidate_stock(ctx.services, placed.products);
    body = co_await charge(ctx, key, in, ids, placed);
  } catch (const Shortage& s) {
    refused_stock = shortage_response(s);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure || refused_stock) {
    co_await abandon(ctx.db(), scope);
    if (failure) std::rethrow_exception(failure);
    co_return std::move(*refused_stock);
  }
  co_await complete(ctx.db(), scope, ids.order_id, body);
  co_return http::Response::json(std::move(body), 201);
}

}  // namespace wh::orders
