// A deterministic, synthetic trace of the storefront's cacheable catalog
// reads, for comparing eviction policies (docs/caching-eviction.md explains
// the model and its numbers).
//
// - Product lists: every (category or all) x filter x sort x page, as the
//   product_lists instance keys them; popularity is skewed at every level
//   (all products and the first categories, no filter, the default sort and,
//   above all, the first pages are much hotter); 20-60 KB each.
// - Product details: `products` products, Zipf popularity over a shuffled
//   order; 3-8 KB each; the product_detail instance.
// - A crawler walks every list page and every product once, as every
//   `scan_every`-th request from `scan_at` of the trace on.
// - Writes invalidate by tag as the server does: a product write (an admin
//   edit or a stock change) flushes `products` (every list) and that
//   product; a category write flushes `categories`, `products` and the
//   category.
// The same model and seed always give the same trace: the generator uses only
// std::mt19937_64 and its own distributions.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace wh::bench {

struct TraceModel {
  std::uint64_t seed = 7;
  std::size_t requests = 2'000'000;  // besides the crawler's
  std::size_t products = 10'000;
  std::size_t categories = 12;
  std::size_t page_size = 20;
  double list_share = 0.45;                    // of shopper requests
  double all_share = 0.40;                     // of list requests: no category
  double category_zipf = 1.0;                  // category popularity
  double page_zipf = 1.6;                      // page number popularity: page 1 ~half of a listing's views
  double product_zipf = 1.0;                   // product detail popularity
  double scan_at = 0.5;                        // where the crawler starts (share of the trace); < 0: no crawler
  std::size_t scan_every = 2;                  // while crawling, every n-th request is the crawler's
  std::size_t product_write_every = 10'000;    // shopper requests between product writes; 0: none
  std::size_t category_write_every = 250'000;  // 0: none
};

enum class Instance : std::uint8_t { kLists, kDetail };

struct Key {
  std::string url;
  std::size_t charge = 0;  // as ByteCache charges it: body, key twice, headers, overhead
  Instance instance = Instance::kLists;
  std::vector<std::uint32_t> tags;
};

struct Event {
  enum class Kind : std::uint8_t { kRequest, kInvalidate };
  Kind kind = Kind::kRequest;
  bool crawler = false;
  std::uint32_t id = 0;  // a key (request) or a tag (invalidation)
};

struct Trace {
  std::vector<Key> keys;
  std::vector<std::string> tags;
  std::vector<std::vector<std::uint32_t>> keys_by_tag;
  std::vector<Event> events;
  std::size_t scan_begin = 0;  // events [scan_begin, scan_end) hold the crawl
  std::size_t scan_end = 0;
  std::size_t list_keys = 0;
  std::size_t list_bytes = 0;  // working sets: every key's charge, by instance
  std::size_t detail_bytes = 0;
};

Trace make_trace(const TraceModel& model);

}  // namespace wh::bench
