// What the refresher accepts from a provider before storing anything.
#include "currency/rate_provider.h"

#include <gtest/gtest.h>

namespace wh::currency {
namespace {

std::optional<RateList> parse(std::string_view body) {
  std::string why;
  auto r = parse_provider_rates(body, why);
  if (!r) {
    EXPECT_FALSE(why.empty());
  }
  return r;
}

TEST(ProviderRates, TakesOpenErApiAnswersWithSixDecimals) {
  auto r = parse(R"({"result":"success","base_code":"GHS","rates":{"GHS":1,"USD":0.0912,"EUR":0.08,
                     "GBP":0.0701234567,"NGN":130.5,"usd":1,"XAUU":1,"ZZZ":"7","JPY":-1,"IRR":50000}})");
  ASSERT_TRUE(r);
  RateList expected{{"EUR", "0.080000"}, {"GBP", "0.070123"}, {"NGN", "130.500000"}, {"USD", "0.091200"}};
  EXPECT_EQ(*r, expected);
}

TEST(ProviderRates, TakesConversionRatesAndSuccessTrue) {
  auto r = parse(R"({"success":true,"base":"GHS","conversion_rates":{"USD":1e-1,"EUR":0.08,"GBP":0.07}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size(), 3u);
}

TEST(ProviderRates, RefusesGarbageAndFailures) {
  EXPECT_FALSE(parse("<html>busy</html>"));
  EXPECT_FALSE(parse("[]"));
  EXPECT_FALSE(parse(R"({"result":"error","error-type":"quota-reached"})"));
  EXPECT_FALSE(parse(R"({"success":false,"rates":{"USD":0.1,"EUR":0.1,"GBP":0.1}})"));
  EXPECT_FALSE(parse(R"({"result":"success","base_code":"USD","rates":{"USD":1,"EUR":0.9,"GBP":0.8}})"));
  EXPECT_FALSE(parse(R"({"result":"success","rates":[1,2,3]})"));
  EXPECT_FALSE(parse(R"({"result":"success","rates":{"USD":0.09,"EUR":0.08}})"));
  EXPECT_FALSE(parse(R"({"result":"success","rates":{"USD":"0.09","EUR":0.08,"GBP":0.07}})"));
  EXPECT_FALSE(parse(R"({"result":"success","rates":{"USD":0,"EUR":0.08,"GBP":0.07}})"));
  EXPECT_FALSE(parse(R"({"result":"success","rates":{"USD":0.09,"EUR":0.08,"GBP":1e300}})"));
}

}  // namespace
}  // namespace wh::currency
