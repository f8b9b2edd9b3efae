// Method + path-pattern routing. Patterns are literal segments and `:name`
// captures, e.g. "/api/products/:id/variants". Literal segments win over
// captures, so "/api/products/search" is never taken for ":id".
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/task.h"
#include "http/message.h"
#include "web/context.h"

namespace wh::web {

using Handler = std::function<Task<http::Response>(Context&)>;

class Router {
 public:
  void add(std::string method, std::string_view pattern, Handler handler);
  // Finds the handler for the request and fills ctx.path_params; nullptr
  // when nothing matches.
  const Handler* match(const http::Request& req, Context& ctx) const;
  std::size_t size() const { return routes_.size(); }

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // ":name" marks a capture
    int literals = 0;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace wh::web
