// Turns pending outbox rows (each a list of cache tags, src/cache/tags.h)
// into the fewest Cloudflare purge calls: tags are deduplicated across rows,
// split into calls of at most `max_items`, and each row learns which call
// completes its purge. Pure: no I/O, no clock.
//
// Modes:
// - tags: `{"tags":[...]}`, the tags as they are (Cache-Tag carries them).
// - urls: `{"files":[...]}`, each tag mapped to the public URLs whose
//   responses carry it (tag_urls below). Only URLs without a query string can
//   be named: list pages with parameters (page, sort, filters, currency) and
//   single variants (/api/variants/:id, whose ids the tags do not name) are
//   not purged by URL and age out with their edge TTL. `catalog`, which stands
//   for every catalog response, maps to `{"purge_everything":true}`.
//
// `catalog` covers every catalog tag (products, categories, product:<id>,
// category:<id>), so a batch holding it drops those. When the batch would
// need more calls than `calls_available` (the rate limit is short of tokens)
// and `collapse` is on, its catalog tags are replaced by `catalog` (urls
// mode: purge everything): one call now instead of minutes of stale pages.
//
// Tags that Cloudflare would refuse (empty, longer than 1,024 characters,
// not printable ASCII, spaces or commas) are dropped and reported.
#pragma once
#include <climits>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wh::cdn {

enum class PurgeMode { tags, urls };

struct PlanOptions {
  PurgeMode mode = PurgeMode::tags;
  std::size_t max_items = 100;
  int calls_available = INT_MAX;
  bool collapse = true;
  std::string public_base_url;  // urls mode: "https://api.example.com" (a trailing '/' is ignored)
};

struct PurgeCall {
  std::string body;                // JSON body of POST .../purge_cache
  std::vector<std::string> items;  // the tags or URLs (empty for purge everything)
  bool everything = false;
};

struct PurgePlan {
  std::vector<PurgeCall> calls;
  // Per input row: the index of the last call its purge needs (calls are
  // sent in order, so the row is purged once that call and every earlier one
  // succeeded), or -1 when it needs none (only dropped or unmapped tags).
  std::vector<int> row_needs;
  // Per input row and tag, the same for that one tag: a row cut short by
  // the rate limit keeps only the tags still needing a call.
  std::vector<std::vector<int>> tag_needs;
  std::vector<std::string> invalid;   // dropped tags
  std::vector<std::string> unmapped;  // urls mode: tags naming no URL
  bool collapsed = false;             // catalog tags were replaced by `catalog`
};

PurgePlan plan_purge(const std::vector<std::vector<std::string>>& rows, const PlanOptions& options);

// Whether Cloudflare accepts `tag` in a purge call.
bool valid_tag(std::string_view tag);
// Whether `catalog` covers `tag`.
bool catalog_tag(std::string_view tag);
// urls mode: the public URLs (no query) whose responses carry `tag`; empty
// for `catalog` and for tags that name none.
std::vector<std::string> tag_urls(std::string_view tag, std::string_view base_url);

}  // namespace wh::cdn
