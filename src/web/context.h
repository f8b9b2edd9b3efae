// Everything one request's handler can reach: the parsed request, the path
// parameters, the process services, the caller's identity and a database
// handle that counts the request's statements.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/db.h"
#include "http/message.h"
#include "web/identity.h"
#include "web/services.h"

namespace wh::web {

struct Route;

// The outcome of checking the request's credentials (if any).
struct AuthOutcome {
  bool token_present = false;
  std::string token;
  std::shared_ptr<const Identity> principal;  // set when the token is valid
  std::string failure;                        // 401 message when it is not
  std::int64_t expires_at = 0;                // the token's exp
};

struct Context {
  Context(http::Request& r, Services& s) : req(r), services(s) {}

  http::Request& req;  // stages before the route may refine it (client_ip)
  Services& services;
  std::vector<std::pair<std::string, std::string>> path_params;
  db::QueryStats stats;
  AuthOutcome auth;
  std::vector<http::Header> extra_headers;  // added to whatever response is sent
  const Route* route = nullptr;             // set once the router matched
  // What the response was built from (cache/tags.h), for the caches and the
  // edge: every tag whose change could alter it.
  std::vector<std::string> cache_tags;

  void tag(std::string t) { cache_tags.push_back(std::move(t)); }
  void tag(std::string_view t) { cache_tags.emplace_back(t); }

  db::Db db() { return db::Db(*services.pool, &stats); }
  const Config& config() const { return services.config; }
  template <typename T>
  T& get() const {
    return services.get<T>();
  }
  // Sets a header on whatever response goes out (replacing an earlier one).
  void add_header(http::HeaderName name, http::Bytes value) {
    for (auto& h : extra_headers) {
      if (h.name.view() == name.view()) {
        h.value = std::move(value);
        return;
      }
    }
    extra_headers.push_back(http::Header{name, std::move(value)});
  }
  // The value of `:name` in the matched route pattern ("" when absent).
  std::string_view param(std::string_view name) const {
    for (const auto& [k, v] : path_params) {
      if (k == name) return v;
    }
    return {};
  }
};

}  // namespace wh::web
