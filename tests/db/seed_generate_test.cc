// The demo shop's rows built without a database: deterministic, sized by the
// options, and made of the embedded content.
#include "db/seed_generate.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <stdexcept>
#include <string>

#include "db/seed_content.h"

namespace wh::db::demo {
namespace {

SeedOptions options(int categories, int products, int customers, int orders) {
  SeedOptions o;
  o.categories = categories;
  o.products = products;
  o.customers = customers;
  o.orders = orders;
  return o;
}

struct Shop {
  std::vector<Category> categories;
  std::vector<User> users;
  std::vector<Product> products;
  std::vector<Order> orders;
  std::vector<Banner> banners;
  std::vector<Setting> settings;
  std::vector<Rate> rates;
  bool operator==(const Shop&) const = default;
};

Shop generate(const SeedOptions& o, std::int64_t offset = 0) {
  ShopGenerator g(embedded_content(), o, offset);
  Shop s;
  s.categories = g.categories();
  s.users = g.users();
  s.products = g.products(0, o.products);
  s.orders = g.orders(s.products, s.users);
  s.banners = g.banners(s.categories);
  s.settings = g.settings();
  s.rates = g.rates();
  return s;
}

TEST(SeedGenerate, SameOptionsGiveTheSameShop) {
  const auto o = options(12, 300, 20, 150);
  Shop a = generate(o);
  Shop b = generate(o);
  EXPECT_TRUE(a == b);
  // And chunked generation (as the writer does it) gives the same products.
  ShopGenerator g(embedded_content(), o);
  auto first = g.products(0, 100);
  auto rest = g.products(100, 300);
  first.insert(first.end(), rest.begin(), rest.end());
  EXPECT_TRUE(first == a.products);
}

TEST(SeedGenerate, SizedByTheOptions) {
  Shop s = generate(options(30, 77, 25, 40));
  EXPECT_EQ(s.categories.size(), 30u);
  EXPECT_EQ(s.products.size(), 77u);
  EXPECT_EQ(s.users.size(), 25u + ShopGenerator::kStaff);
  EXPECT_EQ(s.orders.size(), 40u);
  EXPECT_EQ(s.banners.size(), embedded_content().banners.size());
  EXPECT_FALSE(s.settings.empty());
  EXPECT_FALSE(s.rates.empty());
  // Category names stay unique beyond the defined list (prefixes, then collections).
  std::set<std::string> slugs;
  for (const auto& c : s.categories) slugs.insert(c.slug);
  EXPECT_EQ(slugs.size(), 30u);
  for (const auto& p : s.products) {
    EXPECT_LT(p.category, 30u);
    EXPECT_FALSE(p.variants.empty());
    EXPECT_LE(p.variants.size(), 6u);
  }
  for (const auto& o : s.orders) {
    EXPECT_FALSE(o.items.empty());
    EXPECT_LE(o.items.size(), 4u);
    for (const auto& it : o.items) EXPECT_LT(it.product, s.products.size());
    if (o.customer) {
      EXPECT_LT(*o.customer, 25u);
    }
    EXPECT_LE(o.created_ms, kEpoch);
  }

  Shop empty = generate(options(0, 0, 0, 0));
  EXPECT_TRUE(empty.categories.empty());
  EXPECT_TRUE(empty.products.empty());
  EXPECT_EQ(empty.users.size(), ShopGenerator::kStaff);
  EXPECT_TRUE(empty.orders.empty());
  EXPECT_EQ(empty.banners.at(0).link, "/products") << "no category to link to";
}

TEST(SeedGenerate, AProductIsTheSameWhateverTheCatalogueSize) {
  Shop small = generate(options(12, 50, 5, 10));
  Shop large = generate(options(12, 500, 5, 10));
  ASSERT_EQ(large.products.size(), 500u);
  for (std::size_t i = 0; i < small.products.size(); ++i) EXPECT_TRUE(small.products[i] == large.products[i]) << i;
}

TEST(SeedGenerate, DemoAccounts) {
  Shop s = generate(options(4, 10, 25, 5));
  EXPECT_EQ(s.users[0].email, kDemoAdminEmail);
  EXPECT_EQ(s.users[0].password, kDemoAdminPassword);
  EXPECT_EQ(s.users[0].role, "admin");
  int verified = 0, unverified = 0;
  for (std::size_t i = ShopGenerator::kStaff; i < s.users.size(); ++i) {
    const User& u = s.users[i];
    EXPECT_EQ(u.password, kDemoCustomerPassword);
    if (u.verified) {
      ++verified;
      EXPECT_EQ(u.email, "customer" + std::to_string(verified) + "@example.com");
    } else {
      ++unverified;
      EXPECT_EQ(u.email, "unverified" + std::to_string(unverified) + "@example.com");
    }
  }
  EXPECT_EQ(verified, 23);
  EXPECT_EQ(unverified, 2);
}

TEST(SeedGenerate, IdsAreUniqueCuidsAndForceRunsAreDisjoint) {
  const std::regex cuid("^c[0-9a-z]{24}$");
  std::set<std::string> ids;
  std::size_t n = 0;
  auto add = [&](const std::string& id) {
    EXPECT_TRUE(std::regex_match(id, cuid)) << id;
    ids.insert(id);
    ++n;
  };
  Shop s = generate(options(12, 200, 20, 100));
  Shop forced = generate(options(12, 200, 20, 100), 200);
  for (const Shop* shop : {&s, &forced}) {
    for (const auto& c : shop->categories) add(c.id);
    for (const auto& u : shop->users) add(u.id);
    for (const auto& p : shop->products) {
      add(p.id);
      for (const auto& v : p.variants) add(v.id);
    }
    for (const auto& o : shop->orders) {
      add(o.id);
      for (const auto& it : o.items) add(it.id);
    }
    for (const auto& b : shop->banners) add(b.id);
  }
  EXPECT_EQ(ids.size(), n);
  // A --force run continues the product numbers.
  EXPECT_EQ(forced.products.front().variants.front().sku, "WH-201-1");
  EXPECT_EQ(forced.products.front().number, 201);
}

TEST(SeedGenerate, RenumberReplacesOnlyTakenNumbers) {
  const auto o = options(4, 20, 5, 30);
  ShopGenerator g(embedded_content(), o);
  Shop s = generate(o);
  auto orders = s.orders;
  std::unordered_set<std::string> taken{orders[3].number};
  g.renumber(orders, taken, {});
  EXPECT_NE(orders[3].number, s.orders[3].number);
  std::set<std::string> numbers;
  for (std::size_t i = 0; i < orders.size(); ++i) {
    numbers.insert(orders[i].number);
    if (i != 3) {
      EXPECT_EQ(orders[i].number, s.orders[i].number) << i;
    }
  }
  EXPECT_EQ(numbers.size(), orders.size());
}

TEST(SeedContent, TheEmbeddedFilesParse) {
  const Content& c = embedded_content();
  EXPECT_GE(c.categories.size(), 20u);
  EXPECT_EQ(c.categories.front().name, "Lace Front Wigs");
  EXPECT_FALSE(c.first_names.empty());
  EXPECT_FALSE(c.cities.empty());
  EXPECT_FALSE(c.settings.empty());
}

TEST(SeedContent, ErrorsNameTheFileAndTheField) {
  std::vector<EmbeddedFile> files = embedded_seed_files();
  for (auto& f : files) {
    if (std::string(f.name) == "people.json") f.text = R"({"firstNames": [], "lastNames": ["A"]})";
  }
  try {
    parse_content(files);
    FAIL() << "accepted an empty firstNames";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("people.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("firstNames"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace wh::db::demo
