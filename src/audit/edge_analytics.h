// The edge's side of the audit: how many API requests Cloudflare answered
// from its cache, per path, over the audit's window, read from Cloudflare's
// GraphQL Analytics API (POST {CLOUDFLARE_API_BASE_URL}/graphql, dataset
// httpRequestsAdaptiveGroups, grouped by method, path and cache status,
// with a token that has Analytics:Read on the zone). Without a token the
// edge hit rate is reported as unknown; a failed call is reported with its
// reason, never as a figure.
#pragma once
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_facts.h"
#include "core/config.h"
#include "core/task.h"

namespace wh::http {
class OutboundClient;
}

namespace wh::audit {

struct EdgeSource {
  std::string api_base_url;  // "https://api.cloudflare.com/client/v4", no trailing '/'
  std::string zone_id;
  std::string token;  // "" = not configured
  bool configured() const { return !token.empty() && !zone_id.empty(); }
};

// CLOUDFLARE_ANALYTICS_TOKEN, CLOUDFLARE_ZONE_ID and CLOUDFLARE_API_BASE_URL.
EdgeSource edge_source(const Config& config);

struct EdgePathCount {
  std::string method;
  std::string path;
  double requests = 0;
  double hits = 0;  // cache status hit, stale, updating or revalidated
};

struct EdgeTraffic {
  bool known = false;
  std::string error;  // why not known ("" when known)
  std::vector<EdgePathCount> paths;
};

// Cloudflare keeps adaptive groups for a limited time: the window asked
// for is the audit's, at most a day.
inline constexpr double kMaxEdgeWindowSeconds = 86400;

// The GraphQL request body for the `window_seconds` before `until`.
std::string edge_query_body(std::string_view zone_id, std::chrono::system_clock::time_point until,
                            double window_seconds);
// Reads a GraphQL answer; an answer with errors or without the dataset is
// not known, with the first error as the reason.
EdgeTraffic parse_edge_traffic(std::string_view body);
// Asks Cloudflare; never throws (a transport failure is an unknown answer).
Task<EdgeTraffic> fetch_edge_traffic(http::OutboundClient& client, const EdgeSource& source, double window_seconds,
                                     std::chrono::milliseconds timeout);

// Whether `path` (no query) is an instance of route `pattern` ("/a/:id").
bool path_matches(std::string_view pattern, std::string_view path);
// Fills facts.edge and each cache's edge_hit_rate from the requests to its
// routes (a path counts for the most specific route it matches, as the
// router picks).
void apply_edge_traffic(AuditFacts& facts, const std::vector<RouteInfo>& routes, const EdgeTraffic& traffic);

}  // namespace wh::audit
