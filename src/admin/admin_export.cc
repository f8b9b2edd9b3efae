#include "admin/admin_export.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "accounts/authenticate.h"
#include "core/time.h"
#include "web/query_params.h"

namespace wh::admin {

namespace {

// One report: its head line and its batch statement. Every statement
// returns the row's id (the keyset) and then the cells. With `since`, the
// parameters are $1 created since, $2 after id, $3 batch size; without,
// $1 after id, $2 batch size.
struct Report {
  std::string_view type;
  const char* head;
  const char* sql;
  bool since;
};

constexpr Report kReports[] = {
    {"orders", "Order Number,Date,Customer Name,Customer Email,Status,Payment Status,Total,Items Count\n", R"(
SELECT o.id, o.order_number, to_char(o.created_at, 'YYYY-MM-DD'),
       CASE WHEN u.id IS NULL THEN 'Guest' ELSE btrim(u.first_name || ' ' || u.last_name) END,
       COALESCE(NULLIF(u.email, ''), o.customer_email, ''), o.status, o.payment_status, round(o.total, 2)::text,
       (SELECT count(*) FROM order_items oi WHERE oi.order_id = o.id)
  FROM orders o LEFT JOIN users u ON u.id = o.user_id
 WHERE o.created_at >= $1::timestamp AND ($2::text IS NULL OR o.id > $2)
 ORDER BY o.id LIMIT $3)",
     true},
    {"products", "Name,Category,Base Price,Total Stock,Status\n", R"(
SELECT p.id, p.name, COALESCE(c.name, 'Uncategorized'), round(p.base_price, 2)::text,
       (SELECT COALESCE(sum(v.stock), 0) FROM variants v WHERE v.product_id = p.id),
       CASE WHEN p.is_active THEN 'Active' ELSE 'Inactive' END
  FROM products p LEFT JOIN categories c ON c.id = p.category_id
 WHERE ($1::text IS NULL OR p.id > $1)
 ORDER BY p.id LIMIT $2)",
     false},
    {"customers", "Name,Email,Orders,Joined\n", R"(
SELECT u.id, COALESCE(NULLIF(btrim(u.first_name || ' ' || u.last_name), ''), 'N/A'), u.email,
       (SELECT count(*) FROM orders o WHERE o.user_id = u.id), to_char(u.created_at, 'YYYY-MM-DD')
  FROM users u
 WHERE u.role = 'customer' AND u.created_at >= $1::timestamp AND ($2::text IS NULL OR u.id > $2)
 ORDER BY u.id LIMIT $3)",
     true},
};

const Report* find_report(std::string_view type) {
  for (const auto& r : kReports) {
    if (r.type == type) return &r;
  }
  return nullptr;
}

// What an export still has to send. Shared with the body producer, which
// runs after the request's Context is gone: it holds the pool, never the
// Context.
struct ReportCursor {
  db::Db db;
  const Report* report = nullptr;
  std::string since;                 // created since (ISO, UTC)
  std::optional<std::string> after;  // the last id sent (keyset)
  std::string first;                 // the head line and the first batch, not yet sent
  bool done = false;
};

// The next batch of rows as CSV lines (one statement on a pooled connection
// given back before the lines are written); empty at the end.
Task<std::string> next_batch(ReportCursor& cur) {
  if (cur.done) co_return std::string();
  db::Params params;
  if (cur.report->since) {
    params = db::Params{cur.since, cur.after, kReportBatch};
  } else {
    params = db::Params{cur.after, kReportBatch};
  }
  auto r = co_await cur.db.query(cur.report->sql, std::move(params));
  std::string csv;
  for (int i = 0; i < r.rows(); ++i) {
    for (int c = 1; c < r.cols(); ++c) {
      if (c > 1) csv += ',';
      csv += csv_cell(r.get(i, c));
    }
    csv += '\n';
  }
  cur.done = r.rows() < kReportBatch;
  if (r.rows() > 0) cur.after = std::string(r.get(r.rows() - 1, 0));
  co_return csv;
}

// The head line and first batch, then batch after batch, each read only
// once the previous one was written; stops when the client is gone.
Task<void> write_report(std::shared_ptr<ReportCursor> cur, http::BodySink& sink) {
  std::string piece = std::move(cur->first);
  while (!piece.empty()) {
    bool written = co_await sink.write(piece);
    if (!written) co_return;
    piece = co_await next_batch(*cur);
  }
}

Task<http::Response> export_report(web::Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  web::QueryReader q(ctx.req);
  auto type = q.text("type", 20, web::QueryReader::Case::kLower);
  int days = q.integer("range", 30, 3650);
  const Report* report = type ? find_report(*type) : nullptr;
  if (report == nullptr) throw ApiError::bad_request("Invalid report type. Use: orders, products, customers");
  q.finish();
  auto cur = std::make_shared<ReportCursor>(ReportCursor{ctx.db(), report, {}, {}, {}, false});
  auto now = std::chrono::system_clock::now();
  cur->since = iso_time(now - std::chrono::hours(24) * days);
  std::string batch = co_await next_batch(*cur);
  cur->first = std::string(report->head) + batch;
  cur->db = db::Db(ctx.db().pool(), nullptr);
  http::Response res;
  res.status = 200;
  res.content_type = http::Bytes::literal("text/csv; charset=utf-8");
  res.set_header("Content-Disposition", "attachment; filename=" + std::string(report->type) + "_report_" +
                                            iso_time(now).substr(0, 10) + ".csv");
  res.stream = [cur](http::BodySink& sink) { return write_report(cur, sink); };
  co_return res;
}

}  // namespace

std::string csv_cell(std::string_view value) {
  std::string text;
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) text = "'";
  text += value;
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void register_admin_export_route(web::Router& router) {
  router.add("GET", "/api/admin/dashboard/export", export_report);
}

}  // namespace wh::admin
