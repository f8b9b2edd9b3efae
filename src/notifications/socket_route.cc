#include "notifications/socket_route.h"

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "accounts/authenticate.h"
#include "core/error.h"
#include "core/text.h"
#include "notifications/socket_hub.h"
#include "security/http_policy.h"
#include "security/route_limit.h"
#include "security/site_state.h"

namespace wh::notifications {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

const security::RatePolicy kUpgradeLimit{"ws-upgrade", 10, std::chrono::minutes(1)};

// One socket's side: registers with the hub while open, answers PINGs.
class NotificationSocket final : public http::WebSocketHandler {
 public:
  NotificationSocket(SocketHub& hub, SocketHub::Session session) : hub_(hub), session_(std::move(session)) {}

  void opened(std::shared_ptr<http::WebSocket> socket) override {
    socket_ = socket;
    socket->send(R"({"type":"CONNECTED","message":"Real-time notifications active"})");
    id_ = hub_.add(std::move(socket), session_);
  }

  void received(std::string_view text) override {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) return;
    const auto& o = v.as_object();
    const auto* type = o.if_contains("type");
    if (type == nullptr || !type->is_string() || type->as_string() != "PING") return;
    json::object pong{{"type", "PONG"},
                      {"timestamp", std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count()}};
    if (const auto* ts = o.if_contains("timestamp"); ts != nullptr && ts->is_number()) pong["clientTimestamp"] = *ts;
    socket_->send(json::serialize(pong));
  }

  void closed() override {
    if (id_ != 0) hub_.remove(id_);
    socket_.reset();
  }

 private:
  SocketHub& hub_;
  SocketHub::Session session_;
  std::shared_ptr<http::WebSocket> socket_;
  std::uint64_t id_ = 0;
};

// The token of `Sec-WebSocket-Protocol: access_token, <JWT>`, or "".
std::string protocol_token(const http::Request& req) {
  auto h = req.header("sec-websocket-protocol");
  if (!h) return {};
  auto comma = h->find(',');
  if (comma == std::string_view::npos || trimmed(h->substr(0, comma)) != "access_token") return {};
  auto rest = h->substr(comma + 1);
  return std::string(trimmed(rest.substr(0, rest.find(','))));
}

Task<Response> open_socket(Context& ctx) {
  security::enforce_rate_limit(ctx, kUpgradeLimit, ctx.req.client_ip, "Too many connection attempts");
  if (auto origin = ctx.req.header("origin"); origin && !ctx.get<security::CorsPolicy>().listed(*origin)) {
    throw ApiError(403, "ForbiddenError", "Origin not allowed");
  }
  if (!http::is_websocket_upgrade(ctx.req)) {
    ctx.add_header("Upgrade", http::Bytes::literal("websocket"));
    throw ApiError(426, "UpgradeRequiredError", "This endpoint accepts WebSocket connections only");
  }
  std::string token = protocol_token(ctx.req);
  if (token.empty()) throw ApiError(401, "UnauthorizedError", "Missing access token");
  ctx.auth = web::AuthOutcome{};  // the token of the protocol header, not of any other header
  co_await accounts::authenticate_token(ctx, token);
  const auto& user = accounts::require_user(ctx);
  // The maintenance stage lets this path through (a browser cannot send the
  // token in a header it reads): shoppers are refused here, admins pass.
  if (ctx.get<security::SiteState>().maintenance() && user.role != "admin" && user.role != "super_admin") {
    throw ApiError(503, "MAINTENANCE_MODE", "System is currently under maintenance. Please try again later.")
        .with_retry_after(3600);
  }
  SocketHub::Session session{user.id, user.role, token, ctx.auth.expires_at};
  Response res;
  res.status = 101;
  res.websocket = std::make_shared<NotificationSocket>(ctx.get<SocketHub>(), std::move(session));
  res.websocket_protocol = "access_token";
  co_return res;
}

}  // namespace

void register_socket_route(web::Router& router) { router.add("GET", "/notifications", open_socket); }

}  // namespace wh::notifications
