#include "audit/edge_analytics.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "http/client.h"

namespace wh::audit {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxAnswerBytes = 4 * 1024 * 1024;

constexpr const char* kQuery =
    "query EdgeCache($zoneTag: string, $since: Time, $until: Time) { viewer { zones(filter: {zoneTag: $zoneTag}) {"
    " httpRequestsAdaptiveGroups(limit: 5000, orderBy: [count_DESC], filter: {datetime_geq: $since,"
    " datetime_lt: $until, clientRequestPath_like: \"/api/%\"}) { count dimensions { clientRequestHTTPMethodName"
    " clientRequestPath cacheStatus } } } } }";

// Cache statuses that mean the edge answered from its cache.
bool edge_hit(std::string_view status) {
  return status == "hit" || status == "stale" || status == "updating" || status == "revalidated";
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::floor<std::chrono::seconds>(t));
}

const json::value* at_path(const json::value& v, std::initializer_list<std::string_view> keys) {
  const json::value* cur = &v;
  for (auto k : keys) {
    if (!cur->is_object()) return nullptr;
    cur = cur->as_object().if_contains(k);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

std::string string_at(const json::value& v, std::string_view key) {
  const auto* s = v.is_object() ? v.as_object().if_contains(key) : nullptr;
  return s != nullptr && s->is_string() ? std::string(s->as_string()) : std::string();
}

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

int literal_count(std::string_view pattern) {
  int n = 0;
  for (auto s : segments(pattern)) n += s.front() != ':';
  return n;
}

}  // namespace

EdgeSource edge_source(const Config& config) {
  return {config.cloudflare_api_base_url, config.cloudflare_zone_id, config.cloudflare_analytics_token};
}

std::string edge_query_body(std::string_view zone_id, std::chrono::system_clock::time_point until,
                            double window_seconds) {
  double window = std::clamp(window_seconds, 60.0, kMaxEdgeWindowSeconds);
  auto since = until - std::chrono::seconds(static_cast<long long>(window));
  json::object variables{{"zoneTag", zone_id}, {"since", rfc3339(since)}, {"until", rfc3339(until)}};
  return json::serialize(json::object{{"query", kQuery}, {"variables", std::move(variables)}});
}

EdgeTraffic parse_edge_traffic(std::string_view body) {
  EdgeTraffic out;
  boost::system::error_code ec;
  auto doc = json::parse(body, ec);
  if (ec || !doc.is_object()) {
    out.error = "the answer is not JSON";
    return out;
  }
  if (const auto* errors = doc.as_object().if_contains("errors");
      errors != nullptr && errors->is_array() && !errors->as_array().empty()) {
    std::string message = string_at(errors->as_array().front(), "message");
    out.error = "Cloudflare: " + (message.empty() ? std::string("an error without a message") : message);
    return out;
  }
  const auto* zones = at_path(doc, {"data", "viewer", "zones"});
  if (zones == nullptr || !zones->is_array() || zones->as_array().empty()) {
    out.error = "the answer has no zone (is the zone id right and the token allowed to read its analytics?)";
    return out;
  }
  const auto* groups = at_path(zones->as_array().front(), {"httpRequestsAdaptiveGroups"});
  if (groups == nullptr || !groups->is_array()) {
    out.error = "the answer has no httpRequestsAdaptiveGroups";
    return out;
  }
  std::map<std::pair<std::string, std::string>, EdgePathCount> by_path;
  for (const auto& g : groups->as_array()) {
    const auto* count = at_path(g, {"count"});
    const auto* dims = at_path(g, {"dimensions"});
    if (count == nullptr || !count->is_number() || dims == nullptr) continue;
    std::string path = string_at(*dims, "clientRequestPath");
    std::string method = string_at(*dims, "clientRequestHTTPMethodName");
    if (path.empty()) continue;
    auto& p = by_path[{method, path}];
    p.method = method;
    p.path = path;
    double n = count->to_number<double>();
    p.requests += n;
    if (edge_hit(string_at(*dims, "cacheStatus"))) p.hits += n;
  }
  out.known = true;
  for (auto& [_, p] : by_path) out.paths.push_back(std::move(p));
  return out;
}

Task<EdgeTraffic> fetch_edge_traffic(http::OutboundClient& client, const EdgeSource& source, double window_seconds,
                                     std::chrono::milliseconds timeout) {
  http::OutboundRequest req;
  req.method = "POST";
  req.url = source.api_base_url + "/graphql";
  req.headers.emplace_back("Authorization", "Bearer " + source.token);
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = edge_query_body(source.zone_id, std::chrono::system_clock::now(), window_seconds);
  req.timeout = timeout;
  req.max_body_bytes = kMaxAnswerBytes;
  EdgeTraffic out;
  http::OutboundResponse res;
  try {
    res = co_await client.send(std::move(req));
  } catch (const std::exception& e) {
    out.error = std::string("no answer from Cloudflare: ") + e.what();
    co_return out;
  }
  if (res.status < 200 || res.status > 299) {
    out = parse_edge_traffic(res.body);
    out.known = false;
    out.error = fmt::format("Cloudflare answered {}{}", res.status, out.error.empty() ? "" : " (" + out.error + ")");
    co_return out;
  }
  co_return parse_edge_traffic(res.body);
}

bool path_matches(std::string_view pattern, std::string_view path) {
  auto want = segments(pattern);
  auto got = segments(path);
  if (want.size() != got.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].front() != ':' && want[i] != got[i]) return false;
  }
  return true;
}

void apply_edge_traffic(AuditFacts& facts, const std::vector<RouteInfo>& routes, const EdgeTraffic& traffic) {
  facts.edge.configured = true;
  facts.edge.known = traffic.known;
  facts.edge.error = traffic.error;
  if (!traffic.known) return;
  std::map<std::string, std::pair<double, double>> by_cache;  // requests, hits
  for (const auto& p : traffic.paths) {
    facts.edge.requests += p.requests;
    facts.edge.hits += p.hits;
    const RouteInfo* best = nullptr;
    for (const auto& r : routes) {
      bool method_ok = p.method.empty() || r.method == p.method || (p.method == "HEAD" && r.method == "GET");
      if (!method_ok || !path_matches(r.pattern, p.path)) continue;
      if (best == nullptr || literal_count(r.pattern) > literal_count(best->pattern)) best = &r;
    }
    if (best == nullptr || best->cache.empty()) continue;
    auto& c = by_cache[best->cache];
    c.first += p.requests;
    c.second += p.hits;
  }
  for (auto& cache : facts.caches) {
    auto it = by_cache.find(cache.name);
    if (it != by_cache.end() && it->second.first > 0) cache.edge_hit_rate = it->second.second / it->second.first;
  }
}

}  // namespace wh::audit
