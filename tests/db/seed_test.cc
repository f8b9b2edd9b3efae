#include "db/seed.h"

#include <gtest/gtest.h>

#include <string>

#include "accounts/auth_test_support.h"
#include "core/password.h"
#include "db/migrations.h"
#include "support/test_env.h"

namespace wh::db {
namespace {

SeedOptions small() {
  SeedOptions o;
  o.categories = 4;
  o.products = 30;
  o.customers = 3;
  o.orders = 10;
  o.progress = false;
  return o;
}

long long count(const std::string& db, const std::string& table) {
  return std::stoll(test::sql(db, "SELECT count(*) FROM " + table));
}

TEST(SeedTest, SmallSeedFillsTheTables) {
  test::ScratchDb scratch(false);
  migrate(scratch.url());
  SeedSummary s = seed(scratch.url(), small());
  EXPECT_FALSE(s.skipped);
  EXPECT_EQ(s.categories, 4);
  EXPECT_EQ(s.products, 30);
  EXPECT_EQ(s.customers, 3);
  EXPECT_EQ(s.orders, 10);
  EXPECT_GE(s.variants, 30);

  EXPECT_EQ(count(scratch.name(), "categories"), 4);
  EXPECT_EQ(count(scratch.name(), "products"), 30);
  EXPECT_EQ(count(scratch.name(), "variants"), s.variants);
  EXPECT_EQ(count(scratch.name(), "users WHERE role = 'customer'"), 3);
  EXPECT_EQ(count(scratch.name(), "users"), 5) << "3 customers + admin + super admin";
  EXPECT_EQ(count(scratch.name(), "orders"), 10);
  EXPECT_EQ(count(scratch.name(), "promotional_banners"), s.banners);
  EXPECT_GT(s.banners, 0);
  EXPECT_GT(count(scratch.name(), "order_items"), 0);
  // Every product has at least one variant and a category that exists.
  EXPECT_EQ(count(scratch.name(), "products p WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id)"),
            0);
  EXPECT_EQ(
      count(scratch.name(), "products p WHERE NOT EXISTS (SELECT 1 FROM categories c WHERE c.id = p.category_id)"), 0);
  // Ids are cuid-shaped.
  EXPECT_EQ(count(scratch.name(), "products WHERE id !~ '^c[0-9a-z]{24}$'"), 0);
}

TEST(SeedTest, SecondSeedIsSkipped) {
  test::ScratchDb scratch(false);
  migrate(scratch.url());
  seed(scratch.url(), small());
  SeedSummary again = seed(scratch.url(), small());
  EXPECT_TRUE(again.skipped);
  EXPECT_EQ(again.products, 0);
  EXPECT_EQ(count(scratch.name(), "products"), 30);
  EXPECT_EQ(count(scratch.name(), "orders"), 10);
}

TEST(SeedTest, ForceAddsADisjointCatalogAndReusesAccounts) {
  test::ScratchDb scratch(false);
  migrate(scratch.url());
  seed(scratch.url(), small());
  SeedOptions o = small();
  o.force = true;
  SeedSummary s = seed(scratch.url(), o);
  EXPECT_FALSE(s.skipped);
  EXPECT_EQ(s.products, 30);
  EXPECT_EQ(count(scratch.name(), "products"), 60);
  EXPECT_EQ(count(scratch.name(), "users"), 5) << "existing accounts are reused";
  EXPECT_EQ(count(scratch.name(), "categories"), 4) << "existing categories are reused";
  EXPECT_EQ(test::sql(scratch.name(), "SELECT count(DISTINCT sku) = count(*) FROM variants"), "t");
}

TEST(SeedTest, DemoAccountsCanLogIn) {
  test::ScratchDb scratch(false);
  migrate(scratch.url());
  seed(scratch.url(), small());
  std::string admin_hash =
      test::sql(scratch.name(), std::string("SELECT password FROM users WHERE email = '") + kDemoAdminEmail + "'");
  EXPECT_EQ(test::sql(scratch.name(), std::string("SELECT role FROM users WHERE email = '") + kDemoAdminEmail + "'"),
            "admin");
  EXPECT_TRUE(password::verify(kDemoAdminPassword, admin_hash));
  EXPECT_FALSE(password::verify(kDemoCustomerPassword, admin_hash));
  std::string customer_hash =
      test::sql(scratch.name(), "SELECT password FROM users WHERE email = 'customer1@example.com'");
  EXPECT_TRUE(password::verify(kDemoCustomerPassword, customer_hash));
}

TEST(SeedTest, CustomersAreVerifiedAndATenthAreUnverifiedUnderOtherNames) {
  test::ScratchDb scratch(false);
  migrate(scratch.url());
  SeedOptions o = small();
  o.customers = 25;
  SeedSummary s = seed(scratch.url(), o);
  EXPECT_EQ(s.customers, 25);
  EXPECT_EQ(count(scratch.name(), "users WHERE role = 'customer'"), 25);
  EXPECT_EQ(count(scratch.name(), "users WHERE email LIKE 'customer%@example.com' AND email_verified"), 23);
  EXPECT_EQ(count(scratch.name(), "users WHERE email LIKE 'customer%@example.com' AND NOT email_verified"), 0)
      << "the README's demo logins must sign in";
  EXPECT_EQ(count(scratch.name(),
                  "users WHERE email IN ('unverified1@example.com', 'unverified2@example.com')"
                  " AND NOT email_verified"),
            2);
  EXPECT_EQ(count(scratch.name(), "users WHERE email_verified AND role IN ('admin', 'super_admin')"), 2);
}

// Through the real HTTP interface, against the database test.sh seeded.
TEST(SeedTest, ReadmeDemoLoginsSignIn) {
  test::auth::AuthServer s;
  for (const char* email : {"customer1@example.com", "customer2@example.com"}) {
    auto r = s.login(email, kDemoCustomerPassword);
    EXPECT_EQ(r.status, 200) << email << ": " << r.body;
  }
  auto admin = s.login(kDemoAdminEmail, kDemoAdminPassword);
  EXPECT_EQ(admin.status, 200) << admin.body;
  // The unverified demo customers exist and are told to verify.
  auto unverified = s.login("unverified1@example.com", kDemoCustomerPassword);
  EXPECT_NE(unverified.status, 200) << unverified.body;
  EXPECT_EQ(unverified.json().at("needsVerification"), true) << unverified.body;
}

TEST(SeedTest, SameOptionsGiveTheSameCatalog) {
  test::ScratchDb a(false), b(false);
  migrate(a.url());
  migrate(b.url());
  seed(a.url(), small());
  seed(b.url(), small());
  const std::string q =
      "SELECT md5(string_agg(p.id || p.name || p.base_price || v.sku || v.price || v.stock, ',' ORDER BY v.sku))"
      " FROM products p JOIN variants v ON v.product_id = p.id";
  EXPECT_EQ(test::sql(a.name(), q), test::sql(b.name(), q));
}

TEST(SeedTest, InvalidOptionsThrow) {
  test::ScratchDb scratch(false);
  migrate(scratch.url());
  SeedOptions neg = small();
  neg.orders = -1;
  EXPECT_THROW(seed(scratch.url(), neg), std::runtime_error);
  SeedOptions no_cat = small();
  no_cat.categories = 0;
  EXPECT_THROW(seed(scratch.url(), no_cat), std::runtime_error);
  EXPECT_EQ(count(scratch.name(), "products"), 0);
}

}  // namespace
}  // namespace wh::db
