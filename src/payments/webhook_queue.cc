#include "payments/webhook_queue.h"

#include <algorithm>
#include <boost/json.hpp>

#include "core/crypto.h"
#include "core/ids.h"
#include "db/db.h"
#include "db/sql_now.h"

namespace wh::payments {

namespace json = boost::json;

namespace {

std::string seconds_of(std::chrono::milliseconds d) { return std::to_string(static_cast<double>(d.count()) / 1000.0); }

// data.id (Paystack's transaction or refund id) as text, else "".
std::string id_text(const json::object& data) {
  const auto* id = data.if_contains("id");
  if (id == nullptr) return "";
  if (id->is_string()) return std::string(id->as_string());
  if (id->is_int64() || id->is_uint64()) return json::serialize(*id);
  return "";
}

std::string text_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

bool handled_event(std::string_view event) {
  return event == "charge.success" || event == "charge.failed" || event == "refund.processed" ||
         event == "refund.failed";
}

std::optional<IncomingEvent> read_event(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  std::string event = text_of(o, "event");
  if (event.empty() || event.size() > 100) return std::nullopt;
  IncomingEvent in;
  in.event = event;
  in.payload = std::string(body);
  json::object empty;
  const auto* d = o.if_contains("data");
  const json::object& data = d != nullptr && d->is_object() ? d->as_object() : empty;
  in.reference = text_of(data, "reference");
  if (in.reference.empty()) in.reference = text_of(data, "transaction_reference");
  if (in.reference.size() > 100) in.reference.resize(100);
  // The same event about the same transaction is the same event, however
  // often Paystack sends it; without an id or reference, the same bytes are.
  std::string identity = id_text(data);
  if (identity.empty()) identity = in.reference.empty() ? "sha256:" + sha256_hex(body) : "ref:" + in.reference;
  in.key = event + ":" + identity;
  return in;
}

Task<bool> record_event(db::Db& db, const IncomingEvent& e) {
  constexpr const char* kSql =
      "INSERT INTO wh_payment_events (id, event, event_key, reference, payload, status, result, processed_at)"
      " VALUES ($1, $2, $3, NULLIF($4, ''), $5::jsonb, $6::text, CASE WHEN $6::text = 'ignored' THEN 'not_handled' END,"
      " CASE WHEN $6::text = 'ignored' THEN " WH_SQL_NOW " END) ON CONFLICT (event_key) DO NOTHING RETURNING id";
  std::string status = handled_event(e.event) ? "queued" : "ignored";
  db::Params params{new_cuid(), e.event, e.key, e.reference, e.payload, status};
  auto r = co_await db.query(kSql, std::move(params));
  co_return !r.empty();
}

Task<std::vector<QueuedEvent>> claim_events(db::Db& db, int limit, std::chrono::milliseconds claim_for) {
  constexpr const char* kSql =
      "WITH c AS (SELECT id FROM wh_payment_events WHERE status = 'queued'"
      " AND (next_attempt_at IS NULL OR next_attempt_at <= " WH_SQL_NOW
      ") AND (claimed_until IS NULL OR claimed_until < " WH_SQL_NOW
      ") ORDER BY received_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)"
      " UPDATE wh_payment_events e SET claimed_until = " WH_SQL_NOW
      " + make_interval(secs => $2::double precision)"
      " FROM c WHERE e.id = c.id RETURNING e.id, e.event, e.payload::text, e.attempts, e.received_at";
  db::Params params{limit, seconds_of(claim_for)};
  auto r = co_await db.query(kSql, std::move(params));
  std::vector<QueuedEvent> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(QueuedEvent{std::string(r.get(i, 0)), std::string(r.get(i, 1)), std::string(r.get(i, 2)),
                              static_cast<int>(r.get_int(i, 3))});
  }
  std::sort(out.begin(), out.end(), [](const QueuedEvent& a, const QueuedEvent& b) { return a.id < b.id; });
  co_return out;
}

Task<void> mark_processed(db::Db& db, const std::string& id, std::string_view status, std::string_view result,
                          const std::string& order_id) {
  constexpr const char* kSql =
      "UPDATE wh_payment_events SET status = $2, result = $3, order_id = NULLIF($4, ''), attempts = attempts + 1,"
      " error = NULL, claimed_until = NULL, next_attempt_at = NULL, processed_at = " WH_SQL_NOW
      " WHERE id = $1 AND status = 'queued'";
  db::Params params{id, status, result, order_id};
  co_await db.query(kSql, std::move(params));
}

Task<void> schedule_event_retry(db::Db& db, const std::string& id, const std::string& error,
                                std::chrono::milliseconds delay) {
  constexpr const char* kSql =
      "UPDATE wh_payment_events SET attempts = attempts + 1, error = $2, claimed_until = NULL,"
      " next_attempt_at = " WH_SQL_NOW
      " + make_interval(secs => $3::double precision) WHERE id = $1 AND status = 'queued'";
  db::Params params{id, error, seconds_of(delay)};
  co_await db.query(kSql, std::move(params));
}

Task<void> mark_event_failed(db::Db& db, const std::string& id, const std::string& error) {
  constexpr const char* kSql =
      "UPDATE wh_payment_events SET status = 'failed', attempts = attempts + 1, error = $2, claimed_until = NULL,"
      " next_attempt_at = NULL, processed_at = " WH_SQL_NOW " WHERE id = $1 AND status = 'queued'";
  db::Params params{id, error};
  co_await db.query(kSql, std::move(params));
}

Task<void> release_event_claims(db::Db& db, const std::vector<std::string>& ids) {
  if (ids.empty()) co_return;
  std::string list;
  for (const auto& id : ids) list += (list.empty() ? "" : ",") + id;
  constexpr const char* kSql =
      "UPDATE wh_payment_events SET claimed_until = NULL WHERE id = ANY(string_to_array($1, ',')) AND status = "
      "'queued'";
  db::Params params{list};
  co_await db.query(kSql, std::move(params));
}

}  // namespace wh::payments
