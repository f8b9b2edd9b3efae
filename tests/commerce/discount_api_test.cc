// Discount codes at both mounts (reference §1.9): admin CRUD with Joi-style
// 400s and a 409 for a taken code, the paginated list, and the shoppers'
// validate with its 10/min/IP limit.
#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

using DiscountApi = CommerceApi;

json::object code_body(const std::string& code) {
  return json::object{{"code", code},
                      {"type", "percentage"},
                      {"value", 15},
                      {"minimumPurchase", 50},
                      {"maxUses", 100},
                      {"startsAt", "2020-01-01T00:00:00.000Z"},
                      {"expiresAt", "2099-01-01T00:00:00Z"}};
}

bool names(const HttpResult& r, const char* field) {
  auto body = r.json();
  const auto* fields = body.at("error").as_object().if_contains("fields");
  if (fields == nullptr) return false;
  for (const auto& f : fields->as_array()) {
    if (f.at("field") == json::value(field)) return true;
  }
  return false;
}

TEST_F(DiscountApi, AdminsOnlyExceptValidateAtBothMounts) {
  for (std::string p : {"/api/admin/discounts", "/api/discounts"}) {
    for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
             {"GET", p}, {"POST", p}, {"GET", p + "/cx"}, {"PUT", p + "/cx"}, {"DELETE", p + "/cx"}}) {
      EXPECT_EQ(call(method, target, json::object{}).status, 401) << method << " " << target;
      EXPECT_EQ(call(method, target, json::object{}, customer_).status, 403) << method << " " << target;
    }
    auto v = call("POST", p + "/validate", json::object{{"code", "NOPE"}, {"cartTotal", 10}});
    EXPECT_EQ(v.status, 400) << v.body;
    EXPECT_EQ(auth::error_message(v), "Invalid discount code");
    EXPECT_EQ(v.header("cache-control"), "private, no-store");
  }
}

TEST_F(DiscountApi, CreateStoresTheCodeUpperCaseInTheOldShape) {
  auto r = call("POST", "/api/admin/discounts", code_body("summer15"), admin_);
  auto d = data(r, 201).as_object();
  EXPECT_EQ(str(r.json().at("message")), "Discount code created successfully");
  EXPECT_EQ(str(d.at("code")), "SUMMER15");
  EXPECT_EQ(str(d.at("type")), "percentage");
  EXPECT_EQ(str(d.at("value")), "15");
  EXPECT_EQ(str(d.at("minimumPurchase")), "50");
  EXPECT_EQ(num(d.at("maxUses")), 100);
  EXPECT_EQ(num(d.at("usedCount")), 0);
  EXPECT_EQ(num(d.at("usesPerCustomer")), 1);
  EXPECT_EQ(str(d.at("startsAt")), "2020-01-01T00:00:00.000Z");
  EXPECT_TRUE(d.at("isActive").as_bool());
  for (const char* k : {"id", "createdAt", "updatedAt"}) EXPECT_TRUE(d.contains(k)) << k;
  auto again = call("POST", "/api/discounts", code_body("Summer15"), admin_);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(auth::error_message(again), "Discount code already exists");
}

TEST_F(DiscountApi, InvalidInputListsEveryBadField) {
  auto r = call("POST", "/api/admin/discounts",
                json::object{{"code", "AB"},
                             {"type", "bogus"},
                             {"value", -5},
                             {"maxUses", 0},
                             {"startsAt", "yesterday"},
                             {"expiresAt", "2099-01-01"}},
                admin_);
  EXPECT_EQ(r.status, 400);
  for (const char* f : {"code", "type", "value", "maxUses", "startsAt"}) EXPECT_TRUE(names(r, f)) << f << r.body;
  auto pct = code_body("TOOMUCH");
  pct["value"] = 150;
  EXPECT_TRUE(auth::has_field_error(call("POST", "/api/admin/discounts", pct, admin_), "value",
                                    "Percentage discount must be between 1 and 100"));
  auto dates = code_body("BACKWARDS");
  dates["expiresAt"] = "2019-01-01";
  EXPECT_TRUE(names(call("POST", "/api/admin/discounts", dates, admin_), "expiresAt"));
  EXPECT_EQ(qn("SELECT count(*) FROM discount_codes"), 0);
}

TEST_F(DiscountApi, ListGetUpdateDelete) {
  for (const char* c : {"AAA1", "BBB2", "CCC3"})
    ASSERT_EQ(call("POST", "/api/admin/discounts", code_body(c), admin_).status, 201);
  auto list = call("GET", "/api/admin/discounts?limit=2&page=1", nullptr, admin_);
  auto body = list.json();
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(body.at("data").as_array().size(), 2U);
  EXPECT_EQ(body.at("pagination"), json::parse(R"({"page":1,"limit":2,"total":3,"pages":2})"));
  auto all = data(call("GET", "/api/discounts", nullptr, admin_)).as_array();
  ASSERT_EQ(all.size(), 3U);
  std::string id = str(all[0].at("id"));
  EXPECT_EQ(data(call("GET", "/api/discounts/" + id, nullptr, admin_)).at("id"), all[0].at("id"));
  auto updated = call("PUT", "/api/admin/discounts/" + id, json::object{{"value", 25.5}, {"maxUses", nullptr}}, admin_);
  auto u = data(updated).as_object();
  EXPECT_EQ(str(u.at("value")), "25.5");
  EXPECT_TRUE(u.at("maxUses").is_null());
  EXPECT_EQ(str(updated.json().at("message")), "Discount updated successfully");
  EXPECT_TRUE(names(call("PUT", "/api/admin/discounts/" + id, json::object{{"value", 101}}, admin_), "value"))
      << "the stored type is percentage";
  EXPECT_TRUE(
      names(call("PUT", "/api/admin/discounts/" + id, json::object{{"expiresAt", "2000-01-01"}}, admin_), "expiresAt"));
  EXPECT_EQ(call("PUT", "/api/admin/discounts/" + id, json::object{}, admin_).status, 400);
  EXPECT_EQ(call("PUT", "/api/admin/discounts/" + id, json::object{{"code", "bbb2"}}, admin_).status, 409);
  EXPECT_EQ(call("PUT", "/api/admin/discounts/cnosuchcode", json::object{{"value", 5}}, admin_).status, 404);
  auto del = call("DELETE", "/api/discounts/" + id, nullptr, admin_);
  EXPECT_EQ(del.json(), json::parse(R"({"success":true,"message":"Discount code deleted successfully"})"));
  EXPECT_EQ(call("GET", "/api/admin/discounts/" + id, nullptr, admin_).status, 404);
  EXPECT_EQ(call("DELETE", "/api/admin/discounts/" + id, nullptr, admin_).status, 404);
}

TEST_F(DiscountApi, ValidateAnswersWithTheAmountOrTheReason) {
  discount("TENOFF", "fixed", "10", "40");
  discount("QUARTER", "percentage", "25");
  q("INSERT INTO discount_codes (id, code, type, value, starts_at, expires_at, updated_at) VALUES"
    " ('dold', 'OLD', 'fixed', 5, now() - interval '2 days', now() - interval '1 day', now())");
  auto ok = data(call("POST", "/api/discounts/validate", json::object{{"code", "tenoff"}, {"cartTotal", 55.5}}));
  EXPECT_EQ(ok, json::parse(R"({"valid":true,"code":"TENOFF","type":"fixed","value":10.0,"amount":10.0})"));
  auto pct =
      data(call("POST", "/api/discounts/validate", json::object{{"code", "QUARTER"}, {"cartTotal", "30"}}, customer_));
  EXPECT_EQ(num(pct.at("amount")), 7.5);
  auto low = call("POST", "/api/discounts/validate", json::object{{"code", "TENOFF"}, {"cartTotal", 39.99}});
  EXPECT_EQ(low.status, 400);
  EXPECT_NE(auth::error_message(low).find("minimum purchase"), std::string::npos);
  EXPECT_EQ(
      auth::error_message(call("POST", "/api/discounts/validate", json::object{{"code", "OLD"}, {"cartTotal", 9}})),
      "This discount code has expired");
  auto bad = call("POST", "/api/discounts/validate", json::object{{"code", "X"}});
  EXPECT_TRUE(names(bad, "code") && names(bad, "cartTotal")) << bad.body;
}

TEST_F(DiscountApi, ValidateAllowsTenAMinutePerIp) {
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(
        call("POST", "/api/discounts/validate", json::object{{"code", "GUESS" + std::to_string(i)}, {"cartTotal", 1}})
            .status,
        400);
  }
  auto limited = call("POST", "/api/admin/discounts/validate", json::object{{"code", "GUESS10"}, {"cartTotal", 1}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(auth::error_message(limited), "Too many discount validation attempts. Please try again later.");
  EXPECT_FALSE(limited.header("retry-after").empty());
}

}  // namespace
}  // namespace wh::test
