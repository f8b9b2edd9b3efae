#include "db/seed_generate.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "core/ids.h"

namespace wh::db::demo {
namespace {

// ---- deterministic randomness ---------------------------------------------------------------

constexpr std::uint64_t kSeed = 0x5749474841564E31ULL;  // "WIGHAVN1"

constexpr std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

enum class Stream : std::uint64_t { kCategory = 1, kProduct, kCustomer, kOrder, kOrderRetry, kIds };

// What an id is for: part of its stream key, so ids of different tables never share a stream.
enum class IdOf : std::uint64_t { kCategory = 1, kUser, kProduct, kVariant, kOrder, kItem, kBanner, kSetting, kRate };

class Rng {
 public:
  // An independent stream for entity `index` of kind `stream`.
  Rng(Stream stream, std::uint64_t index, std::uint64_t salt = 0)
      : state_(splitmix(kSeed ^ splitmix(static_cast<std::uint64_t>(stream) * 0xD1B54A32D192ED03ULL ^
                                         splitmix(index + 0x632BE59BD9B4E019ULL) ^ salt))) {}

  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi] (inclusive); the modulo bias is irrelevant here.
  std::int64_t range(std::int64_t lo, std::int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  std::size_t index(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform() < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[index(v.size())];
  }

 private:
  std::uint64_t state_;
};

// ---- time -----------------------------------------------------------------------------------

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::sys_days;

static_assert(std::chrono::duration_cast<milliseconds>(sys_days{std::chrono::year{2025} / 6 / 1}.time_since_epoch())
                  .count() == kEpoch);

// Milliseconds of a "YYYY-MM-DD" UTC day.
std::int64_t day_ms(const std::string& date) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  std::chrono::year_month_day ymd{};
  if (std::sscanf(date.c_str(), "%d-%u-%u%c", &y, &m, &d, &tail) == 3) {
    ymd = std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d};
  }
  if (!ymd.ok()) throw std::runtime_error("seed data: bad date '" + date + "' (want YYYY-MM-DD)");
  return std::chrono::duration_cast<milliseconds>(sys_days{ymd}.time_since_epoch()).count();
}

std::string yyyymmdd(std::int64_t ms) {
  std::chrono::year_month_day ymd{std::chrono::floor<days>(std::chrono::sys_time<milliseconds>(milliseconds(ms)))};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

// ---- text -----------------------------------------------------------------------------------

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

std::string length_str(int inches) { return std::to_string(inches) + "\""; }

std::string phone(const char* prefix, Rng& rng) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "+233%s%07lld", prefix, static_cast<long long>(rng.range(0, 9999999)));
  return buf;
}

// Weighted choice of 1 + k for k with chance weights[k] percent (sum 100).
template <std::size_t N>
int weighted_count(Rng& rng, const int (&weights)[N]) {
  int roll = static_cast<int>(rng.range(0, 99));
  int count = 1;
  for (int w : weights) {
    if (roll < w) break;
    roll -= w;
    ++count;
  }
  return count;
}

}  // namespace

std::string money(std::int64_t cents) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%lld.%02lld", cents < 0 ? "-" : "", static_cast<long long>(std::llabs(cents) / 100),
                static_cast<long long>(std::llabs(cents) % 100));
  return buf;
}

std::string slugify(std::string_view name) {
  std::string out;
  bool dash = false;
  for (char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
    if (alnum) {
      if (dash && !out.empty()) out += '-';
      dash = false;
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    } else {
      dash = true;
    }
  }
  return out;
}

namespace {

// A cuid for row `index` (and `sub`, e.g. a variant's number) of a table,
// created at `ms`; `salt` separates --force runs.
std::string seed_id(std::int64_t ms, IdOf table, std::uint64_t index, std::uint64_t sub, std::uint64_t salt) {
  Rng rng(Stream::kIds, splitmix((static_cast<std::uint64_t>(table) << 56) ^ index) ^ sub, salt);
  const std::uint64_t counter = rng.next();
  return cuid_from(static_cast<std::uint64_t>(std::max<std::int64_t>(ms, 0)), counter, rng.next());
}

}  // namespace

ShopGenerator::ShopGenerator(const Content& content, const SeedOptions& options, std::int64_t sku_offset)
    : c_(content), opt_(options), offset_(sku_offset) {
  std::int64_t sum = 0;
  for (int i = 0; i < opt_.categories; ++i) {
    sum += c_.categories[static_cast<std::size_t>(i) % c_.categories.size()].weight;
    cumulative_weights_.push_back(sum);
  }
}

std::string ShopGenerator::category_name(std::size_t i) const {
  const auto& defs = c_.categories;
  const std::size_t round = i / defs.size();
  const std::string& base = defs[i % defs.size()].name;
  if (round == 0) return base;
  const std::size_t np = c_.category_prefixes.size();
  if (round <= np) return c_.category_prefixes[round - 1] + " " + base;
  return base + " Collection " + std::to_string(round - np + 1);
}

std::vector<Category> ShopGenerator::categories() const {
  std::vector<Category> out;
  const auto n = static_cast<std::size_t>(std::max(opt_.categories, 0));
  const auto salt = static_cast<std::uint64_t>(offset_);
  for (std::size_t i = 0; i < n; ++i) {
    Category cat;
    cat.name = category_name(i);
    cat.slug = slugify(cat.name);
    cat.description = c_.categories[i % c_.categories.size()].description;
    cat.image = "https://ik.imagekit.io/wighaven/categories/" + cat.slug + ".jpg";
    cat.created_ms = kEpoch - 400 * kDay + static_cast<std::int64_t>(i) * kHour;
    cat.active = !(n >= 10 && i == 8);  // one inactive category in a full shop
    cat.featured = i == 0 || i == 1 || i == 2 || i == 4;
    cat.id = seed_id(cat.created_ms, IdOf::kCategory, i, 0, salt);
    out.push_back(std::move(cat));
  }
  return out;
}

std::vector<User> ShopGenerator::users() const {
  std::vector<User> out;
  const auto salt = static_cast<std::uint64_t>(offset_);
  const std::int64_t staff_created = kEpoch - 400 * kDay;
  auto staff = [&](const char* email, const char* first, const char* last, const char* tel, const char* role,
                   std::int64_t created) {
    User u{seed_id(created, IdOf::kUser, out.size(), 0, salt),
           email,
           kDemoAdminPassword,
           first,
           last,
           tel,
           role,
           true,
           created};
    out.push_back(std::move(u));
  };
  staff(kDemoAdminEmail, "Adjoa", "Mensah", "+233244000001", "admin", staff_created);
  staff("super@wighaven.local", "Kwame", "Asante", "+233244000002", "super_admin", staff_created - kHour);

  const int total = std::max(opt_.customers, 0);
  const int unverified = total / 10;
  for (int c = 1; c <= total; ++c) {
    Rng rng(Stream::kCustomer, static_cast<std::uint64_t>(c));
    User u;
    const bool verified = c <= total - unverified;
    u.email = verified ? "customer" + std::to_string(c) + "@example.com"
                       : "unverified" + std::to_string(c - (total - unverified)) + "@example.com";
    u.password = kDemoCustomerPassword;
    u.first = rng.pick(c_.first_names);
    u.last = rng.pick(c_.last_names);
    u.phone = phone("24", rng);
    u.role = "customer";
    u.verified = verified;
    u.created_ms = kEpoch - rng.range(kDay, 365 * kDay);
    u.id = seed_id(u.created_ms, IdOf::kUser, out.size(), 0, salt);
    out.push_back(std::move(u));
  }
  return out;
}

std::size_t ShopGenerator::pick_category(std::int64_t number) const {
  Rng rng(Stream::kCategory, static_cast<std::uint64_t>(number));
  const std::int64_t roll = rng.range(0, cumulative_weights_.back() - 1);
  return static_cast<std::size_t>(std::upper_bound(cumulative_weights_.begin(), cumulative_weights_.end(), roll) -
                                  cumulative_weights_.begin());
}

std::vector<Product> ShopGenerator::products(int first, int last) const {
  std::vector<Product> out;
  if (cumulative_weights_.empty()) return out;
  first = std::max(first, 0);
  last = std::min(last, opt_.products);
  out.reserve(static_cast<std::size_t>(std::max(last - first, 0)));
  for (int i = first; i < last; ++i) {
    const std::int64_t number = offset_ + i + 1;
    out.push_back(product(number, pick_category(number)));
  }
  return out;
}

Product ShopGenerator::product(std::int64_t number, std::size_t category) const {
  const CategoryDef& def = c_.categories[category % c_.categories.size()];
  const auto salt = static_cast<std::uint64_t>(offset_);
  Rng rng(Stream::kProduct, static_cast<std::uint64_t>(number));
  Product p;
  p.number = number;
  p.category = category;
  p.created_ms = kEpoch - rng.range(1, 365 * kDay);
  p.id = seed_id(p.created_ms, IdOf::kProduct, static_cast<std::uint64_t>(number), 0, salt);
  p.active = !rng.chance(0.05);
  p.featured = p.active && rng.chance(0.105);

  // Base price: mostly whole cedis, some .99 / .50, some arbitrary pesewas.
  std::int64_t cents = rng.range(def.price_lo, def.price_hi) * 100;
  const double ending = rng.uniform();
  if (ending < 0.25) {
    cents -= 1;  // xx9.99
  } else if (ending < 0.35) {
    cents += 50;
  } else if (ending < 0.45) {
    cents += rng.range(1, 98);
  }
  p.base_cents = std::clamp<std::int64_t>(cents, 15000, 450000);

  const std::vector<std::string>& textures = def.textures.empty() ? c_.textures : def.textures;
  const bool hair = def.kind != Kind::kNonHair;
  const std::string noun = rng.pick(def.nouns);
  const std::string main_texture = hair ? rng.pick(textures) : std::string();
  const bool vary_texture = hair && textures.size() > 1 && rng.chance(0.15);
  const bool fixed_length = hair && rng.chance(0.4);
  auto pick_length = [&] { return def.min_len + 2 * static_cast<int>(rng.range(0, (def.max_len - def.min_len) / 2)); };
  const int main_length = hair ? pick_length() : 0;
  std::string origin;

  std::string name;
  switch (def.kind) {
    case Kind::kHair:
      origin = rng.pick(c_.origins);
      if (rng.chance(0.3)) name = rng.pick(c_.grades) + " ";
      name += origin;
      if (!vary_texture && noun.find(main_texture) == std::string::npos) name += " " + main_texture;
      name += " " + noun;
      break;
    case Kind::kSynthetic:
      name = rng.pick(c_.synthetic_prefixes);
      if (!vary_texture) name += " " + main_texture;
      name += " " + noun;
      break;
    case Kind::kBraided:
      name = vary_texture ? std::string("Handmade") : main_texture;
      name += " " + noun;
      break;
    case Kind::kNonHair:
      name = noun;
      break;
  }
  if (fixed_length) name += " " + length_str(main_length);
  p.name = std::move(name);

  // Description: 1-3 distinct sentences of the kind's pool.
  std::vector<std::string> pool;
  switch (def.kind) {
    case Kind::kHair:
      pool = c_.hair_sentences;
      if (def.has_size) pool.insert(pool.end(), c_.hair_cap_sentences.begin(), c_.hair_cap_sentences.end());
      break;
    case Kind::kSynthetic:
      pool = c_.synthetic_sentences;
      break;
    case Kind::kBraided:
      pool = c_.braided_sentences;
      break;
    case Kind::kNonHair:
      pool = c_.nonhair_sentences;
      break;
  }
  const int sentences = static_cast<int>(rng.range(1, 3));
  std::vector<bool> used(pool.size(), false);
  for (int s = 0; s < sentences; ++s) {
    std::size_t k = rng.index(pool.size());
    for (std::size_t tries = 0; used[k] && tries < pool.size(); ++tries) k = (k + 1) % pool.size();
    if (used[k]) break;
    used[k] = true;
    if (!p.description.empty()) p.description += ' ';
    p.description += replace_all(replace_all(pool[k], "{origin}", origin.empty() ? "virgin" : origin), "{texture}",
                                 lower(main_texture));
  }

  // Variants: unique (color, length, texture, size) tuples.
  static constexpr int kCountWeights[] = {15, 20, 25, 20, 10, 10};  // 1..6 variants
  const int count = weighted_count(rng, kCountWeights);
  const std::vector<std::string>& colors = !hair               ? c_.accessory_colors
                                           : def.bright_colors ? c_.bright_colors
                                                               : c_.hair_colors;
  std::string main_color;
  if (hair && !def.bright_colors) {
    const double r = rng.uniform();
    main_color = r < 0.5   ? c_.hair_colors.front()
                 : r < 0.8 ? c_.hair_colors[1 % c_.hair_colors.size()]
                           : rng.pick(colors);
  } else {
    main_color = rng.pick(colors);
  }
  struct Attrs {
    std::string color, texture, size;
    int length;
    bool operator==(const Attrs&) const = default;
  };
  const std::string medium = c_.sizes[c_.sizes.size() / 2];
  std::vector<Attrs> tuples;
  tuples.push_back({main_color, main_texture, def.has_size ? medium : "", main_length});
  for (int attempts = 0; static_cast<int>(tuples.size()) < count && attempts < 60; ++attempts) {
    Attrs a = tuples.front();
    const int changes = static_cast<int>(rng.range(1, 2));
    for (int ch = 0; ch < changes; ++ch) {
      switch (rng.range(0, 3)) {
        case 0:
          a.color = rng.pick(colors);
          break;
        case 1:
          if (hair && !fixed_length) a.length = pick_length();
          break;
        case 2:
          if (vary_texture) a.texture = rng.pick(textures);
          break;
        default:
          if (def.has_size) a.size = rng.pick(c_.sizes);
          break;
      }
    }
    if (std::find(tuples.begin(), tuples.end(), a) == tuples.end()) tuples.push_back(std::move(a));
  }

  for (std::size_t v = 0; v < tuples.size(); ++v) {
    const Attrs& a = tuples[v];
    Variant vi;
    vi.sku = "WH-" + std::to_string(number) + "-" + std::to_string(v + 1);
    vi.created_ms = p.created_ms + static_cast<std::int64_t>(v) * kSecond;
    vi.id = seed_id(vi.created_ms, IdOf::kVariant, static_cast<std::uint64_t>(number), v, salt);
    vi.color = a.color;
    vi.length = hair ? Field(length_str(a.length)) : std::nullopt;
    vi.texture = hair ? Field(a.texture) : std::nullopt;
    vi.size = a.size.empty() ? std::nullopt : Field(a.size);
    std::int64_t delta = 0;
    if (v > 0 && !rng.chance(0.4)) {
      static const std::vector<std::int64_t> kDeltas = {10, 20, 25, 50, 75, 100, 150};
      delta = rng.pick(kDeltas) * 100 + std::max(0, a.length - main_length) * 2500;
    }
    vi.price_cents = p.base_cents + delta;
    vi.active = v == 0 || !rng.chance(0.075);  // ~5% overall (the main variant stays active)
    const double s = rng.uniform();
    vi.stock = s < 0.12 ? 0 : s < 0.27 ? static_cast<int>(rng.range(1, 5)) : static_cast<int>(rng.range(6, 120));
    const int n_images = static_cast<int>(rng.range(1, 3));
    for (int k = 1; k <= n_images; ++k) {
      vi.images.push_back("https://ik.imagekit.io/wighaven/products/" + lower(vi.sku) + "-" + std::to_string(k) +
                          ".jpg");
    }
    p.variants.push_back(std::move(vi));
  }
  return p;
}

namespace {

std::string order_number(Rng& rng, std::int64_t ts, std::unordered_set<std::string>& taken) {
  for (;;) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%06llX", static_cast<unsigned long long>(rng.next() & 0xFFFFFFULL));
    std::string n = "ORD-" + yyyymmdd(ts) + "-" + buf;
    if (taken.insert(n).second) return n;
  }
}

std::string payment_reference(Rng& rng, std::int64_t ts, std::unordered_set<std::string>& taken) {
  for (;;) {
    const std::int64_t at = ts + rng.range(0, 5000);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%09llx", static_cast<unsigned long long>(rng.next() & 0xFFFFFFFFFULL));
    std::string r = "ref_" + std::to_string(at) + "_" + buf;
    if (taken.insert(r).second) return r;
  }
}

}  // namespace

std::vector<Order> ShopGenerator::orders(const std::vector<Product>& orderable, const std::vector<User>& users) const {
  std::vector<Order> out;
  const int total = opt_.orders;
  if (total <= 0 || orderable.empty()) return out;
  const auto salt = static_cast<std::uint64_t>(offset_);
  const std::size_t n_customers = users.size() > kStaff ? users.size() - kStaff : 0;

  // Zipf(s=1) popularity over product positions: product 1 sells most.
  std::vector<double> cdf(orderable.size());
  double acc = 0;
  for (std::size_t i = 0; i < orderable.size(); ++i) cdf[i] = acc += 1.0 / static_cast<double>(i + 1);

  std::unordered_set<std::string> numbers, references;
  out.reserve(static_cast<std::size_t>(total));
  for (int j = 0; j < total; ++j) {
    Rng rng(Stream::kOrder, static_cast<std::uint64_t>(j), salt);
    Order o;
    std::int64_t ts = kEpoch - rng.range(10 * kMinute, 120 * kDay);

    // Customer (the first ones order most) or guest.
    std::string first, last;
    if (n_customers == 0 || rng.chance(0.15)) {
      first = rng.pick(c_.first_names);
      last = rng.pick(c_.last_names);
      o.email = lower(first) + "." + lower(last) + std::to_string(rng.range(1, 999)) + "@example.com";
      o.phone = phone(rng.pick(c_.guest_phone_prefixes).c_str(), rng);
    } else {
      const double u = rng.uniform();
      const std::size_t ci =
          std::min(static_cast<std::size_t>(u * u * static_cast<double>(n_customers)), n_customers - 1);
      const User& c = users[kStaff + ci];
      o.customer = ci;
      first = c.first;
      last = c.last;
      o.email = c.email;
      o.phone = c.phone;
      ts = std::max(ts, c.created_ms + kHour);
    }

    // Items: 1-4 distinct variants, products drawn by popularity, preferring
    // products that already existed when the order was placed.
    static constexpr int kItemWeights[] = {45, 30, 15, 10};
    const int n_items = weighted_count(rng, kItemWeights);
    for (int k = 0; k < n_items; ++k) {
      std::size_t pi = 0;
      for (int tries = 0; tries < 20; ++tries) {
        const double target = rng.uniform() * acc;
        pi = static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), target) - cdf.begin());
        pi = std::min(pi, orderable.size() - 1);
        if (orderable[pi].created_ms < ts) break;
      }
      const auto& vars = orderable[pi].variants;
      std::vector<std::size_t> active;
      for (std::size_t v = 0; v < vars.size(); ++v) {
        if (vars[v].active) active.push_back(v);
      }
      const std::size_t vi = active.empty() ? rng.index(vars.size()) : active[rng.index(active.size())];
      const bool dup = std::any_of(o.items.begin(), o.items.end(),
                                   [&](const OrderItem& it) { return it.product == pi && it.variant == vi; });
      if (dup) continue;
      const double q = rng.uniform();
      o.items.push_back({"", pi, vi, q < 0.75 ? 1 : q < 0.95 ? 2 : 3});
      ts = std::max(ts, orderable[pi].created_ms + kHour);
    }
    ts = std::min(ts, kEpoch - kMinute);
    o.created_ms = ts;

    for (const auto& it : o.items) {
      o.subtotal_cents += orderable[it.product].variants[it.variant].price_cents * it.quantity;
    }
    o.shipping_cents = o.subtotal_cents >= 10000 ? 0 : 1000;  // free from GHS 100, else the flat GHS 10

    // Status: older orders are mostly delivered, recent ones still in flight.
    const std::int64_t age_days = (kEpoch - ts) / kDay;
    const double r = rng.uniform();
    if (age_days > 14) {
      o.status = r < 0.68   ? "delivered"
                 : r < 0.76 ? "shipped"
                 : r < 0.82 ? "processing"
                 : r < 0.87 ? "pending"
                 : r < 0.96 ? "cancelled"
                            : "refunded";
    } else {
      o.status = r < 0.25   ? "delivered"
                 : r < 0.45 ? "shipped"
                 : r < 0.75 ? "processing"
                 : r < 0.9  ? "pending"
                            : "cancelled";
    }
    bool paid = false;
    if (o.status == "delivered" || o.status == "shipped" || o.status == "processing") {
      o.payment_status = "paid";
      paid = true;
    } else if (o.status == "refunded") {
      o.payment_status = "refunded";
      paid = true;
    } else if (o.status == "pending") {
      o.payment_status = rng.chance(0.8) ? "pending" : "failed";
    } else {  // cancelled
      const double c = rng.uniform();
      o.payment_status = c < 0.4 ? "failed" : c < 0.8 ? "pending" : "refunded";
      paid = o.payment_status == "refunded";
      if (o.payment_status == "pending") o.notes = "Automatically cancelled: payment was not completed in time.";
    }
    if (paid || o.payment_status == "failed" || rng.chance(0.6)) o.reference = payment_reference(rng, ts, references);
    if (paid) {
      o.paid_ms = ts + rng.range(1 * kMinute, 30 * kMinute);
      o.payment_method = rng.chance(0.55) ? "card" : "mobile_money";
    }
    if (o.status == "shipped" || o.status == "delivered") {
      char buf[32];
      std::snprintf(buf, sizeof buf, "GH%010lld", static_cast<long long>(rng.range(0, 9999999999LL)));
      o.tracking = std::string(buf);
    }
    if (!o.notes && rng.chance(0.08)) o.notes = "Please call before delivery.";
    const std::int64_t settle = o.status == "delivered" ? rng.range(2 * kDay, 8 * kDay)
                                : o.status == "pending" ? 0
                                                        : rng.range(30 * kMinute, 2 * kDay);
    o.updated_ms = std::min(ts + settle, kEpoch);
    o.number = order_number(rng, ts, numbers);
    o.id = seed_id(ts, IdOf::kOrder, static_cast<std::uint64_t>(j), 0, salt);
    for (std::size_t k = 0; k < o.items.size(); ++k) {
      o.items[k].id = seed_id(ts, IdOf::kItem, static_cast<std::uint64_t>(j), k, salt);
    }

    const City& city = c_.cities[rng.index(c_.cities.size())];
    char gps[64];
    std::snprintf(gps, sizeof gps, "%s-%03lld-%04lld", city.gps_prefix.c_str(),
                  static_cast<long long>(rng.range(1, 999)), static_cast<long long>(rng.range(1, 9999)));
    boost::json::object address{{"name", first + " " + last},
                                {"address", std::to_string(rng.range(1, 120)) + " " + rng.pick(city.streets)},
                                {"city", city.city},
                                {"state", city.region},
                                {"zip_code", gps},
                                {"country", "Ghana"},
                                {"phone", o.phone}};
    o.address_json = boost::json::serialize(address);
    out.push_back(std::move(o));
  }
  return out;
}

void ShopGenerator::renumber(std::vector<Order>& orders, const std::unordered_set<std::string>& taken_numbers,
                             const std::unordered_set<std::string>& taken_references) const {
  if (taken_numbers.empty() && taken_references.empty()) return;
  std::unordered_set<std::string> numbers(taken_numbers), references(taken_references);
  for (const auto& o : orders) {
    numbers.insert(o.number);
    if (o.reference) references.insert(*o.reference);
  }
  Rng rng(Stream::kOrderRetry, 0, static_cast<std::uint64_t>(offset_));
  for (auto& o : orders) {
    if (taken_numbers.count(o.number)) o.number = order_number(rng, o.created_ms, numbers);
    if (o.reference && taken_references.count(*o.reference)) {
      o.reference = payment_reference(rng, o.created_ms, references);
    }
  }
}

std::vector<Banner> ShopGenerator::banners(const std::vector<Category>& categories) const {
  const std::string first_category = categories.empty() ? std::string() : categories.front().slug;
  std::vector<Banner> out;
  for (std::size_t i = 0; i < c_.banners.size(); ++i) {
    const BannerDef& d = c_.banners[i];
    Banner b;
    b.title = d.title;
    b.description = d.description;
    b.image_url = "https://ik.imagekit.io/wighaven/banners/" + d.image + ".jpg";
    // Without categories a category link has nowhere to go: the product list.
    b.link = d.link.find("{first_category}") == std::string::npos ? d.link
             : first_category.empty()                             ? std::string("/products")
                                      : replace_all(d.link, "{first_category}", first_category);
    b.start_ms = day_ms(d.start);
    b.end_ms = day_ms(d.end);
    b.priority = d.priority;
    b.created_ms = std::min(b.start_ms, kEpoch) - 7 * kDay;
    b.id = seed_id(b.created_ms, IdOf::kBanner, i, 0, static_cast<std::uint64_t>(offset_));
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<Setting> ShopGenerator::settings() const {
  std::vector<Setting> out;
  for (std::size_t i = 0; i < c_.settings.size(); ++i) {
    const SettingDef& d = c_.settings[i];
    out.push_back(
        {seed_id(kEpoch, IdOf::kSetting, i, 0, static_cast<std::uint64_t>(offset_)), d.key, d.value, d.description});
  }
  return out;
}

std::vector<Rate> ShopGenerator::rates() const {
  std::vector<Rate> out;
  for (std::size_t i = 0; i < c_.rates.size(); ++i) {
    out.push_back({seed_id(kEpoch, IdOf::kRate, i, 0, static_cast<std::uint64_t>(offset_)), c_.rates[i].currency,
                   c_.rates[i].rate});
  }
  return out;
}

}  // namespace wh::db::demo
