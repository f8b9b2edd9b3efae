// The notification routes (reference §1.17): the old shapes and meta, each
// user's own rows only, read/delete one and all, and the admins' bulk send.
#include <gtest/gtest.h>

#include <string>

#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

class NotificationsApi : public CommerceApi {
 protected:
  // `n` rows for the user of `email`, ids "<prefix>-<i>", the later ones newer.
  static void rows(const std::string& email, const std::string& prefix, int n) {
    q("INSERT INTO notifications (id, user_id, type, title, message, link, is_read, created_at)"
      " SELECT " +
      quote(prefix) + " || '-' || i, " + quote(user_id(email)) +
      ", 'order_status', 'Title ' || i, 'Message ' || i, CASE WHEN i % 2 = 0 THEN '/account/orders' END,"
      " false, now() - (100 - i) * interval '1 minute' FROM generate_series(1, " +
      std::to_string(n) + ") AS i");
  }
};

TEST_F(NotificationsApi, SignedInUsersOnly) {
  EXPECT_EQ(call("GET", "/api/notifications").status, 401);
  EXPECT_EQ(call("POST", "/api/notifications/read-all").status, 401);
  EXPECT_EQ(call("DELETE", "/api/notifications/all").status, 401);
}

TEST_F(NotificationsApi, ListsNewestFirstWithTheOldMeta) {
  rows(customer_email_, "nl", 25);
  rows(server_->verified_customer(1), "nother", 3);
  q("UPDATE notifications SET is_read = true WHERE id IN ('nl-1', 'nl-2')");
  auto r = call("GET", "/api/notifications", nullptr, customer_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("cache-control"), "private, no-store");
  auto doc = r.json().as_object();
  EXPECT_EQ(doc.at("meta"), json::parse(R"({"total":25,"unread":23,"page":1,"pages":2})"));
  auto items = doc.at("data").as_array();
  ASSERT_EQ(items.size(), 20U);
  EXPECT_EQ(items[0].at("id"), "nl-25");
  EXPECT_EQ(items[0].at("type"), "order_status");
  EXPECT_EQ(str(items[0].at("userId")), user_id(customer_email_));
  EXPECT_FALSE(items[0].as_object().contains("link")) << "absent, not null";
  EXPECT_EQ(items[1].at("link"), "/account/orders");
  auto page2 = call("GET", "/api/notifications?page=2", nullptr, customer_).json();
  EXPECT_EQ(page2.at("data").as_array().size(), 5U);
  EXPECT_EQ(page2.at("data").as_array().back().at("id"), "nl-1");
  EXPECT_EQ(page2.at("data").as_array().back().at("isRead"), true);
  EXPECT_EQ(call("GET", "/api/notifications?page=0", nullptr, customer_).status, 400);
  EXPECT_EQ(call("GET", "/api/notifications?limit=500", nullptr, customer_).status, 400);
}

TEST_F(NotificationsApi, ReadAndDeleteTouchOnlyTheCallersRows) {
  rows(customer_email_, "nr", 3);
  rows(server_->verified_customer(1), "nx", 2);
  EXPECT_EQ(call("PATCH", "/api/notifications/nx-1/read", nullptr, customer_).status, 404);
  EXPECT_EQ(call("DELETE", "/api/notifications/nx-1", nullptr, customer_).status, 404);
  auto read = call("PATCH", "/api/notifications/nr-1/read", nullptr, customer_);
  EXPECT_EQ(read.json(), json::parse(R"({"success":true,"message":"Marked as read"})"));
  EXPECT_EQ(q("SELECT is_read FROM notifications WHERE id = 'nr-1'"), "t");
  auto all = call("POST", "/api/notifications/read-all", nullptr, customer_);
  EXPECT_EQ(all.json().at("count"), 2);
  EXPECT_EQ(qn("SELECT count(*) FROM notifications WHERE id LIKE 'nx-%' AND NOT is_read"), 2);
  EXPECT_EQ(call("DELETE", "/api/notifications/nr-2", nullptr, customer_).json().at("message"), "Notification deleted");
  EXPECT_EQ(call("DELETE", "/api/notifications/nr-2", nullptr, customer_).status, 404);
  EXPECT_EQ(call("DELETE", "/api/notifications/all", nullptr, customer_).json().at("count"), 2);
  EXPECT_EQ(qn("SELECT count(*) FROM notifications WHERE id LIKE 'nr-%'"), 0);
  EXPECT_EQ(qn("SELECT count(*) FROM notifications WHERE id LIKE 'nx-%'"), 2);
}

TEST_F(NotificationsApi, AdminsSendBulkNotificationsInOneStatement) {
  json::object body{{"userIds", json::array{json::value(user_id(customer_email_)),
                                            json::value(user_id(server_->verified_customer(1))),
                                            json::value("cnosuchuser000000000000")}},
                    {"title", "Weekend sale"},
                    {"message", "20% off lace fronts"},
                    {"link", "/shop"}};
  EXPECT_EQ(call("POST", "/api/notifications/bulk", body, customer_).status, 403);
  auto r = call("POST", "/api/notifications/bulk", body, admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"success":true,"message":"Sent notifications to 2 users","sentCount":2})"));
  EXPECT_EQ(qn("SELECT count(*) FROM notifications WHERE title = 'Weekend sale' AND type = 'promotional'"
               " AND link = '/shop' AND expires_at > now()"),
            2);
  auto missing = call("POST", "/api/notifications/bulk", json::object{{"userIds", json::array{}}}, admin_);
  EXPECT_EQ(missing.status, 400);
  auto fields = missing.json().at("error").at("fields").as_array();
  EXPECT_EQ(fields.size(), 3U) << missing.body;  // userIds, title, message
  EXPECT_EQ(call("POST", "/api/notifications/bulk",
                 json::object{{"userIds", json::array{1}}, {"title", "t"}, {"message", "m"}}, admin_)
                .status,
            400);
}

}  // namespace
}  // namespace wh::test
