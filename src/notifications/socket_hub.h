// The signed-in WebSockets of this instance (GET /notifications, see
// socket_route.h), by user, and what reaches them:
//   - a notification row, as the frontend's Notification, when one is
//     created for their user by anyone (this instance, another one, the
//     old backend, psql): the insert trigger of migrations/0017 sends
//     'notification:<userId>:<row JSON>' (or ':#<id>' when the row is too
//     long for a NOTIFY payload; it is then read here) on `wh_events`, and
//     the change listener (server/state_sync) calls deliver();
//   - DATA_UPDATE messages for admin sockets ('data_update:<message>',
//     sent with kDataUpdateSql by whoever changed the data);
//   - FORCE_LOGOUT, then a close, when a socket's token no longer passes
//     the checks of an HTTP request (user deactivated or deleted, token
//     revoked, password or role changed): recheck_*() are called for
//     'user:' and 'token:' events and after the listener reconnects; and
//     for every customer socket when maintenance mode is switched on.
// A socket whose access token expires is closed with code 4001 (no
// FORCE_LOGOUT, which the frontend takes for a maintenance logout): the
// frontend reconnects with a refreshed token. A socket is checked once more
// right after it registers, so a logout between its upgrade and its
// registration is not missed.
// Thread-safe.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.h"
#include "web/services.h"

namespace wh::notifications {

// $1: the DATA_UPDATE message (JSON text, under 7900 bytes) for every admin
// socket of every instance.
inline constexpr const char* kDataUpdateSql = "SELECT pg_notify('wh_events', 'data_update:' || $1::text)";

// {"type":"DATA_UPDATE","eventType":...,"queryKeys":...,"metadata":...,"timestamp":...}
std::string data_update_message(std::string_view event_type, const std::vector<std::vector<std::string>>& query_keys,
                                std::string_view metadata_json = "{}");

class SocketHub {
 public:
  // What the hub knows of one socket's sign-in.
  struct Session {
    std::string user_id;
    std::string role;
    std::string token;
    std::int64_t expires_at = 0;  // the token's exp (unix seconds)
  };

  SocketHub(web::Services& services, boost::asio::any_io_executor ex);
  ~SocketHub();
  SocketHub(const SocketHub&) = delete;
  SocketHub& operator=(const SocketHub&) = delete;

  // Registers an open socket; returns its id for remove().
  std::uint64_t add(std::shared_ptr<http::WebSocket> socket, Session session);
  void remove(std::uint64_t id);

  // 'notification:' event payload: '<userId>:<row JSON>' or '<userId>:#<id>'.
  void deliver(std::string_view payload);
  // 'data_update:' event payload: the message for every admin socket.
  void send_to_admins(std::string_view message);
  // Checks again the tokens of the user's sockets / of the sockets holding
  // the token with this SHA-256 / of every socket.
  void recheck_user(std::string_view user_id);
  void recheck_token(std::string_view token_sha256);
  void recheck_all();
  // The maintenance flag as just read from the database (every reload):
  // when it goes from off to on, FORCE_LOGOUT to every non-admin socket.
  void observe_maintenance(bool on);

  std::size_t sockets() const;

 private:
  struct Entry;
  std::vector<std::shared_ptr<Entry>> select(bool (*match)(const Entry&, std::string_view), std::string_view key) const;
  void recheck(std::vector<std::shared_ptr<Entry>> entries);
  void force_logout_customers();

  web::Services& services_;
  boost::asio::any_io_executor ex_;
  mutable std::mutex mu_;
  std::uint64_t next_id_ = 1;
  bool maintenance_ = false;
  std::unordered_map<std::uint64_t, std::shared_ptr<Entry>> entries_;
};

}  // namespace wh::notifications
