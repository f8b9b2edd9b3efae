// The e-mail templates: one for every e-mail the old backend sent, values
// HTML-escaped in the HTML part, GHS amounts in cedis, the unsubscribe link
// in the layout when given, and each file compiled once.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "mail/mail_values.h"
#include "mail/templates.h"
#include "metrics/registry.h"

namespace wh::mail {
namespace {

namespace json = boost::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(MailTemplateTest, EveryEmailOfTheOldBackendHasAnHtmlAndATextTemplate) {
  metrics::Registry registry;
  TemplateLibrary lib(registry);
  for (const char* name : {"abandonedCart",
                           "accountDeactivated",
                           "backInStock",
                           "emailChangeConfirmation",
                           "emailVerification",
                           "guestTicketReply",
                           "guestTicketResolved",
                           "lowStockAlert",
                           "orderCancellation",
                           "orderCancelledStock",
                           "orderConfirmation",
                           "orderDelivered",
                           "orderRefund",
                           "orderStatusUpdate",
                           "passwordChanged",
                           "passwordReset",
                           "paymentConfirmation",
                           "paymentFailed",
                           "reviewApproved",
                           "reviewRejected",
                           "shippingNotification",
                           "supportTicketCreated",
                           "supportTicketReply",
                           "ticketResolved",
                           "welcome",
                           "adminAlert"}) {
    EXPECT_TRUE(lib.has(name)) << name;
  }
  EXPECT_FALSE(lib.has("layout"));
  EXPECT_FALSE(lib.has("noSuchEmail"));
  EXPECT_THROW(lib.render("noSuchEmail", {}, {}), TemplateError);
  // Every template compiles and renders, even without variables.
  for (const auto& name : lib.names()) {
    auto r = lib.render(name, {}, json::object{{"shop_name", "WigHaven"}});
    EXPECT_TRUE(contains(r.html, "<!DOCTYPE html>")) << name;
    EXPECT_TRUE(contains(r.text, "WigHaven")) << name;
    EXPECT_FALSE(contains(r.html, "{{")) << name;
  }
}

TEST(MailTemplateTest, VariablesAreHtmlEscapedInTheHtmlPartAndPlainInTheText) {
  metrics::Registry registry;
  TemplateLibrary lib(registry);
  json::object vars{{"name", "<script>alert('x')</script> & co"},
                    {"verification_link", "https://shop.test/verify-email?token=abc&x=\"1\""},
                    {"expiry_time", "24 hours"}};
  auto r = lib.render("emailVerification", vars, {});
  EXPECT_FALSE(contains(r.html, "<script>")) << r.html;
  EXPECT_TRUE(contains(r.html, "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; co")) << r.html;
  EXPECT_TRUE(contains(r.html, "href=\"https://shop.test/verify-email?token=abc&amp;x=&quot;1&quot;\"")) << r.html;
  EXPECT_TRUE(contains(r.text, "Hi <script>alert('x')</script> & co,")) << r.text;
  EXPECT_TRUE(contains(r.text, "https://shop.test/verify-email?token=abc&x=\"1\"")) << r.text;
}

TEST(MailTemplateTest, EachFileIsCompiledOnceAndThenServedFromTheCache) {
  metrics::Registry registry;
  TemplateLibrary lib(registry);
  EXPECT_EQ(lib.compiled(), 0u);
  lib.render("welcome", json::object{{"name", "Ama"}}, {});
  EXPECT_EQ(lib.compiled(), 4u);  // welcome.html, welcome.txt, layout.html, layout.txt
  auto text = registry.render();
  EXPECT_TRUE(contains(text, "wh_mail_template_cache_total{result=\"compile\"} 4")) << text;
  EXPECT_TRUE(contains(text, "wh_mail_template_cache_total{result=\"hit\"} 0")) << text;
  auto again = lib.render("welcome", json::object{{"name", "Kofi"}}, {});
  EXPECT_TRUE(contains(again.html, "Welcome, Kofi!"));
  lib.render("passwordReset", {}, {});
  EXPECT_EQ(lib.compiled(), 6u);  // only the new e-mail's two files
  text = registry.render();
  EXPECT_TRUE(contains(text, "wh_mail_template_cache_total{result=\"compile\"} 6")) << text;
  EXPECT_TRUE(contains(text, "wh_mail_template_cache_total{result=\"hit\"} 6")) << text;
}

TEST(MailTemplateTest, AmountsAreShownInGhanaCedis) {
  EXPECT_EQ(format_ghs(123450), "GH\u20B5 1,234.50");
  EXPECT_EQ(format_ghs(5), "GH\u20B5 0.05");
  EXPECT_EQ(format_ghs(100000000), "GH\u20B5 1,000,000.00");
  EXPECT_EQ(format_ghs(-250), "-GH\u20B5 2.50");
  EXPECT_EQ(money_value(json::value("1234.5")), 123450);
  EXPECT_EQ(money_value(json::value(99.99)), 9999);
  EXPECT_EQ(money_value(json::value(20)), 2000);
  EXPECT_FALSE(money_value(json::value("abc")));

  metrics::Registry registry;
  TemplateLibrary lib(registry);
  json::object vars{
      {"customer_name", "Ama"},
      {"order_number", "WH-1001"},
      {"items", json::array{json::object{
                    {"product_name", "Body Wave"}, {"quantity", 2}, {"unit_price", "617.25"}, {"subtotal", 1234.5}}}},
      {"subtotal", "1234.50"},
      {"discount", 0},
      {"shipping", "20"},
      {"total", 1254.5}};
  auto r = lib.render("orderConfirmation", vars, {});
  EXPECT_TRUE(contains(r.html, "GH\u20B5 1,254.50")) << r.html;
  EXPECT_TRUE(contains(r.html, "GH\u20B5 617.25"));
  EXPECT_TRUE(contains(r.text, "Body Wave x 2 @ GH\u20B5 617.25 = GH\u20B5 1,234.50")) << r.text;
  EXPECT_TRUE(contains(r.text, "Shipping: GH\u20B5 20.00")) << r.text;
  EXPECT_FALSE(contains(r.text, "Discount")) << "a zero discount is left out: " << r.text;
  EXPECT_FALSE(contains(r.html, "$"));
}

TEST(MailTemplateTest, TheUnsubscribeLinkAppearsOnlyWhenGiven) {
  metrics::Registry registry;
  TemplateLibrary lib(registry);
  const std::string link = "https://api.test/api/unsubscribe/one-click?email=a%40b.c&token=ff";
  auto marketing =
      lib.render("backInStock", json::object{{"product_name", "Bob"}}, json::object{{"unsubscribe_link", link}});
  EXPECT_TRUE(
      contains(marketing.html, "href=\"https://api.test/api/unsubscribe/one-click?email=a%40b.c&amp;token=ff\""))
      << marketing.html;
  EXPECT_TRUE(contains(marketing.text, "Unsubscribe from these e-mails: " + link)) << marketing.text;
  auto transactional = lib.render("passwordReset", {}, {});
  EXPECT_FALSE(contains(transactional.html, "Unsubscribe"));
  EXPECT_FALSE(contains(transactional.text, "Unsubscribe"));
}

}  // namespace
}  // namespace wh::mail
