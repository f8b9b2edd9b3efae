// The admin settings API at both paths: roles, parsed values, the upsert and
// its stored strings, validation, read-your-writes through the public
// settings, and maintenance mode taking effect at once.
#include "content/admin_settings.h"

#include "support/admin_api.h"

namespace wh::test {
namespace {

namespace json = boost::json;
using auth::str;

using AdminSettings = AdminApi;

std::string stored(const char* json_text) { return content::stored_setting_text(json::parse(json_text)); }

TEST(StoredSettingText, IsWhatStringOfTheValueGaveExceptForObjects) {
  EXPECT_EQ(stored(R"("WigHaven")"), "WigHaven");
  EXPECT_EQ(stored("true"), "true");
  EXPECT_EQ(stored("25"), "25");
  EXPECT_EQ(stored("-3"), "-3");
  EXPECT_EQ(stored("99.5"), "99.5");
  EXPECT_EQ(stored("1e2"), "100");
  EXPECT_EQ(stored(R"({"card":true})"), R"({"card":true})");
  EXPECT_EQ(stored("[1,2]"), "[1,2]");
}

TEST_F(AdminSettings, OnlyAdminsAndSuperAdmins) {
  for (const char* path : {"/api/admin/settings", "/api/settings"}) {
    expect_admin_only("GET", path);
    expect_admin_only("POST", path);
    EXPECT_EQ(call("GET", path, nullptr, super_).status, 200);
  }
  EXPECT_EQ(q("SELECT value FROM system_settings WHERE key = 'siteName'"), "WigHaven");
}

TEST_F(AdminSettings, GetReturnsEverySettingParsed) {
  auto r = as_admin("GET", "/api/admin/settings");
  ASSERT_EQ(r.status, 200) << r.body;
  auto data = r.json().at("data").as_object();
  EXPECT_EQ(static_cast<long long>(data.size()), qn("SELECT count(*) FROM system_settings"));
  EXPECT_EQ(str(data.at("siteName")), "WigHaven");
  EXPECT_EQ(str(data.at("taxRate")), q("SELECT value FROM system_settings WHERE key = 'taxRate'"))
      << "non-public settings too, strings as stored";
  EXPECT_TRUE(data.at("maintenanceMode").is_bool());
  EXPECT_TRUE(data.at("enable_payments").as_bool());
  EXPECT_TRUE(data.at("socialLinks").is_object());
  EXPECT_EQ(as_admin("GET", "/api/settings").json().at("data").as_object(), data);
}

TEST_F(AdminSettings, PostUpsertsAndThePublicSettingsShowIt) {
  EXPECT_EQ(str(ok("/api/settings/public").at("data").at("siteName")), "WigHaven");
  Probes probes{{"settings", "settings"}};
  auto r = as_admin("POST", "/api/admin/settings", json::object{{"key", "siteName"}, {"value", "Wig Palace"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      r.json(),
      json::parse(R"({"success":true,"data":{"siteName":"Wig Palace"},"message":"Setting updated successfully"})"));
  probes.expect_invalidated();
  EXPECT_EQ(str(ok("/api/settings/public").at("data").at("siteName")), "Wig Palace");
  EXPECT_EQ(q("SELECT updated_by FROM system_settings WHERE key = 'siteName'"), admin_id());
  EXPECT_EQ(qn("SELECT count(*) FROM system_settings WHERE key = 'siteName'"), 1);
}

TEST_F(AdminSettings, TheSecondPathWritesTooAndValuesAreStoredAsStrings) {
  auto pub = ok("/api/settings/public").at("data").as_object();
  EXPECT_EQ(str(pub.at("shippingFlatRate")), "10");
  EXPECT_FALSE(pub.at("paymentMethods").at("cash").as_bool());
  Probes probes{{"settings", "settings"}};

  auto rate = call("POST", "/api/settings", json::object{{"key", "shippingFlatRate"}, {"value", 25}}, super_);
  ASSERT_EQ(rate.status, 200) << rate.body;
  EXPECT_EQ(str(rate.json().at("data").at("shippingFlatRate")), "25");
  auto methods = json::object{{"card", true}, {"cash", true}, {"mobileMoney", true}};
  ASSERT_EQ(as_admin("POST", "/api/settings", json::object{{"key", "paymentMethods"}, {"value", methods}}).status, 200);
  ASSERT_EQ(as_admin("POST", "/api/settings", json::object{{"key", "freeShippingThreshold"}, {"value", "99.5"}}).status,
            200);

  probes.expect_invalidated();
  pub = ok("/api/settings/public").at("data").as_object();
  EXPECT_EQ(str(pub.at("shippingFlatRate")), "25");
  EXPECT_EQ(pub.at("paymentMethods"), json::value(methods));
  EXPECT_EQ(str(pub.at("freeShippingThreshold")), "99.5");
  EXPECT_EQ(q("SELECT value FROM system_settings WHERE key = 'paymentMethods'"),
            R"({"card":true,"cash":true,"mobileMoney":true})");

  // A key that does not exist yet is created.
  ASSERT_EQ(as_admin("POST", "/api/settings", json::object{{"key", "allowAnonymousReviews"}, {"value", false}}).status,
            200);
  EXPECT_FALSE(as_admin("GET", "/api/settings").json().at("data").at("allowAnonymousReviews").as_bool());
  EXPECT_EQ(q("SELECT value FROM system_settings WHERE key = 'allowAnonymousReviews'"), "false");
}

TEST_F(AdminSettings, PostListsEveryBadField) {
  long long before = qn("SELECT count(*) FROM system_settings");
  auto none = as_admin("POST", "/api/admin/settings", json::object{});
  ASSERT_EQ(none.status, 400) << none.body;
  auto f = field_errors(none);
  EXPECT_EQ(f["key"], "\"key\" is required");
  EXPECT_EQ(f["value"], "\"value\" is required");
  auto bad = field_errors(
      as_admin("POST", "/api/admin/settings", json::object{{"key", std::string(51, 'k')}, {"value", nullptr}}));
  EXPECT_EQ(bad["key"], "\"key\" length must be less than or equal to 50 characters long");
  EXPECT_EQ(bad["value"], "\"value\" is required");
  EXPECT_EQ(
      field_errors(as_admin("POST", "/api/admin/settings", json::object{{"key", "site name"}, {"value", 1}}))["key"],
      "\"key\" must contain only letters, digits, '_', '-' and '.'");
  EXPECT_EQ(field_errors(as_admin("POST", "/api/admin/settings",
                                  json::object{{"key", "siteName"}, {"value", std::string("a\0b", 3)}}))["value"],
            "\"value\" must not contain a NUL character");
  EXPECT_EQ(qn("SELECT count(*) FROM system_settings"), before);
  EXPECT_EQ(q("SELECT value FROM system_settings WHERE key = 'siteName'"), "WigHaven");
}

TEST_F(AdminSettings, MaintenanceModeTakesEffectAtOnce) {
  // Without the trigger's NOTIFY, the change listener learns of the write
  // only at its 30 s reload: what this test sees is the handler's own doing.
  q("DROP TRIGGER wh_system_settings_changed ON system_settings");
  EXPECT_EQ(status("/api/products"), 200);
  EXPECT_FALSE(ok("/api/settings/public").at("data").at("maintenanceMode").as_bool());
  Probes probes{{"settings", "settings"}};

  auto on = as_admin("POST", "/api/admin/settings", json::object{{"key", "maintenanceMode"}, {"value", "true"}});
  ASSERT_EQ(on.status, 200) << on.body;
  auto shopper = server_->get("/api/products");
  EXPECT_EQ(shopper.status, 503) << shopper.body;
  EXPECT_EQ(call("GET", "/api/products", nullptr, customer_).status, 503);
  EXPECT_EQ(as_admin("GET", "/api/products").status, 200) << "admins pass";
  probes.expect_invalidated();
  EXPECT_TRUE(ok("/api/settings/public").at("data").at("maintenanceMode").as_bool());
  long long started = qn("SELECT value FROM system_settings WHERE key = 'maintenanceModeStartedAt'");
  EXPECT_NEAR(static_cast<double>(started), static_cast<double>(auth::now_s()), 60);

  auto off = as_admin("POST", "/api/admin/settings", json::object{{"key", "maintenanceMode"}, {"value", false}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(status("/api/products"), 200);
  EXPECT_FALSE(ok("/api/settings/public").at("data").at("maintenanceMode").as_bool());

  // The other spelling counts too, and turning it off needs both off.
  ASSERT_EQ(as_admin("POST", "/api/settings", json::object{{"key", "maintenance_mode"}, {"value", true}}).status, 200);
  EXPECT_EQ(status("/api/products"), 503);
  ASSERT_EQ(as_admin("POST", "/api/settings", json::object{{"key", "maintenanceMode"}, {"value", false}}).status, 200);
  EXPECT_EQ(status("/api/products"), 503) << "maintenance_mode is still on";
  ASSERT_EQ(as_admin("POST", "/api/settings", json::object{{"key", "maintenance_mode"}, {"value", false}}).status, 200);
  EXPECT_EQ(status("/api/products"), 200);
}

}  // namespace
}  // namespace wh::test
