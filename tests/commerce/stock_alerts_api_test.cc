// Back-in-stock subscriptions (reference §1.25): guests (the fix: their own
// table) and signed-in shoppers (the old table), at the storefront's path
// and the old one, the old messages, the per-IP limit.
#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

using StockAlertApi = CommerceApi;
using auth::error_message;

const char* const kPath = "/api/stock/notify";
const char* const kOldPath = "/api/admin/stock/notify";

HttpResult notify(const std::string& path, const std::string& variant, const std::string& email,
                  const std::string& token = "") {
  json::object body{{"variantId", variant}};
  if (!email.empty()) body["email"] = email;
  return CommerceApi::call("POST", path, body, token);
}

long long guest_alerts(const std::string& variant) {
  return CommerceApi::qn("SELECT count(*) FROM wh_guest_stock_alerts WHERE variant_id = " +
                         CommerceApi::quote(variant));
}
long long user_alerts(const std::string& variant) {
  return CommerceApi::qn("SELECT count(*) FROM back_in_stock_alerts WHERE variant_id = " + CommerceApi::quote(variant));
}

TEST_F(StockAlertApi, GuestsSubscribeInTheirOwnTableOnEitherPath) {
  auto v = variant(0, "50.00", 0);
  auto r = notify(kPath, v, "Guest@Example.com ");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json(),
            json::parse(R"({"success":true,"message":"You will be notified when this item is back in stock"})"));
  EXPECT_EQ(r.header("cache-control"), "private, no-store");
  EXPECT_EQ(q("SELECT email || ' ' || notified FROM wh_guest_stock_alerts WHERE variant_id = " + quote(v)),
            "guest@example.com false");
  EXPECT_EQ(user_alerts(v), 0);

  auto again = notify(kOldPath, v, "guest@example.com");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(error_message(again), "You are already subscribed to alerts for this item");
  EXPECT_EQ(notify(kOldPath, v, "second@example.com").status, 201) << "the old path answers too";
  EXPECT_EQ(notify("/api/notifications/restock-request", v, "third@example.com").status, 201)
      << "and the later storefront's dialog";
  EXPECT_EQ(guest_alerts(v), 3);
}

TEST_F(StockAlertApi, SignedInShoppersUseTheOldTable) {
  auto v = variant(1, "50.00", 4, 4);  // all reserved: nothing available
  auto r = notify(kPath, v, "", customer_);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(
      q("SELECT user_id || ' ' || email || ' ' || notified FROM back_in_stock_alerts WHERE variant_id = " + quote(v)),
      user_id(customer_email_) + " " + customer_email_ + " false")
      << "no e-mail given: the account's";
  EXPECT_EQ(guest_alerts(v), 0);
  EXPECT_EQ(notify(kPath, v, "", customer_).status, 409);
  EXPECT_EQ(notify(kPath, v, customer_email_).status, 409) << "the same address as a guest";
  EXPECT_EQ(notify(kPath, v, "else@example.com", customer_).status, 409) << "one pending alert per account";
  // Sent once: the user may subscribe again; the old row is re-armed in place.
  q("UPDATE back_in_stock_alerts SET notified = true, notified_at = now() WHERE variant_id = " + quote(v));
  EXPECT_EQ(notify(kOldPath, v, "else@example.com", customer_).status, 201);
  EXPECT_EQ(q("SELECT count(*) || ' ' || string_agg(email || ' ' || notified, ',') FROM back_in_stock_alerts"
              " WHERE variant_id = " +
              quote(v)),
            "1 else@example.com false");
}

TEST_F(StockAlertApi, BadInputGetsClearErrors) {
  auto v = variant(2, "50.00", 0);
  auto in_stock = variant(3, "50.00", 5, 2);
  auto no_variant = call("POST", kPath, json::object{{"email", "a@example.com"}});
  EXPECT_EQ(no_variant.status, 400);
  EXPECT_EQ(error_message(no_variant), "Variant ID and email are required");
  auto no_email = notify(kPath, v, "");
  EXPECT_EQ(no_email.status, 400) << "guests must give an address";
  EXPECT_EQ(error_message(no_email), "Variant ID and email are required");
  auto bad_email = notify(kPath, v, "not-an-address");
  EXPECT_EQ(bad_email.status, 400);
  EXPECT_EQ(error_message(bad_email), "Please provide a valid email address");
  EXPECT_EQ(call("POST", kPath, json::object{{"variantId", 7}, {"email", "a@example.com"}}).status, 400);
  EXPECT_EQ(raw("POST", kPath, "[1]").status, 400);
  auto unknown = notify(kPath, "cnosuchvariant000000000000", "a@example.com");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(error_message(unknown), "Product variant not found");
  q("UPDATE variants SET is_active = false WHERE id = " + quote(v));
  EXPECT_EQ(notify(kPath, v, "a@example.com").status, 404) << "inactive variant";
  q("UPDATE variants SET is_active = true WHERE id = " + quote(v));
  auto available = notify(kPath, in_stock, "a@example.com");
  EXPECT_EQ(available.status, 400);
  EXPECT_EQ(error_message(available), "This item is in stock now");
  EXPECT_EQ(guest_alerts(v) + guest_alerts(in_stock), 0);
}

TEST_F(StockAlertApi, UnsubscribeDeletesThePendingAlertsOfTheAddress) {
  auto v = variant(4, "50.00", 0);
  ASSERT_EQ(notify(kPath, v, "guest@example.com").status, 201);
  ASSERT_EQ(notify(kPath, v, "", customer_).status, 201);
  EXPECT_EQ(call("DELETE", std::string(kPath) + "/" + v).status, 400) << "a guest names the address";
  auto gone = call("DELETE", std::string(kPath) + "/" + v, json::object{{"email", "GUEST@example.com"}});
  ASSERT_EQ(gone.status, 200) << gone.body;
  EXPECT_EQ(gone.json(), json::parse(R"({"success":true,"message":"Unsubscribed from alerts"})"));
  EXPECT_EQ(guest_alerts(v), 0);
  auto again = call("DELETE", std::string(kPath) + "/" + v, json::object{{"email", "guest@example.com"}});
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(error_message(again), "Subscription not found");
  EXPECT_EQ(call("DELETE", std::string(kOldPath) + "/" + v, nullptr, other_).status, 404) << "not the other's";
  EXPECT_EQ(call("DELETE", std::string(kOldPath) + "/" + v, nullptr, customer_).status, 200);
  EXPECT_EQ(user_alerts(v), 0);
  EXPECT_EQ(call("DELETE", std::string(kPath) + "/nope", json::object{{"email", "a@example.com"}}).status, 404);
}

TEST_F(StockAlertApi, TwentyRequestsAnHourPerClient) {
  for (int i = 0; i < 20; ++i) {
    auto path = std::string(i % 2 ? kPath : kOldPath) + "/cnosuchvariant00000000000" + std::to_string(i % 10);
    ASSERT_EQ(call("DELETE", path, json::object{{"email", "a@example.com"}}).status, 404) << i;
  }
  auto limited = notify(kPath, variant(5, "50.00", 0), "a@example.com");
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.header("retry-after").empty());
}

}  // namespace
}  // namespace wh::test
