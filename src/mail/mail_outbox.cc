#include "mail/mail_outbox.h"

#include "db/db.h"
#include "db/sql_now.h"

namespace wh::mail {

namespace {

std::string seconds_text(std::chrono::milliseconds d) {
  return std::to_string(static_cast<double>(d.count()) / 1000.0);
}

// '{"a","b"}', a text[] parameter of cuid ids (no quotes or backslashes).
std::string id_array(const std::vector<std::string>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += '"' + ids[i] + '"';
  }
  return out + "}";
}

}  // namespace

Task<std::vector<QueuedRow>> claim_queued(db::Db& db, int limit, std::chrono::milliseconds claim_for) {
  constexpr const char* kSql =
      "WITH c AS (SELECT id FROM email_logs WHERE status = 'queued'"
      " AND (next_attempt_at IS NULL OR next_attempt_at <= " WH_SQL_NOW
      ")"
      " AND (claimed_until IS NULL OR claimed_until < " WH_SQL_NOW
      ")"
      " ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)"
      " UPDATE email_logs e SET claimed_until = " WH_SQL_NOW
      " + make_interval(secs => $2::double precision)"
      " FROM c WHERE e.id = c.id"
      " RETURNING e.id, e.type, e.to_email, e.subject, COALESCE(e.template_data::text, 'null'), e.attempt_count,"
      " e.max_attempts, e.created_at";
  db::Params params{limit, seconds_text(claim_for)};
  auto r = co_await db.query(kSql, params);
  std::vector<QueuedRow> rows;
  rows.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    rows.push_back(QueuedRow{std::string(r.get(i, 0)), std::string(r.get(i, 1)), std::string(r.get(i, 2)),
                             std::string(r.get(i, 3)), std::string(r.get(i, 4)), static_cast<int>(r.get_int(i, 5)),
                             static_cast<int>(r.get_int(i, 6))});
  }
  co_return rows;
}

Task<void> mark_sent(db::Db& db, const std::string& id, const std::string& message_id) {
  constexpr const char* kSql =
      "UPDATE email_logs SET status = 'sent', sent_at = " WH_SQL_NOW
      ", message_id = NULLIF($2, ''),"
      " attempt_count = attempt_count + 1, last_error = NULL, claimed_until = NULL, next_attempt_at = NULL"
      " WHERE id = $1 AND status = 'queued'";
  db::Params params{id, message_id};
  co_await db.query(kSql, params);
}

Task<void> mark_failed(db::Db& db, const std::string& id, const std::string& reason, bool attempted) {
  constexpr const char* kSql =
      "UPDATE email_logs SET status = 'failed', attempt_count = attempt_count + $3, last_error = $2,"
      " claimed_until = NULL, next_attempt_at = NULL WHERE id = $1 AND status = 'queued'";
  db::Params params{id, reason, attempted ? 1 : 0};
  co_await db.query(kSql, params);
}

Task<void> mark_skipped(db::Db& db, const std::string& id, const std::string& reason) {
  constexpr const char* kSql =
      "UPDATE email_logs SET status = 'skipped', last_error = $2, claimed_until = NULL, next_attempt_at = NULL"
      " WHERE id = $1 AND status = 'queued'";
  db::Params params{id, reason};
  co_await db.query(kSql, params);
}

Task<void> schedule_retry(db::Db& db, const std::string& id, const std::string& error,
                          std::chrono::milliseconds delay) {
  constexpr const char* kSql =
      "UPDATE email_logs SET attempt_count = attempt_count + 1, last_error = $2, claimed_until = NULL,"
      " next_attempt_at = " WH_SQL_NOW
      " + make_interval(secs => $3::double precision)"
      " WHERE id = $1 AND status = 'queued'";
  db::Params params{id, error, seconds_text(delay)};
  co_await db.query(kSql, params);
}

Task<void> release_claims(db::Db& db, const std::vector<std::string>& ids) {
  if (ids.empty()) co_return;
  constexpr const char* kSql =
      "UPDATE email_logs SET claimed_until = NULL WHERE id = ANY($1::text[]) AND status = 'queued'";
  db::Params params{id_array(ids)};
  co_await db.query(kSql, params);
}

Task<Preferences> load_preferences(db::Db& db, const std::string& email) {
  constexpr const char* kSql =
      "SELECT COALESCE(bool_or(unsubscribed_from_all), false), COALESCE(bool_and(marketing_emails), true),"
      " COALESCE(bool_and(abandoned_cart_emails), true), COALESCE(bool_and(back_in_stock_emails), true)"
      " FROM email_preferences WHERE lower(email) = lower($1)"
      " OR user_id = (SELECT id FROM users WHERE email = lower($1))";
  db::Params params{email};
  auto r = co_await db.query(kSql, params);
  co_return Preferences{r.get_bool(0, 0), r.get_bool(0, 1), r.get_bool(0, 2), r.get_bool(0, 3)};
}

Task<long> queue_depth(db::Db& db) {
  constexpr const char* kSql =
      "SELECT count(*) FROM (SELECT 1 FROM email_logs WHERE status = 'queued' LIMIT 100000) AS q";
  auto r = co_await db.query(kSql);
  co_return static_cast<long>(r.get_int(0, 0));
}

}  // namespace wh::mail
