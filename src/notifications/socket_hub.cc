#include "notifications/socket_hub.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <chrono>

#include "accounts/authenticate.h"
#include "accounts/jwt.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/time.h"
#include "db/db.h"
#include "web/context.h"

namespace wh::notifications {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// The frontend's Notification, as the trigger of migrations/0017 builds it.
constexpr const char* kRowSql =
    "SELECT json_strip_nulls(json_build_object('id', id, 'userId', user_id, 'type', type, 'title', title,"
    " 'message', message, 'link', link, 'isRead', is_read, 'createdAt', wh_iso(created_at), 'data', data))::text"
    " FROM notifications WHERE id = $1";

constexpr std::uint16_t kCloseNormal = 1000;
constexpr std::uint16_t kCloseTokenExpired = 4001;

bool is_admin(std::string_view role) { return role == "admin" || role == "super_admin"; }

std::string force_logout(std::string_view reason, std::string_view message) {
  json::object o{{"type", "FORCE_LOGOUT"}, {"message", message}, {"reason", reason}};
  return json::serialize(o);
}

}  // namespace

struct SocketHub::Entry {
  std::uint64_t id = 0;
  std::shared_ptr<http::WebSocket> socket;
  Session session;
  std::string token_sha256;
  std::unique_ptr<asio::steady_timer> expiry;  // closes the socket when the token expires
};

std::string data_update_message(std::string_view event_type, const std::vector<std::vector<std::string>>& query_keys,
                                std::string_view metadata_json) {
  json::array keys;
  for (const auto& key : query_keys) {
    json::array k;
    for (const auto& part : key) k.emplace_back(part);
    keys.emplace_back(std::move(k));
  }
  json::object o{{"type", "DATA_UPDATE"},
                 {"eventType", event_type},
                 {"queryKeys", std::move(keys)},
                 {"metadata", json::parse(metadata_json)},
                 {"timestamp", iso_now()}};
  return json::serialize(o);
}

SocketHub::SocketHub(web::Services& services, asio::any_io_executor ex) : services_(services), ex_(std::move(ex)) {}

SocketHub::~SocketHub() = default;

std::uint64_t SocketHub::add(std::shared_ptr<http::WebSocket> socket, Session session) {
  auto e = std::make_shared<Entry>();
  e->socket = std::move(socket);
  e->token_sha256 = sha256_hex(session.token);
  e->session = std::move(session);
  e->expiry = std::make_unique<asio::steady_timer>(ex_);
  e->expiry->expires_after(
      std::chrono::seconds(std::max<std::int64_t>(e->session.expires_at - accounts::unix_now(), 0)));
  {
    std::lock_guard lock(mu_);
    e->id = next_id_++;
    entries_.emplace(e->id, e);
  }
  std::weak_ptr<Entry> weak = e;
  e->expiry->async_wait([weak](const boost::system::error_code& ec) {
    if (ec) return;  // removed first
    if (auto entry = weak.lock()) entry->socket->close(kCloseTokenExpired, "Token expired");
  });
  recheck({e});
  return e->id;
}

void SocketHub::remove(std::uint64_t id) {
  std::shared_ptr<Entry> e;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    e = std::move(it->second);
    entries_.erase(it);
  }
  // The timer runs on ex_: cancel it there.
  asio::post(ex_, [e] { e->expiry->cancel(); });
}

std::vector<std::shared_ptr<SocketHub::Entry>> SocketHub::select(bool (*match)(const Entry&, std::string_view),
                                                                 std::string_view key) const {
  std::vector<std::shared_ptr<Entry>> out;
  std::lock_guard lock(mu_);
  for (const auto& [id, e] : entries_) {
    if (match(*e, key)) out.push_back(e);
  }
  return out;
}

void SocketHub::deliver(std::string_view payload) {
  auto colon = payload.find(':');
  if (colon == std::string_view::npos) return;
  auto user = payload.substr(0, colon);
  auto row = payload.substr(colon + 1);
  auto targets = select([](const Entry& e, std::string_view u) { return e.session.user_id == u; }, user);
  if (targets.empty()) return;
  if (row.empty() || row.front() != '#') {
    for (const auto& e : targets) e->socket->send(std::string(row));
    return;
  }
  // Too long for the NOTIFY payload: read it.
  asio::co_spawn(
      ex_,
      [this, id = std::string(row.substr(1)), targets = std::move(targets)]() -> Task<void> {
        try {
          db::Db db(*services_.pool, nullptr, db::Priority::background);
          db::Params params{id};
          auto r = co_await db.query(kRowSql, std::move(params));
          if (r.empty()) co_return;
          std::string text(r.get(0, 0));
          for (const auto& e : targets) e->socket->send(text);
        } catch (const std::exception& ex) {
          log::warn("notification push failed", {{"error", ex.what()}});
        }
      },
      asio::detached);
}

void SocketHub::send_to_admins(std::string_view message) {
  auto admins = select([](const Entry& e, std::string_view) { return is_admin(e.session.role); }, {});
  for (const auto& e : admins) e->socket->send(std::string(message));
}

void SocketHub::recheck_user(std::string_view user_id) {
  recheck(select([](const Entry& e, std::string_view u) { return e.session.user_id == u; }, user_id));
}

void SocketHub::recheck_token(std::string_view token_sha256) {
  recheck(select([](const Entry& e, std::string_view h) { return e.token_sha256 == h; }, token_sha256));
}

void SocketHub::recheck_all() {
  recheck(select([](const Entry&, std::string_view) { return true; }, {}));
}

// Each socket's token goes through the checks of an HTTP request again;
// one that fails gets FORCE_LOGOUT with the reason the frontend knows.
void SocketHub::recheck(std::vector<std::shared_ptr<Entry>> entries) {
  if (entries.empty()) return;
  asio::co_spawn(
      ex_,
      [this, entries = std::move(entries)]() -> Task<void> {
        for (const auto& e : entries) {
          try {
            http::Request req;
            web::Context ctx(req, services_);
            co_await accounts::authenticate_token(ctx, e->session.token);
            if (ctx.auth.principal) continue;
            const auto& why = ctx.auth.failure;
            if (why == "Token has expired") {
              e->socket->close(kCloseTokenExpired, "Token expired");
              continue;
            }
            bool disabled = why == "Account has been deactivated" || why == "User no longer exists";
            e->socket->send(disabled ? force_logout("ACCOUNT_DISABLED", "Your account has been deactivated.")
                                     : force_logout("SESSION_EXPIRED", "Your session has ended. Please log in again."));
            e->socket->close(kCloseNormal, "Logged out");
          } catch (const std::exception& ex) {
            // The database is unreachable: the socket stays; the next event
            // or reconnect checks it again.
            log::warn("socket recheck failed", {{"error", ex.what()}});
          }
        }
      },
      asio::detached);
}

void SocketHub::force_logout_customers() {
  auto customers = select([](const Entry& e, std::string_view) { return !is_admin(e.session.role); }, {});
  for (const auto& e : customers) {
    e->socket->send(force_logout("MAINTENANCE_MODE", "System is under maintenance. You have been logged out."));
    e->socket->close(kCloseNormal, "Maintenance");
  }
}

void SocketHub::observe_maintenance(bool on) {
  bool was = false;
  {
    std::lock_guard lock(mu_);
    was = maintenance_;
    maintenance_ = on;
  }
  if (on && !was) force_logout_customers();
}

std::size_t SocketHub::sockets() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace wh::notifications
