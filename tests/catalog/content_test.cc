// Banners, public settings, currency, health and unknown routes.
#include "catalog/catalog_fixture.h"

namespace wh::test {
namespace {

using StorefrontContent = CatalogApi;

TEST_F(StorefrontContent, BannersAreTheActiveOnesInPriorityOrder) {
  auto list = ok("/api/banners").at("data").as_array();
  EXPECT_EQ(static_cast<long long>(list.size()),
            qn("SELECT count(*) FROM promotional_banners WHERE is_active AND start_date <= now() AT TIME ZONE 'UTC' "
               "AND end_date >= now() AT TIME ZONE 'UTC'"));
  EXPECT_LT(static_cast<long long>(list.size()), qn("SELECT count(*) FROM promotional_banners"))
      << "the seed has an expired and a future banner";
  long long prev = 1000;
  for (const auto& b : list) {
    const auto& o = b.as_object();
    EXPECT_EQ(o.size(), 6u);
    for (const char* k : {"id", "title", "description", "imageUrl", "linkUrl", "priority"}) EXPECT_TRUE(o.contains(k));
    EXPECT_LE(o.at("priority").as_int64(), prev);
    prev = o.at("priority").as_int64();
  }
}

TEST_F(StorefrontContent, PublicSettingsAreWhitelistedAndTyped) {
  auto data = ok("/api/settings/public").at("data").as_object();
  const std::set<std::string> allowed{"siteName",         "supportEmail",          "socialLinks",     "paymentMethods",
                                      "shippingFlatRate", "freeShippingThreshold", "maintenanceMode", "currency"};
  for (const auto& kv : data) EXPECT_TRUE(allowed.count(std::string(kv.key()))) << kv.key();
  EXPECT_FALSE(data.contains("taxRate")) << "non-public settings must not leak";
  EXPECT_TRUE(data.at("maintenanceMode").is_bool());
  EXPECT_TRUE(data.at("socialLinks").is_object());
  EXPECT_TRUE(data.at("paymentMethods").is_object());
  EXPECT_EQ(str(data.at("shippingFlatRate")), q("SELECT value FROM system_settings WHERE key='shippingFlatRate'"));
  EXPECT_EQ(ok("/api/admin/settings/public").at("data").as_object(), data);
}

TEST_F(StorefrontContent, CurrencyRatesSupportedAndConvert) {
  auto data = ok("/api/currency/rates").at("data").as_object();
  EXPECT_EQ(str(data.at("base")), "GHS");
  const auto& rates = data.at("rates").as_object();
  EXPECT_TRUE(rates.at("USD").is_number());
  EXPECT_DOUBLE_EQ(rates.at("USD").to_number<double>(),
                   std::stod(q("SELECT rate FROM currency_rates WHERE currency='USD'")));
  EXPECT_TRUE(is_iso_time(data.at("timestamp")));
  auto supported = ok("/api/currency/supported").at("data").as_array();
  EXPECT_EQ(str(supported.at(0)), "GHS");
  EXPECT_EQ(static_cast<long long>(supported.size()), 1 + qn("SELECT count(*) FROM currency_rates"));

  auto c = ok("/api/currency/convert?amount=250&from=GHS&to=USD").at("data").as_object();
  double usd = std::stod(q("SELECT rate FROM currency_rates WHERE currency='USD'"));
  EXPECT_DOUBLE_EQ(c.at("converted").to_number<double>(), std::round(250 * usd * 100) / 100);
  auto back = ok("/api/currency/convert?amount=10&from=usd&to=ghs").at("data").as_object();
  EXPECT_DOUBLE_EQ(back.at("converted").to_number<double>(), std::round(10 / usd * 100) / 100);
  for (std::string bad :
       {"/api/currency/convert", "/api/currency/convert?amount=-1&from=GHS&to=USD",
        "/api/currency/convert?amount=x&from=GHS&to=USD", "/api/currency/convert?amount=1&from=GHS&to=XYZ"}) {
    auto r = get(bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.json().at("success"), false);
  }
}

TEST_F(StorefrontContent, HealthReportsTheDatabase) {
  auto h = get("/api/health");
  ASSERT_EQ(h.status, 200);
  auto o = h.json().as_object();
  EXPECT_EQ(str(o.at("status")), "healthy");
  EXPECT_EQ(str(o.at("services").at("database")), "connected");
  EXPECT_TRUE(o.at("uptime").is_number());
  EXPECT_EQ(get("/healthz").status, 200);
  EXPECT_EQ(get("/readyz").status, 200);
  EXPECT_EQ(str(ok("/").at("health")), "/api/health");
  EXPECT_EQ(str(ok("/api").at("endpoints").at("products")), "/api/products/*");
  // The Hugging Face probe.
  EXPECT_EQ(str(get("/?logs=container").json().at("status")), "ok");
}

TEST_F(StorefrontContent, UnknownRoutesAre404InTheErrorEnvelope) {
  for (std::string target : {"/nope", "/api/products/x/y/z", "/api/v2"}) {
    auto r = get(target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(str(r.json().at("error").at("type")), "NotFoundError");
  }
  EXPECT_EQ(HttpClient(app_->port()).request("POST", "/api/products", "{}").status, 404);
}

}  // namespace
}  // namespace wh::test
