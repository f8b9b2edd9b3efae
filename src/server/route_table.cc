#include "server/route_table.h"

#include <algorithm>
#include <boost/json.hpp>
#include <vector>

namespace wh::server {

std::string routes_json(const web::Router& router) {
  std::vector<const web::Route*> routes;
  for (const auto& r : router.routes()) routes.push_back(&r);
  std::sort(routes.begin(), routes.end(), [](const web::Route* a, const web::Route* b) {
    return a->pattern != b->pattern ? a->pattern < b->pattern : a->method < b->method;
  });
  std::string out = "[";
  for (std::size_t i = 0; i < routes.size(); ++i) {
    const auto& r = *routes[i];
    boost::json::object o;
    o["method"] = r.method;
    o["pattern"] = r.pattern;
    o["public"] = r.cache.has_value();
    if (r.cache) {
      o["cache"] = boost::json::string(r.cache->instance);
    } else {
      o["cache"] = nullptr;
    }
    out += i == 0 ? "\n  " : ",\n  ";
    out += boost::json::serialize(o);
  }
  out += "\n]\n";
  return out;
}

}  // namespace wh::server
