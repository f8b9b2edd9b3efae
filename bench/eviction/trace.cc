#include "trace.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <random>

namespace wh::bench {

namespace {

// Uniform in [0, 1) from 53 random bits: the same on every platform.
double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// Picks an index by weight (cumulative weights, the last one the total).
std::size_t pick(const std::vector<double>& cdf, std::mt19937_64& rng) {
  const double u = uniform(rng) * cdf.back();
  const auto i = static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
  return std::min(i, cdf.size() - 1);  // u may round up to the total
}

std::vector<double> cumulative(const std::vector<double>& weights) {
  std::vector<double> cdf(weights.size());
  double sum = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) cdf[i] = sum += weights[i];
  return cdf;
}

// P(rank k) ~ 1 / k^s, k = 1..n.
std::vector<double> zipf_cdf(std::size_t n, double s) {
  std::vector<double> w(n);
  for (std::size_t k = 0; k < n; ++k) w[k] = 1.0 / std::pow(static_cast<double>(k + 1), s);
  return cumulative(w);
}

// A stable pseudo-random number for a key's size (splitmix64).
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// What a stored response costs ByteCache besides its body: the key twice,
// content type, ETag, tags and the fixed per-entry overhead.
std::size_t charge_of(const std::string& url, std::size_t body, std::size_t tags) {
  return body + 2 * url.size() + 31 + 34 + 160 + tags * 60;
}

// The filters a shopper combines with a listing, with their share of list
// views and the share of products they keep.
struct Filter {
  const char* query;
  double views;
  double keeps;
};
constexpr std::array<Filter, 5> kFilters{{
    {"", 0.70, 1.00},
    {"&inStock=true", 0.15, 0.80},
    {"&maxPrice=50", 0.05, 0.35},
    {"&minPrice=50&maxPrice=150", 0.06, 0.40},
    {"&minPrice=150", 0.04, 0.25},
}};
struct Sort {
  const char* name;
  double views;
};
constexpr std::array<Sort, 4> kSorts{{{"newest", 0.60}, {"popular", 0.20}, {"price_asc", 0.12}, {"price_desc", 0.08}}};

class Builder {
 public:
  explicit Builder(const TraceModel& m) : m_(m), rng_(m.seed) {}

  Trace build() {
    add_tags();
    add_lists();
    add_details();
    add_events();
    return std::move(t_);
  }

 private:
  std::uint32_t tag(const std::string& name) {
    t_.tags.push_back(name);
    return static_cast<std::uint32_t>(t_.tags.size() - 1);
  }

  void add_tags() {
    products_tag_ = tag("products");
    categories_tag_ = tag("categories");
    for (std::size_t c = 0; c < m_.categories; ++c) tag("category:" + std::to_string(c));
    for (std::size_t p = 0; p < m_.products; ++p) tag("product:" + std::to_string(p));
  }
  std::uint32_t category_tag(std::size_t c) const { return static_cast<std::uint32_t>(2 + c); }
  std::uint32_t product_tag(std::size_t p) const { return static_cast<std::uint32_t>(2 + m_.categories + p); }

  void add_key(std::string url, std::size_t body, Instance instance, std::vector<std::uint32_t> tags) {
    Key k;
    k.charge = charge_of(url, body, tags.size());
    k.url = std::move(url);
    k.instance = instance;
    k.tags = std::move(tags);
    (instance == Instance::kLists ? t_.list_bytes : t_.detail_bytes) += k.charge;
    t_.keys.push_back(std::move(k));
  }

  // Listing l = 0 is every product, l = 1 + c category c: products are spread
  // evenly over the categories.
  std::size_t listing_products(std::size_t l) const {
    return l == 0 ? m_.products : (m_.products + m_.categories - 1 - (l - 1)) / m_.categories;
  }

  void add_lists() {
    const std::size_t listings = 1 + m_.categories;
    first_.assign(listings * kFilters.size() * kSorts.size(), 0);
    pages_.assign(first_.size(), 0);
    for (std::size_t l = 0; l < listings; ++l) {
      const std::string category = l == 0 ? "" : "category=cat-" + std::to_string(l - 1) + "&";
      for (std::size_t f = 0; f < kFilters.size(); ++f) {
        const auto count = static_cast<std::size_t>(std::lround(kFilters[f].keeps * listing_products(l)));
        const std::size_t pages = std::max<std::size_t>(1, (count + m_.page_size - 1) / m_.page_size);
        for (std::size_t s = 0; s < kSorts.size(); ++s) {
          const std::size_t slot = (l * kFilters.size() + f) * kSorts.size() + s;
          first_[slot] = t_.keys.size();
          pages_[slot] = pages;
          for (std::size_t page = 1; page <= pages; ++page) {
            const std::size_t items = std::min(m_.page_size, count - std::min(count, (page - 1) * m_.page_size));
            // 1.0-2.9 KB per product card, per page: 20-60 KB for a full page.
            const std::size_t per_item = 1000 + mix(t_.keys.size()) % 1900;
            std::string url = "/api/products?" + category + "sort=" + kSorts[s].name + "&page=" + std::to_string(page) +
                              "&limit=" + std::to_string(m_.page_size) + kFilters[f].query;
            add_key(std::move(url), 600 + items * per_item, Instance::kLists, {products_tag_, categories_tag_});
          }
        }
      }
    }
    t_.list_keys = t_.keys.size();
  }

  void add_details() {
    for (std::size_t p = 0; p < m_.products; ++p) {
      const std::size_t body = 3000 + mix(1'000'000 + p) % 5000;  // 3-8 KB
      const std::size_t category = p % m_.categories;
      add_key("/api/products/prod-" + std::to_string(p), body, Instance::kDetail,
              {product_tag(p), category_tag(category)});
    }
  }

  std::uint32_t shopper_request() {
    if (uniform(rng_) >= m_.list_share) {
      return static_cast<std::uint32_t>(t_.list_keys + popular_product());
    }
    const std::size_t l = uniform(rng_) < m_.all_share ? 0 : 1 + pick(category_cdf_, rng_);
    const std::size_t f = pick(filter_cdf_, rng_);
    const std::size_t s = pick(sort_cdf_, rng_);
    const std::size_t slot = (l * kFilters.size() + f) * kSorts.size() + s;
    auto& cdf = page_cdfs_[pages_[slot]];
    if (cdf.empty()) cdf = zipf_cdf(pages_[slot], m_.page_zipf);
    return static_cast<std::uint32_t>(first_[slot] + pick(cdf, rng_));
  }

  std::size_t popular_product() { return product_by_rank_[pick(product_cdf_, rng_)]; }

  void invalidate(std::uint32_t tag) { t_.events.push_back(Event{Event::Kind::kInvalidate, false, tag}); }

  void add_events() {
    std::vector<double> filter_w, sort_w;
    for (const auto& f : kFilters) filter_w.push_back(f.views);
    for (const auto& s : kSorts) sort_w.push_back(s.views);
    filter_cdf_ = cumulative(filter_w);
    sort_cdf_ = cumulative(sort_w);
    category_cdf_ = zipf_cdf(m_.categories, m_.category_zipf);
    product_cdf_ = zipf_cdf(m_.products, m_.product_zipf);
    product_by_rank_.resize(m_.products);
    for (std::size_t p = 0; p < m_.products; ++p) product_by_rank_[p] = p;
    for (std::size_t i = m_.products; i > 1; --i) std::swap(product_by_rank_[i - 1], product_by_rank_[rng_() % i]);

    const bool crawl = m_.scan_at >= 0;
    const auto scan_from = static_cast<std::size_t>(std::max(0.0, m_.scan_at) * static_cast<double>(m_.requests));
    std::size_t crawled = 0;
    for (std::size_t i = 0; i < m_.requests; ++i) {
      if (crawl && i >= scan_from && crawled < t_.keys.size() && (i - scan_from) % m_.scan_every == 0) {
        if (crawled == 0) t_.scan_begin = t_.events.size();
        t_.events.push_back(Event{Event::Kind::kRequest, true, static_cast<std::uint32_t>(crawled++)});
        if (crawled == t_.keys.size()) t_.scan_end = t_.events.size();
      }
      t_.events.push_back(Event{Event::Kind::kRequest, false, shopper_request()});
      if (m_.product_write_every != 0 && (i + 1) % m_.product_write_every == 0) {
        invalidate(products_tag_);
        invalidate(product_tag(popular_product()));
      }
      if (m_.category_write_every != 0 && (i + 1) % m_.category_write_every == 0) {
        invalidate(categories_tag_);
        invalidate(products_tag_);
        invalidate(category_tag(pick(category_cdf_, rng_)));
      }
    }
    if (crawled > 0 && t_.scan_end == 0) t_.scan_end = t_.events.size();  // the trace ended mid-crawl
    t_.keys_by_tag.assign(t_.tags.size(), {});
    for (std::size_t k = 0; k < t_.keys.size(); ++k) {
      for (auto tag : t_.keys[k].tags) t_.keys_by_tag[tag].push_back(static_cast<std::uint32_t>(k));
    }
  }

  const TraceModel& m_;
  std::mt19937_64 rng_;
  Trace t_;
  std::uint32_t products_tag_ = 0;
  std::uint32_t categories_tag_ = 0;
  std::vector<std::size_t> first_;  // per (listing, filter, sort): its page 1 key
  std::vector<std::size_t> pages_;
  std::map<std::size_t, std::vector<double>> page_cdfs_;  // by page count
  std::vector<double> filter_cdf_, sort_cdf_, category_cdf_, product_cdf_;
  std::vector<std::size_t> product_by_rank_;
};

}  // namespace

Trace make_trace(const TraceModel& model) { return Builder(model).build(); }

}  // namespace wh::bench
