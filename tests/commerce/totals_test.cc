#include <gtest/gtest.h>

#include "commerce/coupons.h"
#include "commerce/shop_settings.h"
#include "commerce/totals.h"
#include "core/money.h"

namespace wh::commerce {
namespace {

TEST(Money, ParsesCedisExactly) {
  EXPECT_EQ(parse_cedis("150"), 15000);
  EXPECT_EQ(parse_cedis("99.5"), 9950);
  EXPECT_EQ(parse_cedis("99.05"), 9905);
  EXPECT_EQ(parse_cedis("0.01"), 1);
  for (const char* bad : {"", ".5", "1.", "1.234", "-1", "+1", "1e3", " 1", "123456789", "1,5", "NaN"})
    EXPECT_FALSE(parse_cedis(bad)) << bad;
  EXPECT_EQ(cedis_text(1234), "12.34");
  EXPECT_EQ(cedis_text(5), "0.05");
  EXPECT_EQ(cedis_text(-5), "-0.05");
  EXPECT_EQ(cedis_text(0), "0.00");
}

TEST(Money, ScalesWithHalfAwayFromZeroRounding) {
  EXPECT_EQ(scale_rounded(1005, 1500, 10000), 151);  // 150.75 -> 151
  EXPECT_EQ(scale_rounded(1001, 1500, 10000), 150);  // 150.15 -> 150
  EXPECT_EQ(scale_rounded(-1005, 1500, 10000), -151);
}

TEST(Totals, FollowTheOldRules) {
  ShopSettings s;  // defaults: no tax, GHS 10 shipping under GHS 100
  auto t = compute_totals(5000, s, std::nullopt);
  EXPECT_EQ(t.shipping, 1000);
  EXPECT_EQ(t.total, 6000);
  t = compute_totals(10000, s, std::nullopt);
  EXPECT_EQ(t.shipping, 0);
  EXPECT_EQ(t.total, 10000);
  EXPECT_EQ(compute_totals(0, s, std::nullopt).total, 0);  // an empty cart costs nothing

  s.tax_rate_bp = 250;  // 2.5 %
  DiscountRule fifteen{DiscountType::kPercentage, 1500};
  t = compute_totals(20000, s, fifteen);
  EXPECT_EQ(t.discount, 3000);
  EXPECT_EQ(t.tax, 500);  // on the subtotal before the discount
  EXPECT_EQ(t.total, 20000 - 3000 + 500);

  DiscountRule too_much{DiscountType::kFixed, 90000};
  t = compute_totals(5000, s, too_much);
  EXPECT_EQ(t.discount, 5000);  // never more than the subtotal
  EXPECT_EQ(t.total, t.tax + t.shipping);
}

TEST(ShopSettings, ParsesStoredStringsAndKeepsDefaultsForJunk) {
  auto s = parse_shop_settings({{"taxRate", "12.5"},
                                {"shippingFlatRate", "15"},
                                {"freeShippingThreshold", "junk"},
                                {"minOrderAmount", "20"},
                                {"enable_payments", "false"},
                                {"paymentMethods", R"({"card":false,"cash":true})"}});
  EXPECT_EQ(s.tax_rate_bp, 1250);
  EXPECT_EQ(s.shipping_flat, 1500);
  EXPECT_EQ(s.free_shipping_threshold, 10000);
  EXPECT_EQ(s.min_order, 2000);
  EXPECT_FALSE(s.max_order);
  EXPECT_FALSE(s.payments_enabled);
  EXPECT_FALSE(s.card_enabled);
  EXPECT_TRUE(s.cash_enabled);
  EXPECT_TRUE(s.order_confirmation_email);
}

TEST(CouponRules, RefuseInTheOrderAShopperCanActOn) {
  Coupon c;
  c.active = c.started = true;
  c.rule = {DiscountType::kFixed, 1000};
  EXPECT_FALSE(coupon_refusal(c, 5000, 0));
  c.minimum_purchase = 6000;
  EXPECT_EQ(coupon_refusal(c, 5000, 0), "A minimum purchase of GH\u20B560.00 is required for this code");
  EXPECT_FALSE(coupon_refusal(c, 6000, 0));
  EXPECT_EQ(coupon_refusal(c, 6000, 1), "You have already used this discount code");
  c.uses_per_customer = 2;
  EXPECT_FALSE(coupon_refusal(c, 6000, 1));
  c.max_uses = 3;
  c.used_count = 3;
  EXPECT_EQ(coupon_refusal(c, 6000, 0), "This discount code has reached its usage limit");
  c.expired = true;
  EXPECT_EQ(coupon_refusal(c, 6000, 0), "This discount code has expired");
  c.started = false;
  EXPECT_EQ(coupon_refusal(c, 6000, 0), "This discount code is not active yet");
  c.active = false;
  EXPECT_EQ(coupon_refusal(c, 6000, 0), "Invalid discount code");
}

}  // namespace
}  // namespace wh::commerce
