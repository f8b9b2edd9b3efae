#include "server/state_sync.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

#include "accounts/jwt.h"
#include "cache/tags.h"
#include "core/log.h"
#include "db/connection.h"
#include "db/sql_now.h"
#include "security/client_ip.h"

namespace wh::server {
namespace asio = boost::asio;

namespace {

constexpr auto kStatementTimeout = std::chrono::milliseconds(10000);
constexpr auto kReloadEvery = std::chrono::milliseconds(30000);
// A row's created_at is its transaction's start, so rows may commit out of
// created_at order. Each incremental load also re-reads the rows created this
// recently; revocations are single-statement inserts that commit well within
// it.
constexpr int kCommitLagSeconds = 10;
constexpr int kPageRows = 1000;
// Expired rows are deleted this long after expiry, so an instance whose clock
// lags the database's still refuses a spent refresh token until it expires
// by its own clock.
constexpr const char* kCleanupGrace = "10 minutes";

Task<void> reload_blocked_ips(db::Connection& c, AppState& s) {
  auto r = co_await c.exec("SELECT ip FROM blocked_ips", {}, kStatementTimeout);
  std::unordered_set<std::string> ips;
  // Stored as typed by an admin: compare in the normalised form requests use.
  for (int i = 0; i < r.rows(); ++i)
    ips.emplace(security::normalize_ip(r.get(i, 0)).value_or(std::string(r.get(i, 0))));
  s.site.set_blocked(std::move(ips));
}

Task<void> reload_settings(db::Connection& c, AppState& s) {
  auto r = co_await c.exec(security::kMaintenanceFlagSql, {}, kStatementTimeout);
  s.site.set_maintenance(r.get_bool(0, 0));
  // Switched on (here, by another instance or by psql): shoppers' sockets are logged out.
  s.sockets.observe_maintenance(r.get_bool(0, 0));
}

// Where the incremental revocation load continues: the newest
// (created_at, id) seen, created_at as text at full precision.
struct Watermark {
  std::string created_at = "1970-01-01 00:00:00";
  std::string id;
};

// Every unexpired access-token revocation, replacing the in-memory set (on
// connect: notifications may have been missed). The watermark is read first,
// so a row committed during the load is read again by the next increment.
Task<Watermark> load_all_revoked(db::Connection& c, AppState& s) {
  // The last row in (created_at, id) order: the next increment reads only
  // rows after it (with the id too, the rows of the last instant are not
  // all read again).
  auto w = co_await c.exec(
      "SELECT to_char(created_at, 'YYYY-MM-DD HH24:MI:SS.US'), id FROM blacklisted_tokens"
      " ORDER BY created_at DESC, id DESC LIMIT 1",
      {}, kStatementTimeout);
  Watermark mark;
  if (!w.empty()) {
    mark.created_at = std::string(w.get(0, 0));
    mark.id = std::string(w.get(0, 1));
  }
  auto r = co_await c.exec(
      "SELECT wh_token_hash(token), floor(extract(epoch FROM expires_at))::bigint FROM blacklisted_tokens"
      " WHERE expires_at > " WH_SQL_NOW " AND wh_token_is_access(token)",
      {}, kStatementTimeout);
  std::unordered_map<std::string, std::int64_t> hashes;
  hashes.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) hashes.emplace(r.get(i, 0), r.get_int(i, 1));
  s.auth.revoked.replace(std::move(hashes));
  s.auth.revocation_rows_read += static_cast<std::uint64_t>(r.rows());
  co_return mark;
}

// Rows added after `mark`, plus every row of the last kCommitLagSeconds (a
// late commit may sort before the watermark), in pages. Re-reading is thus
// bounded by the rows of the last few seconds, however old the watermark.
// Refresh-token rows advance the watermark but are not kept.
Task<void> load_new_revoked(db::Connection& c, AppState& s, Watermark& mark) {
  constexpr const char* kSql =
      "SELECT CASE WHEN wh_token_is_access(token) THEN wh_token_hash(token) END,"
      " floor(extract(epoch FROM expires_at))::bigint, to_char(created_at, 'YYYY-MM-DD HH24:MI:SS.US'), id"
      " FROM blacklisted_tokens"
      " WHERE ((created_at, id) > ($1::timestamp, $2) OR created_at > " WH_SQL_NOW
      " - make_interval(secs => $3))"
      " AND expires_at > " WH_SQL_NOW " ORDER BY created_at, id LIMIT $4";
  std::string from = mark.created_at, from_id = mark.id;
  int lag = kCommitLagSeconds;
  for (;;) {
    db::Params p{from, from_id, lag, kPageRows};
    auto r = co_await c.exec(kSql, p, kStatementTimeout);
    s.auth.revocation_rows_read += static_cast<std::uint64_t>(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
      if (!r.is_null(i, 0)) s.auth.revoked.add_hash(std::string(r.get(i, 0)), r.get_int(i, 1));
    }
    if (r.rows() == 0) break;
    from = std::string(r.get(r.rows() - 1, 2));
    from_id = std::string(r.get(r.rows() - 1, 3));
    if (from > mark.created_at || (from == mark.created_at && from_id > mark.id)) {
      mark.created_at = from;
      mark.id = from_id;
    }
    if (r.rows() < kPageRows) break;
    lag = 0;  // later pages continue strictly after the last row
  }
}

// Deletes rows whose tokens have expired (any instance may; it is idempotent)
// and forgets them in memory.
Task<void> cleanup_revoked(db::Connection& c, AppState& s) {
  std::string sql = std::string("DELETE FROM blacklisted_tokens WHERE expires_at < ") + WH_SQL_NOW + " - interval '" +
                    kCleanupGrace + "'";
  co_await c.exec(sql, {}, kStatementTimeout);
  s.auth.revoked.prune(accounts::unix_now());
}

// A 'token:' event: 'token:<hash>:<expiry>' for an access token (migration
// 0007). False when it lacks the expiry (the trigger of 0005/0006, sent for
// refresh tokens too): the caller then loads new rows instead.
bool add_revoked(std::string_view payload, AppState& s) {
  auto colon = payload.find(':');
  if (colon == std::string_view::npos) return false;
  std::int64_t expires = 0;
  auto exp = payload.substr(colon + 1);
  auto [end, ec] = std::from_chars(exp.data(), exp.data() + exp.size(), expires);
  if (ec != std::errc() || end != exp.data() + exp.size()) return false;
  s.auth.revoked.add_hash(std::string(payload.substr(0, colon)), expires);
  return true;
}

// A 'tags:' event (migration 0008): 'a,b,c' invalidates those cache tags.
void invalidate_tags(std::string_view list, AppState& s) {
  std::vector<std::string> tags;
  while (!list.empty()) {
    auto comma = list.find(',');
    if (comma != 0) tags.emplace_back(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  s.caches.invalidate(tags);
}

// Applies one notification. Returns true when revocations must be loaded.
Task<bool> apply(const std::string& event, db::Connection& c, AppState& s) {
  if (event.rfind("user:", 0) == 0) {
    s.auth.principals.invalidate(event.substr(5));
    s.sockets.recheck_user(std::string_view(event).substr(5));
  } else if (event.rfind("token:", 0) == 0) {
    auto payload = std::string_view(event).substr(6);
    if (!add_revoked(payload, s)) co_return true;
    s.sockets.recheck_token(payload.substr(0, payload.find(':')));
  } else if (event.rfind("notification:", 0) == 0) {
    s.sockets.deliver(std::string_view(event).substr(13));
  } else if (event.rfind("data_update:", 0) == 0) {
    s.sockets.send_to_admins(std::string_view(event).substr(12));
  } else if (event.rfind("tags:", 0) == 0) {
    invalidate_tags(std::string_view(event).substr(5), s);
  } else if (event == "blocked_ips") {
    co_await reload_blocked_ips(c, s);
  } else if (event == "purge") {
    s.purge.wake();
  } else if (event == "mail") {
    s.mail.wake();
  } else if (event == "payments") {
    s.payments.wake();
  } else if (event.rfind("order:", 0) == 0) {
    s.payment_watch.notify(event.substr(6));
  } else if (event == "settings") {
    s.caches.invalidate({cache::tags::kSettings});
    co_await reload_settings(c, s);
  }
  co_return false;
}

// The listener proper. Runs on a strand: the connection and the loop state
// are touched by one thread at a time, whatever thread the io_context uses.
Task<void> listen(asio::any_io_executor ex, AppState& s) {
  db::ConnectOptions options;
  options.url = s.config.direct_url.empty() ? s.config.database_url : s.config.direct_url;
  options.connect_timeout = s.config.db_connect_timeout;
  options.statement_timeout = std::chrono::milliseconds(0);
  options.application_name = "wighaven-listener";
  auto backoff = std::chrono::milliseconds(250);
  for (;;) {
    try {
      auto conn = co_await db::Connection::connect(ex, options);
      co_await conn->exec("LISTEN wh_events", {}, kStatementTimeout);
      // Listening again: changes made while we were not are unknown.
      s.caches.clear();
      co_await reload_blocked_ips(*conn, s);
      co_await reload_settings(*conn, s);
      Watermark mark = co_await load_all_revoked(*conn, s);
      s.auth.live = true;
      s.purge.wake();                // purge events may have been missed too
      s.mail.wake();                 // and so may queued e-mails (migration 0011)
      s.payments.wake();             // and webhook events (0012)
      s.payment_watch.notify_all();  // and order changes the payment streams wait for
      s.sockets.recheck_all();       // and logouts and deactivations of socket users
      backoff = std::chrono::milliseconds(250);
      auto now = std::chrono::steady_clock::now();
      auto next_reload = now + kReloadEvery;
      auto next_poll = now + s.config.revocation_poll;
      for (;;) {
        auto wait = std::clamp(
            std::chrono::duration_cast<std::chrono::milliseconds>(next_poll - std::chrono::steady_clock::now()),
            std::chrono::milliseconds(1), std::chrono::milliseconds(1000));
        auto events = co_await conn->notifications(wait);
        bool load = false;
        for (const auto& e : events) {
          bool need = co_await apply(e, *conn, s);
          load = load || need;
        }
        if (load) {
          co_await load_new_revoked(*conn, s, mark);
          s.sockets.recheck_all();  // which sockets those rows concern is not known
        }
        now = std::chrono::steady_clock::now();
        if (now >= next_poll) {
          // The safety net for notifications: rows added since the watermark.
          co_await load_new_revoked(*conn, s, mark);
          co_await cleanup_revoked(*conn, s);
          next_poll = std::chrono::steady_clock::now() + s.config.revocation_poll;
        }
        if (now >= next_reload) {
          co_await reload_blocked_ips(*conn, s);
          co_await reload_settings(*conn, s);
          next_reload = std::chrono::steady_clock::now() + kReloadEvery;
        }
      }
    } catch (const std::exception& e) {
      // Messages may have been missed: stop trusting the caches.
      s.auth.live = false;
      s.auth.principals.clear();
      log::warn("state listener disconnected", {{"error", e.what()}, {"retry_ms", backoff.count()}});
    }
    asio::steady_timer t(ex, backoff);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
  }
}

}  // namespace

Task<void> run_state_sync(asio::any_io_executor ex, AppState& s) {
  asio::any_io_executor strand = asio::make_strand(ex);
  co_await asio::co_spawn(strand, listen(strand, s), asio::use_awaitable);
}

}  // namespace wh::server
