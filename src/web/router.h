// Method + path-pattern routing. Patterns are literal segments and `:name`
// captures, e.g. "/api/products/:id/variants". Literal segments win over
// captures, so "/api/products/search" is never taken for ":id".
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/task.h"
#include "http/message.h"
#include "web/context.h"

namespace wh::web {

using Handler = std::function<Task<http::Response>(Context&)>;

// How a public GET route is cached as response bytes (see
// cache/response_cache_stage.h). `canonical_query` validates the request's
// query exactly as the handler will (throwing the same 400) and returns it
// normalised: known parameters only, in a fixed order, defaults left out,
// values in one spelling. The handler, run on that canonical query, must
// produce the same response as on the original one; it tags what it read
// with Context::tag. The response must not depend on the caller.
struct CachePlan {
  std::string_view instance;
  std::function<http::HeaderList(const http::Request&)> canonical_query;
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;  // ":name" marks a capture
  int literals = 0;
  Handler handler;
  std::optional<CachePlan> cache;
};

class Router {
 public:
  void add(std::string method, std::string_view pattern, Handler handler, std::optional<CachePlan> cache = {});
  // Finds the route for the request and fills ctx.path_params and ctx.route;
  // nullptr when nothing matches.
  const Route* match(const http::Request& req, Context& ctx) const;
  std::size_t size() const { return routes_.size(); }
  // Every route, most specific first (the order match() tries them in).
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace wh::web
