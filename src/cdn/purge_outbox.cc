#include "cdn/purge_outbox.h"

#include <algorithm>
#include <string_view>

#include "db/db.h"

namespace wh::cdn {

namespace {

// '{1,2,3}', a bigint[] parameter.
std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  return out + "}";
}

// '{"a","b"}', a text[] parameter.
std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char ch : items[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + "}";
}

std::string seconds_text(std::chrono::milliseconds d) {
  return std::to_string(static_cast<double>(d.count()) / 1000.0);
}

// Tags travel space-separated: a valid tag has no space (purge_plan.h).
std::vector<std::string> split_tags(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto space = text.find(' ');
    if (space != 0) out.emplace_back(text.substr(0, space));
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  }
  return out;
}

}  // namespace

Task<std::vector<OutboxRow>> claim_rows(db::Db& db, int limit, std::chrono::milliseconds claim_for) {
  constexpr const char* kSql =
      "WITH c AS (SELECT id FROM wh_purge_outbox WHERE done_at IS NULL"
      " AND (claimed_until IS NULL OR claimed_until < now()) ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)"
      " UPDATE wh_purge_outbox o SET claimed_until = now() + make_interval(secs => $2::double precision)"
      " FROM c WHERE o.id = c.id RETURNING o.id, array_to_string(o.tags, ' ')";
  db::Params params{limit, seconds_text(claim_for)};
  auto r = co_await db.query(kSql, params);
  std::vector<OutboxRow> rows;
  rows.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) rows.push_back(OutboxRow{r.get_int(i, 0), split_tags(r.get(i, 1))});
  std::sort(rows.begin(), rows.end(), [](const OutboxRow& a, const OutboxRow& b) { return a.id < b.id; });
  co_return rows;
}

Task<std::vector<double>> mark_done(db::Db& db, const std::vector<std::int64_t>& ids) {
  std::vector<double> lags;
  if (ids.empty()) co_return lags;
  constexpr const char* kSql =
      "UPDATE wh_purge_outbox SET done_at = clock_timestamp(), claimed_until = NULL, last_error = NULL"
      " WHERE id = ANY($1::bigint[]) AND done_at IS NULL"
      " RETURNING extract(epoch FROM done_at - created_at)::float8";
  db::Params params{id_array(ids)};
  auto r = co_await db.query(kSql, params);
  for (int i = 0; i < r.rows(); ++i) lags.push_back(std::stod(std::string(r.get(i, 0))));
  co_return lags;
}

Task<void> release_rows(db::Db& db, const std::vector<std::int64_t>& ids, const std::string* error) {
  if (ids.empty()) co_return;
  constexpr const char* kSql =
      "UPDATE wh_purge_outbox SET claimed_until = NULL, attempts = attempts + $2,"
      " last_error = COALESCE($3, last_error) WHERE id = ANY($1::bigint[]) AND done_at IS NULL";
  db::Params params{id_array(ids), error != nullptr ? 1 : 0,
                    error != nullptr ? db::Param(*error) : db::Param(std::nullopt)};
  co_await db.query(kSql, params);
}

Task<void> keep_tags(db::Db& db, std::int64_t id, const std::vector<std::string>& tags) {
  constexpr const char* kSql = "UPDATE wh_purge_outbox SET tags = $2::text[] WHERE id = $1 AND done_at IS NULL";
  db::Params params{static_cast<long long>(id), text_array(tags)};
  co_await db.query(kSql, params);
}

Task<long> prune_done(db::Db& db, std::chrono::seconds retention, int limit) {
  constexpr const char* kSql =
      "DELETE FROM wh_purge_outbox WHERE id IN (SELECT id FROM wh_purge_outbox"
      " WHERE done_at < now() - make_interval(secs => $1::double precision) LIMIT $2)";
  db::Params params{static_cast<long long>(retention.count()), limit};
  auto r = co_await db.query(kSql, params);
  co_return r.affected();
}

Task<OutboxDepth> outbox_depth(db::Db& db) {
  constexpr const char* kSql =
      "SELECT count(*), COALESCE(extract(epoch FROM now() - min(created_at))::float8, 0)"
      " FROM (SELECT created_at FROM wh_purge_outbox WHERE done_at IS NULL ORDER BY id LIMIT 100000) AS p";
  auto r = co_await db.query(kSql);
  OutboxDepth d;
  d.pending = static_cast<long>(r.get_int(0, 0));
  d.oldest_seconds = std::max(0.0, std::stod(std::string(r.get(0, 1))));
  co_return d;
}

}  // namespace wh::cdn
