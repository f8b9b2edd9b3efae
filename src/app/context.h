// Everything one request's handler can reach: the parsed request, the path
// parameters, the process services and a database handle that counts the
// request's statements.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/services.h"
#include "db/db.h"
#include "http/message.h"

namespace wh::app {

struct Context {
  Context(const http::Request& r, Services& s) : req(r), services(s) {}

  const http::Request& req;
  Services& services;
  std::vector<std::pair<std::string, std::string>> path_params;
  db::QueryStats stats;

  db::Db db() { return db::Db(*services.pool, &stats); }
  const Config& config() const { return services.config; }
  // The value of `:name` in the matched route pattern ("" when absent).
  std::string_view param(std::string_view name) const {
    for (const auto& [k, v] : path_params) {
      if (k == name) return v;
    }
    return {};
  }
};

}  // namespace wh::app
