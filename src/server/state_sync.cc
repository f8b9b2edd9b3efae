#include "server/state_sync.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "accounts/jwt.h"
#include "core/log.h"
#include "db/connection.h"
#include "security/client_ip.h"

namespace wh::server {
namespace asio = boost::asio;

namespace {

constexpr auto kStatementTimeout = std::chrono::milliseconds(10000);
constexpr auto kReloadEvery = std::chrono::milliseconds(30000);

Task<void> reload_blocked_ips(db::Connection& c, AppState& s) {
  auto r = co_await c.exec("SELECT ip FROM blocked_ips", {}, kStatementTimeout);
  std::unordered_set<std::string> ips;
  // Stored as typed by an admin: compare in the normalised form requests use.
  for (int i = 0; i < r.rows(); ++i)
    ips.emplace(security::normalize_ip(r.get(i, 0)).value_or(std::string(r.get(i, 0))));
  s.site.set_blocked(std::move(ips));
}

Task<void> reload_settings(db::Connection& c, AppState& s) {
  auto r = co_await c.exec(
      "SELECT bool_or(value = 'true') FROM system_settings WHERE key IN ('maintenanceMode', 'maintenance_mode')", {},
      kStatementTimeout);
  s.site.set_maintenance(!r.empty() && !r.is_null(0, 0) && r.get_bool(0, 0));
}

Task<void> reload_revoked(db::Connection& c, AppState& s) {
  auto r = co_await c.exec(
      "SELECT wh_token_hash(token), floor(extract(epoch FROM expires_at))::bigint"
      " FROM blacklisted_tokens WHERE expires_at > (now() AT TIME ZONE 'UTC')",
      {}, kStatementTimeout);
  std::unordered_map<std::string, std::int64_t> hashes;
  hashes.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) hashes.emplace(r.get(i, 0), r.get_int(i, 1));
  s.auth.revoked.replace(std::move(hashes));
}

Task<void> reload_all(db::Connection& c, AppState& s) {
  co_await reload_blocked_ips(c, s);
  co_await reload_settings(c, s);
  co_await reload_revoked(c, s);
  s.auth.principals.clear();
}

Task<void> apply(const std::string& event, db::Connection& c, AppState& s) {
  if (event.rfind("user:", 0) == 0) {
    s.auth.principals.invalidate(event.substr(5));
  } else if (event.rfind("token:", 0) == 0) {
    s.auth.revoked.add_hash(event.substr(6), 0);  // expiry known at the next reload
  } else if (event == "blocked_ips") {
    co_await reload_blocked_ips(c, s);
  } else if (event == "settings") {
    co_await reload_settings(c, s);
  }
}

}  // namespace

Task<void> run_state_sync(asio::any_io_executor ex, AppState& s) {
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
      co_await reload_all(*conn, s);
      s.auth.live = true;
      backoff = std::chrono::milliseconds(250);
      auto next_reload = std::chrono::steady_clock::now() + kReloadEvery;
      for (;;) {
        auto events = co_await conn->notifications(std::chrono::milliseconds(1000));
        for (const auto& e : events) co_await apply(e, *conn, s);
        if (std::chrono::steady_clock::now() >= next_reload) {
          co_await reload_all(*conn, s);
          s.auth.revoked.prune(accounts::unix_now());
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

}  // namespace wh::server
