#include "orders/admin_orders.h"

#include <boost/json.hpp>
#include <ctime>
#include <memory>
#include <utility>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "admin/admin_export.h"
#include "core/json_text.h"
#include "core/log.h"
#include "orders/order_access.h"
#include "orders/order_json.h"
#include "orders/reservations.h"
#include "payments/paystack_client.h"
#include "web/body_fields.h"
#include "web/query_params.h"

namespace wh::orders {
namespace json = boost::json;

namespace {

void require_admin(const web::Context& ctx) { accounts::require_role(ctx, {"admin", "super_admin"}); }

std::vector<std::string_view> status_choices() {
  std::vector<std::string_view> s{"all"};
  for (const char* k : kStatuses) s.emplace_back(k);
  return s;
}

// ---- list ---------------------------------------------------------------

std::string list_sql() {
  return R"(WITH f AS (SELECT o.* FROM orders o
   WHERE ($1::text IS NULL OR o.status = $1) AND ($2::text IS NULL OR o.payment_status = $2)
     AND ($3::text IS NULL OR strpos(o.order_number, upper($3)) > 0
          OR strpos(lower(o.customer_email), lower($3)) > 0)),
t AS (SELECT count(*)::int AS n FROM f)
SELECT COALESCE((SELECT json_agg(x.j ORDER BY x.created_at DESC, x.id DESC) FROM (
      SELECT )" +
         order_json_sql() + R"( AS j, o.created_at, o.id FROM f o
       ORDER BY o.created_at DESC, o.id DESC LIMIT $4 OFFSET $5) x), '[]'::json)::text,
  json_build_object('page', $6::int, 'limit', $4::int, 'total', t.n, 'pages', (t.n + $4::int - 1) / $4::int)::text
FROM t)";
}

Task<http::Response> list_orders(web::Context& ctx) {
  require_admin(ctx);
  web::QueryReader q(ctx.req);
  int page = q.integer("page", 1, web::kMaxPage);
  int limit = q.integer("limit", web::kDefaultPageSize, web::kMaxPageSize);
  std::string status = q.choice("status", status_choices(), "all");
  std::string pay = q.choice(
      "payment_status", {"all", "pending", "paid", "failed", "refund_pending", "refunded", "refund_failed"}, "all");
  auto search = q.text("search", 255);
  q.finish();
  std::optional<std::string> status_p, pay_p;
  if (status != "all") status_p = status;
  if (pay != "all") pay_p = pay;
  static const std::string sql = list_sql();
  db::Params params{status_p, pay_p, search, limit, static_cast<long long>(page - 1) * limit, page};
  auto r = co_await ctx.db().query(sql, std::move(params));
  co_return http::Response::json(R"({"success":true,"data":)" + compact_json(r.get(0, 0)) +
                                 ",\"pagination\":" + compact_json(r.get(0, 1)) + "}");
}

// ---- export -------------------------------------------------------------

constexpr const char* kExportSql = R"(
SELECT o.id, o.order_number, to_char(o.created_at, 'YYYY-MM-DD'), COALESCE(NULLIF(o.shipping_address->>'name', ''), 'Guest'),
       o.customer_email, o.status, o.payment_status, o.subtotal::text, o.shipping::text, o.tax::text, o.discount::text,
       COALESCE(o.coupon_code, ''), o.total::text, COALESCE(o.payment_method, ''), COALESCE(o.tracking_number, ''),
       COALESCE(o.carrier, ''), (SELECT count(*) FROM order_items oi WHERE oi.order_id = o.id)
  FROM orders o
 WHERE ($1::text IS NULL OR o.status = $1)
   AND ($2::timestamp IS NULL OR o.created_at >= $2::timestamp)
   AND ($3::timestamp IS NULL OR o.created_at <= $3::timestamp)
   AND ($4::text IS NULL OR o.id > $4)
 ORDER BY o.id LIMIT $5)";

std::optional<std::string> date_param(web::QueryReader& q, std::string_view name, ValidationErrors& errors) {
  auto text = q.text(name, 40);
  if (!text) return std::nullopt;
  auto instant = web::parse_iso_instant(*text);
  if (!instant) {
    errors.add(std::string(name), "\"" + std::string(name) + "\" must be a valid date");
    return std::nullopt;
  }
  return instant->sql;
}

// What an export still has to send. Shared with the body producer, which
// runs after the request's Context is gone: it holds the pool, never the
// Context.
struct ExportCursor {
  db::Db db;
  std::optional<std::string> status, start, end;
  std::optional<std::string> after;  // the last id sent (keyset)
  std::string first;                 // the head line and the first batch, not yet sent
  bool done = false;
};

// The next batch of rows as CSV lines: one statement on a connection taken
// from the pool and given back before the lines are written. Empty at the
// end.
Task<std::string> next_batch(ExportCursor& cur) {
  if (cur.done) co_return std::string();
  db::Params params{cur.status, cur.start, cur.end, cur.after, kExportBatch};
  auto r = co_await cur.db.query(kExportSql, std::move(params));
  std::string csv;
  for (int i = 0; i < r.rows(); ++i) {
    for (int c = 1; c <= 16; ++c) {
      if (c > 1) csv += ',';
      csv += admin::csv_cell(r.get(i, c));
    }
    csv += '\n';
  }
  cur.done = r.rows() < kExportBatch;
  if (r.rows() > 0) cur.after = std::string(r.get(r.rows() - 1, 0));
  co_return csv;
}

// Writes the rest of the export: the head line and first batch, then batch
// after batch, each read only once the previous one was written (the sink
// waits for a slow reader). Stops when the client is gone.
Task<void> write_export(std::shared_ptr<ExportCursor> cur, http::BodySink& sink) {
  std::string piece = std::move(cur->first);
  while (!piece.empty()) {
    bool written = co_await sink.write(piece);
    if (!written) co_return;
    piece = co_await next_batch(*cur);
  }
}

std::string export_disposition() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  return std::string("attachment; filename=orders-") + date + ".csv";
}

Task<http::Response> export_orders(web::Context& ctx) {
  require_admin(ctx);
  web::QueryReader q(ctx.req);
  ValidationErrors errors;
  auto cur = std::make_shared<ExportCursor>(ExportCursor{ctx.db(), {}, {}, {}, {}, {}, false});
  cur->start = date_param(q, "startDate", errors);
  cur->end = date_param(q, "endDate", errors);
  std::string status = q.choice("status", status_choices(), "all");
  q.finish();
  errors.throw_if_any();
  if (status != "all") cur->status = status;
  // The first batch is read (and counted) before the answer starts, so a
  // failing database is still a clean JSON error; the rest is read while it
  // is sent, on the pool alone.
  std::string batch = co_await next_batch(*cur);
  cur->first =
      "Order Number,Date,Customer Name,Customer Email,Status,Payment Status,Subtotal,Shipping,Tax,Discount,"
      "Coupon Code,Total,Payment Method,Tracking Number,Carrier,Items Count\n" +
      batch;
  cur->db = db::Db(ctx.db().pool(), nullptr);
  http::Response res;
  res.status = 200;
  res.content_type = http::Bytes::literal("text/csv; charset=utf-8");
  res.set_header("Content-Disposition", export_disposition());
  res.stream = [cur](http::BodySink& sink) { return write_export(cur, sink); };
  co_return res;
}

// ---- status -------------------------------------------------------------

// The signed-in admin's user id, for the stock movements.
std::optional<std::string> admin_id(const web::Context& ctx) {
  if (ctx.auth.principal) return ctx.auth.principal->id;
  return std::nullopt;
}

// Moves the order to `to` by the state machine, with what that does to its
// stock (orders/reservations.h); returns the order JSON.
Task<std::string> change_status(web::Context& ctx, std::string_view number, const std::string& to) {
  auto order = co_await load_order(ctx, number);
  if (!transition_allowed(order.status, to)) throw ApiError(400, "ValidationError", transition_error(order.status, to));
  if (order.status == to) co_return order.json;
  // Cancelling a reservation also marks its payment failed (as before).
  std::string payment = order.payment_status;
  if (stock_move(order.status, payment, to) == StockMove::release_reservation) payment = "failed";
  std::string reason = "Order " + std::string(number) + ": " + order.status + " -> " + to + " (admin)";
  admin::Activity activity{"order.status", "order",
                           json::object{{"orderNumber", number}, {"from", order.status}, {"status", to}}};
  auto logged = admin::activity_statement(ctx, activity, std::vector<std::string>{order.id});
  auto changed = co_await move_order(ctx.db(), order.id, order.status, order.payment_status, to, payment,
                                     std::move(reason), admin_id(ctx), std::move(logged));
  invalidate_stock(ctx.services, changed);
  auto fresh = co_await load_order(ctx, number);
  co_return fresh.json;
}

std::string read_status(const json::object& body, ValidationErrors& errors) {
  const auto* v = body.if_contains("status");
  if (v == nullptr) {
    errors.add("status", "\"status\" is required");
  } else if (!v->is_string() || !valid_status(v->as_string())) {
    errors.add("status", "\"status\" must be one of [pending, processing, shipped, delivered, cancelled, refunded]");
  } else {
    return std::string(v->as_string());
  }
  return "";
}

Task<http::Response> update_status(web::Context& ctx) {
  require_admin(ctx);
  auto body = accounts::json_body(ctx.req);
  ValidationErrors errors;
  std::string to = read_status(body, errors);
  errors.throw_if_any();
  auto order = co_await change_status(ctx, ctx.param("order_number"), to);
  co_return order_response(order, "Order status updated successfully");
}

Task<http::Response> bulk_status(web::Context& ctx) {
  require_admin(ctx);
  auto body = accounts::json_body(ctx.req);
  ValidationErrors errors;
  std::vector<std::string> numbers;
  const auto* list = body.if_contains("orderNumbers");
  if (list == nullptr) {
    errors.add("orderNumbers", "\"orderNumbers\" is required");
  } else if (!list->is_array()) {
    errors.add("orderNumbers", "\"orderNumbers\" must be an array");
  } else if (list->as_array().empty()) {
    errors.add("orderNumbers", "\"orderNumbers\" must contain at least 1 items");
  } else if (list->as_array().size() > 100) {
    errors.add("orderNumbers", "\"orderNumbers\" must contain less than or equal to 100 items");
  } else {
    for (std::size_t i = 0; i < list->as_array().size(); ++i) {
      const auto& n = list->as_array()[i];
      if (!n.is_string()) {
        errors.add("orderNumbers." + std::to_string(i), "\"orderNumbers[" + std::to_string(i) + "]\" must be a string");
      } else {
        numbers.emplace_back(n.as_string());
      }
    }
  }
  std::string to = read_status(body, errors);
  errors.throw_if_any();
  json::array results;
  int ok = 0;
  for (const auto& n : numbers) {
    std::string error;
    try {
      co_await change_status(ctx, n, to);
    } catch (const ApiError& e) {
      error = e.what();
    }
    if (error.empty()) ++ok;
    results.push_back(json::object{{"orderNumber", n},
                                   {"status", error.empty() ? "fulfilled" : "rejected"},
                                   {"error", error.empty() ? json::value(nullptr) : json::value(error)}});
  }
  json::object out{{"success", true},
                   {"message", "Updated " + std::to_string(ok) + " orders. " +
                                   std::to_string(numbers.size() - static_cast<std::size_t>(ok)) + " failed."},
                   {"results", std::move(results)}};
  co_return http::Response::json(json::serialize(out));
}

// ---- refund -------------------------------------------------------------

constexpr const char* kClaimRefundSql =
    "UPDATE orders SET payment_status = 'refund_pending', updated_at = " WH_SQL_NOW
    " WHERE id = $1 AND payment_status = 'paid' AND status <> 'refunded' RETURNING id";
constexpr const char* kRefundFailedSql =
    "UPDATE orders SET payment_status = 'refund_failed', updated_at = " WH_SQL_NOW
    ", notes = concat_ws(E'\\n', NULLIF(notes, ''), $2::text) WHERE id = $1 AND payment_status = 'refund_pending'";

Task<http::Response> refund_order(web::Context& ctx) {
  require_admin(ctx);
  auto order = co_await load_order(ctx, ctx.param("id"), true);
  if (order.status == "refunded") throw ApiError(400, "ValidationError", "Order is already refunded");
  if (order.payment_status != "paid") throw ApiError(400, "ValidationError", "Order is not paid, cannot refund");
  db::Params claim{order.id};
  auto claimed = co_await ctx.db().query(kClaimRefundSql, std::move(claim));
  if (claimed.empty()) throw ApiError(409, "ConflictError", "A refund of this order is already under way");
  auto outcome = co_await ctx.get<payments::PaystackClient>().refund(order.reference);
  if (outcome.outcome == payments::Outcome::accepted) {
    // Goods refunded before they were shipped go back on the shelf.
    std::string claimed_state = "refund_pending", refunded = "refunded";
    std::string reason = "Order " + std::string(ctx.param("id")) + " refunded (admin)";
    admin::Activity activity{"order.refund", "order", json::object{{"reference", order.reference}}};
    auto logged = admin::activity_statement(ctx, activity, std::vector<std::string>{order.id});
    auto changed = co_await move_order(ctx.db(), order.id, std::nullopt, claimed_state, refunded, refunded,
                                       std::move(reason), admin_id(ctx), std::move(logged));
    invalidate_stock(ctx.services, changed);
    auto fresh = co_await load_order(ctx, order.id, true);
    co_return order_response(fresh.json, "Order refunded successfully");
  }
  std::string why = outcome.outcome == payments::Outcome::refused
                        ? "Refund failed: " + outcome.message
                        : "Refund outcome unknown (" + outcome.message + "); check Paystack before retrying";
  log::warn("refund failed", {{"order", order.id}, {"reason", why}});
  db::Params params{order.id, why};
  co_await ctx.db().query(kRefundFailedSql, std::move(params));
  throw ApiError(502, "PaymentError", why);
}

// ---- tracking -----------------------------------------------------------

// $5 the activity (admin/activity_log.h).
constexpr const char* kTrackingSql =
    "WITH u AS (UPDATE orders SET tracking_number = $2, carrier = $3, status = 'shipped', updated_at = " WH_SQL_NOW
    ", shipped_at = COALESCE(shipped_at, " WH_SQL_NOW
    ") WHERE id = $1 AND status = $4 RETURNING id), " WH_ADMIN_ACTIVITY("u", "$5") " SELECT id FROM u";

Task<http::Response> update_tracking(web::Context& ctx) {
  require_admin(ctx);
  auto body = accounts::json_body(ctx.req);
  web::BodyFields fields(body);
  auto tracking = fields.text("tracking_number", 100, true);
  auto carrier = fields.nullable_text("carrier", 100);
  fields.finish();
  auto order = co_await load_order(ctx, ctx.param("order_number"));
  if (!transition_allowed(order.status, "shipped")) {
    throw ApiError(400, "ValidationError", transition_error(order.status, "shipped"));
  }
  std::optional<std::string> carrier_value;
  if (carrier.present) carrier_value = carrier.value;
  admin::Activity activity{"order.tracking", "order",
                           json::object{{"orderNumber", ctx.param("order_number")}, {"trackingNumber", *tracking}}};
  db::Params params{order.id, *tracking, carrier_value, order.status, admin::activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(kTrackingSql, std::move(params));
  if (r.empty()) throw ApiError(409, "ConflictError", "The order changed meanwhile; reload and try again");
  auto fresh = co_await load_order(ctx, ctx.param("order_number"));
  co_return order_response(fresh.json, "Tracking number updated successfully");
}

}  // namespace

void register_admin_routes(web::Router& router) {
  router.add("GET", "/api/admin/orders", list_orders);
  router.add("GET", "/api/admin/orders/export", export_orders);
  router.add("PATCH", "/api/admin/orders/bulk-status", bulk_status);
  router.add("PATCH", "/api/admin/orders/:order_number/status", update_status);
  router.add("POST", "/api/admin/orders/:id/refund", refund_order);
  router.add("PATCH", "/api/admin/orders/:order_number/tracking", update_tracking);
}

}  // namespace wh::orders
