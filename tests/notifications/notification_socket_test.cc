// The real-time WebSocket at /notifications through the real server and
// database: the old handshake (token as the second subprotocol), CONNECTED
// and PONG, the checks of an HTTP request before the upgrade (the fix:
// revoked tokens and deactivated accounts are refused), the Origin rule and
// the upgrade limit, rows pushed whoever inserts them (psql here, as the old
// backend would), FORCE_LOGOUT on deactivation, logout and maintenance, and
// DATA_UPDATE for admin sockets only.
#include <gtest/gtest.h>

#include <boost/beast/websocket.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "commerce/commerce_fixture.h"
#include "support/notification_socket.h"

namespace wh::test {
namespace {
namespace websocket = boost::beast::websocket;
using namespace std::chrono_literals;

class NotificationSocket : public CommerceApi {
 protected:
  static std::unique_ptr<SocketClient> connect(const std::string& token, const std::string& origin = "") {
    return std::make_unique<SocketClient>(server_->port(), "access_token, " + token, origin);
  }
  // A connected socket past its CONNECTED message.
  static std::unique_ptr<SocketClient> open(const std::string& token) {
    auto c = connect(token);
    EXPECT_EQ(c->status, 101);
    auto hello = c->next();
    EXPECT_TRUE(hello.has_value());
    if (hello) {
      EXPECT_EQ(hello->at("type"), "CONNECTED");
    }
    return c;
  }
  static void notify(const std::string& user, const std::string& id, const std::string& message) {
    q("INSERT INTO notifications (id, user_id, type, title, message, is_read, created_at) VALUES (" + quote(id) + ", " +
      quote(user) + ", 'promotional', 'Sale', " + quote(message) + ", false, now())");
  }
};

TEST_F(NotificationSocket, TheOldHandshakeConnectsAndPingsArePonged) {
  auto c = connect(customer_);
  ASSERT_EQ(c->status, 101);
  EXPECT_EQ(c->protocol, "access_token");
  auto hello = c->next();
  ASSERT_TRUE(hello);
  EXPECT_EQ(*hello, json::parse(R"({"type":"CONNECTED","message":"Real-time notifications active"})"));
  c->send(R"({"type":"PING","timestamp":1234})");
  auto pong = c->next();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->at("type"), "PONG");
  EXPECT_EQ(pong->at("clientTimestamp"), 1234);
  EXPECT_TRUE(pong->at("timestamp").is_int64());
  c->send("not json");  // ignored, as before
  c->send(R"({"type":"PING"})");
  auto again = c->next();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->at("type"), "PONG");
  EXPECT_FALSE(again->contains("clientTimestamp"));
}

TEST_F(NotificationSocket, EveryCheckOfAnHttpRequestAppliesBeforeTheUpgrade) {
  EXPECT_EQ(SocketClient(server_->port(), "").status, 401);
  EXPECT_EQ(SocketClient(server_->port(), "access_token").status, 401);
  EXPECT_EQ(connect("not.a.jwt")->status, 401);
  EXPECT_EQ(connect(customer_, "https://evil.example")->status, 403);
  EXPECT_EQ(connect(customer_, server_->config.frontend_url)->status, 101);
  EXPECT_EQ(call("GET", "/notifications", nullptr, customer_).status, 426);
  // The fix: a revoked token (logged out) is refused; the old server only
  // checked the signature.
  auto token = server_->tokens(server_->verified_customer(2), auth::kCustomerPassword).first;
  ASSERT_EQ(connect(token)->status, 101);
  ASSERT_EQ(raw("POST", "/api/auth/logout", "", token).status, 200);
  EXPECT_EQ(connect(token)->status, 401);
}

TEST_F(NotificationSocket, TenUpgradeAttemptsAMinutePerAddress) {
  for (int i = 0; i < 10; ++i) EXPECT_EQ(connect(customer_)->status, 101) << i;
  EXPECT_EQ(connect(customer_)->status, 429);
}

TEST_F(NotificationSocket, RowsArePushedToTheirUserWhoeverInsertsThem) {
  auto mine = open(customer_);
  auto theirs = open(other_);
  notify(user_id(customer_email_), "ntest-push-1", "Half price today");
  auto row = mine->next(3s);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->at("id"), "ntest-push-1");
  EXPECT_EQ(str(row->at("userId")), user_id(customer_email_));
  EXPECT_EQ(row->at("type"), "promotional");
  EXPECT_EQ(row->at("message"), "Half price today");
  EXPECT_EQ(row->at("isRead"), false);
  EXPECT_FALSE(row->contains("link")) << "the frontend's schema takes a string or nothing";
  EXPECT_FALSE(row->contains("data"));
  EXPECT_TRUE(row->at("createdAt").is_string());
  // A row too long for a NOTIFY payload is read by id.
  std::string long_message(9000, 'y');
  notify(user_id(customer_email_), "ntest-push-2", long_message);
  auto big = mine->next(3s);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->at("id"), "ntest-push-2");
  EXPECT_EQ(str(big->at("message")).size(), 9000U);
  // The row's data (order number, product id) comes along: the frontend
  // refreshes those pages with it.
  q("INSERT INTO notifications (id, user_id, type, title, message, is_read, created_at, data) VALUES"
    " ('ntest-push-data', " +
    quote(user_id(customer_email_)) +
    ", 'order_status', 'Shipped', 'On its way', false, now(),"
    " '{\"orderNumber\":\"WH-1\"}')");
  auto with_data = mine->next(3s);
  ASSERT_TRUE(with_data);
  EXPECT_EQ(with_data->at("data").at("orderNumber"), "WH-1");
  // The other user's socket got none of them: its next message is its own.
  notify(user_id(server_->verified_customer(1)), "ntest-push-3", "Yours");
  auto other_row = theirs->next(3s);
  ASSERT_TRUE(other_row);
  EXPECT_EQ(other_row->at("id"), "ntest-push-3");
}

TEST_F(NotificationSocket, DeactivationForcesLogout) {
  auto email = server_->verified_customer(3);
  auto token = server_->tokens(email, auth::kCustomerPassword).first;
  auto c = open(token);
  q("UPDATE users SET is_active = false WHERE email = " + quote(email));
  auto m = c->next(3s);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at("type"), "FORCE_LOGOUT");
  EXPECT_EQ(m->at("reason"), "ACCOUNT_DISABLED");
  EXPECT_FALSE(c->next(3s));
  EXPECT_EQ(c->last_error, websocket::error::closed);
  EXPECT_EQ(c->ws.reason().code, 1000) << "a normal close: the frontend does not reconnect";
}

TEST_F(NotificationSocket, LogoutForcesLogoutOfTheSocketsOfThatToken) {
  auto token = server_->tokens(server_->verified_customer(4), auth::kCustomerPassword).first;
  auto c = open(token);
  auto bystander = open(customer_);
  ASSERT_EQ(raw("POST", "/api/auth/logout", "", token).status, 200);
  auto m = c->next(3s);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at("type"), "FORCE_LOGOUT");
  EXPECT_EQ(m->at("reason"), "SESSION_EXPIRED");
  // Another user's socket stays open and keeps answering.
  bystander->send(R"({"type":"PING","timestamp":1})");
  auto pong = bystander->next(3s);
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->at("type"), "PONG");
}

TEST_F(NotificationSocket, DataUpdatesReachAdminSocketsOnly) {
  auto admin = open(admin_);
  auto shopper = open(customer_);
  q("SELECT pg_notify('wh_events', 'data_update:' || " +
    quote(R"({"type":"DATA_UPDATE","eventType":"orders","queryKeys":[["admin","orders"]],"timestamp":"t"})") + ")");
  auto m = admin->next(3s);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at("type"), "DATA_UPDATE");
  EXPECT_EQ(m->at("eventType"), "orders");
  notify(user_id(customer_email_), "ntest-after-update", "After");
  auto next = shopper->next(3s);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->at("id"), "ntest-after-update") << "the shopper got no DATA_UPDATE";
}

TEST_F(NotificationSocket, MaintenanceLogsOutShoppersButNotAdmins) {
  auto admin = open(admin_);
  auto shopper = open(customer_);
  // Through the admin route, which sets the flag on this instance at once:
  // the sockets are told all the same.
  auto on = call("POST", "/api/admin/settings", json::object{{"key", "maintenanceMode"}, {"value", "true"}}, admin_);
  ASSERT_EQ(on.status, 200) << on.body;
  auto m = shopper->next(3s);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at("type"), "FORCE_LOGOUT");
  EXPECT_EQ(m->at("reason"), "MAINTENANCE_MODE");
  admin->send(R"({"type":"PING","timestamp":7})");
  auto pong = admin->next(3s);
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->at("type"), "PONG");
  // During maintenance admins still connect; shoppers are refused.
  EXPECT_EQ(connect(admin_)->status, 101);
  EXPECT_EQ(connect(customer_)->status, 503);
  ASSERT_EQ(
      call("POST", "/api/admin/settings", json::object{{"key", "maintenanceMode"}, {"value", "false"}}, admin_).status,
      200);
}

}  // namespace
}  // namespace wh::test
