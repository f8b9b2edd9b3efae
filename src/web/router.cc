#include "web/router.h"

#include <algorithm>

namespace wh::web {

void Router::add(std::string method, std::string_view pattern, Handler handler, std::optional<CachePlan> cache) {
  Route r{std::move(method), std::string(pattern), {}, 0, std::move(handler), std::move(cache)};
  std::size_t i = 0;
  while (i < pattern.size()) {
    while (i < pattern.size() && pattern[i] == '/') ++i;
    std::size_t j = pattern.find('/', i);
    if (j == std::string_view::npos) j = pattern.size();
    if (j > i) {
      r.segments.emplace_back(pattern.substr(i, j - i));
      if (r.segments.back()[0] != ':') ++r.literals;
    }
    i = j;
  }
  routes_.push_back(std::move(r));
  // Most specific first: more literal segments win.
  std::stable_sort(routes_.begin(), routes_.end(),
                   [](const Route& a, const Route& b) { return a.literals > b.literals; });
}

const Route* Router::match(const http::Request& req, Context& ctx) const {
  const auto& segs = req.segments;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    bool method_ok = r.method == req.method || (req.method == "HEAD" && r.method == "GET");
    if (!method_ok) continue;
    bool ok = true;
    for (std::size_t i = 0; i < segs.size() && ok; ++i) {
      const auto& p = r.segments[i];
      if (p[0] != ':') ok = p == segs[i];
    }
    if (!ok) continue;
    ctx.path_params.clear();
    for (std::size_t i = 0; i < segs.size(); ++i) {
      if (r.segments[i][0] == ':') ctx.path_params.emplace_back(r.segments[i].substr(1), segs[i]);
    }
    ctx.route = &r;
    return &r;
  }
  return nullptr;
}

}  // namespace wh::web
