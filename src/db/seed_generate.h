// The demo shop as plain rows, built without a database: pure and
// deterministic. Every entity draws from its own fixed-seed random stream
// keyed by its number, so the same options give the same rows, and product k
// is the same whatever --products is. Ids are cuid-shaped (cuid_from) with
// the row's timestamp and numbers from those streams; timestamps are
// milliseconds since the Unix epoch, at most the seed's "now", kEpoch.
//
// References between rows are positions (category index, customer index,
// product position), because the writer reuses rows that already exist
// (same category slug, same e-mail) and only then knows their ids.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "db/seed.h"
#include "db/seed_content.h"

namespace wh::db::demo {

using Field = std::optional<std::string>;  // std::nullopt: SQL NULL

inline constexpr std::int64_t kEpoch = 1748736000000LL;  // 2025-06-01T00:00:00Z, the seed's "now"

// Orders draw from the first products only, so memory stays bounded for huge
// catalogues (the popularity tail beyond them is negligible anyway).
inline constexpr int kOrderableProducts = 50000;

struct Category {
  std::string id, name, slug, description, image;
  bool active = true, featured = false;
  std::int64_t created_ms = 0;
  bool operator==(const Category&) const = default;
};

struct User {
  std::string id, email, password;  // password in clear: the writer hashes it
  std::string first, last, phone, role;
  bool verified = true;
  std::int64_t created_ms = 0;
  bool operator==(const User&) const = default;
};

struct Variant {
  std::string id, sku;
  std::int64_t price_cents = 0;
  int stock = 0;
  Field length, color, texture, size;
  std::vector<std::string> images;
  bool active = true;
  std::int64_t created_ms = 0;
  bool operator==(const Variant&) const = default;
};

struct Product {
  std::string id, name, description;
  std::int64_t number = 0;  // the n of its SKUs WH-<n>-<m>
  std::int64_t base_cents = 0;
  bool active = true, featured = false;
  std::int64_t created_ms = 0;
  std::size_t category = 0;  // position in categories()
  std::vector<Variant> variants;
  bool operator==(const Product&) const = default;
};

struct OrderItem {
  std::string id;
  std::size_t product = 0, variant = 0;  // positions in the orderable products / their variants
  int quantity = 1;
  bool operator==(const OrderItem&) const = default;
};

struct Order {
  std::string id, number;
  std::optional<std::size_t> customer;  // position among the customers of users(); nullopt: a guest
  std::string status, payment_status, email, phone;
  Field reference, payment_method, tracking, notes;
  std::string address_json;
  std::int64_t created_ms = 0, updated_ms = 0, subtotal_cents = 0, shipping_cents = 0;
  std::optional<std::int64_t> paid_ms;
  std::vector<OrderItem> items;
  bool operator==(const Order&) const = default;
};

struct Banner {
  std::string id, title, description, image_url, link;
  std::int64_t start_ms = 0, end_ms = 0, created_ms = 0;
  int priority = 0;
  bool operator==(const Banner&) const = default;
};

struct Setting {
  std::string id, key, value, description;
  bool operator==(const Setting&) const = default;
};

struct Rate {
  std::string id, currency, rate;
  bool operator==(const Rate&) const = default;
};

class ShopGenerator {
 public:
  // `sku_offset`: the highest product number already in the database (0 on
  // an empty one); new products continue after it and every id stream is
  // salted with it, so a --force run adds a disjoint catalogue.
  ShopGenerator(const Content& content, const SeedOptions& options, std::int64_t sku_offset = 0);

  std::vector<Category> categories() const;
  // Staff (admin, super admin), then options.customers customers: the first
  // ones verified (customer1@example.com ...), the last tenth unverified
  // (unverified1@example.com ...).
  std::vector<User> users() const;
  // The customers' positions start after the staff in users().
  static constexpr std::size_t kStaff = 2;
  // Products at positions [first, last) of the catalogue.
  std::vector<Product> products(int first, int last) const;
  // options.orders orders over `orderable` (the catalogue's first products,
  // in order, at most kOrderableProducts) and the customers of `users`.
  std::vector<Order> orders(const std::vector<Product>& orderable, const std::vector<User>& users) const;
  // Gives orders whose number or payment reference is in `taken_*` (already
  // in the database: only possible with --force) fresh ones.
  void renumber(std::vector<Order>& orders, const std::unordered_set<std::string>& taken_numbers,
                const std::unordered_set<std::string>& taken_references) const;
  std::vector<Banner> banners(const std::vector<Category>& categories) const;
  std::vector<Setting> settings() const;
  std::vector<Rate> rates() const;

 private:
  std::string category_name(std::size_t i) const;
  Product product(std::int64_t number, std::size_t category) const;
  std::size_t pick_category(std::int64_t number) const;

  const Content& c_;
  SeedOptions opt_;
  std::int64_t offset_;
  std::vector<std::int64_t> cumulative_weights_;  // of the options.categories categories
};

// "1234.50" from cents.
std::string money(std::int64_t cents);
// URL slug of a name: "Closures & Frontals" -> "closures-frontals".
std::string slugify(std::string_view name);

}  // namespace wh::db::demo
