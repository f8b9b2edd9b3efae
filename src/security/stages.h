// The security stages of the request pipeline, in the order the composition
// root adds them: client IP (and the origin secret) → block list → CORS →
// general rate limit → [authentication] → maintenance → [route] → headers.
#pragma once
#include "security/client_ip.h"
#include "security/http_policy.h"
#include "security/rate_limiter.h"
#include "security/site_state.h"
#include "web/stage.h"

namespace wh::security {

// Resolves the real client address (trusted proxies or the origin secret)
// and, when ORIGIN_SECRET is set, refuses requests that bypassed the edge.
class ClientIpStage final : public web::Stage {
 public:
  explicit ClientIpStage(const ClientIpPolicy& policy) : policy_(policy) {}
  std::string_view name() const override { return "client-ip"; }
  std::optional<http::Response> on_request(web::Context& ctx) override;

 private:
  const ClientIpPolicy& policy_;
};

// 403 for addresses in `blocked_ips`.
class BlockListStage final : public web::Stage {
 public:
  explicit BlockListStage(const SiteState& site) : site_(site) {}
  std::string_view name() const override { return "block-list"; }
  std::optional<http::Response> on_request(web::Context& ctx) override;

 private:
  const SiteState& site_;
};

// Answers preflights; adds the CORS headers for allowed origins.
class CorsStage final : public web::Stage {
 public:
  explicit CorsStage(const CorsPolicy& cors) : cors_(cors) {}
  std::string_view name() const override { return "cors"; }
  std::optional<http::Response> on_request(web::Context& ctx) override;
  void on_response(web::Context& ctx, http::Response& res) override;

 private:
  const CorsPolicy& cors_;
};

// The general per-IP limit (RATE_LIMIT_MAX_REQUESTS per 15 minutes).
class RateLimitStage final : public web::Stage {
 public:
  explicit RateLimitStage(RatePolicy policy) : policy_(std::move(policy)) {}
  std::string_view name() const override { return "rate-limit"; }
  std::optional<http::Response> on_request(web::Context& ctx) override;

 private:
  RatePolicy policy_;
};

// While maintenance mode is on, only admins and the allow-listed paths pass.
// Runs after authentication, which tells who is an admin.
class MaintenanceStage final : public web::Stage {
 public:
  explicit MaintenanceStage(const SiteState& site) : site_(site) {}
  std::string_view name() const override { return "maintenance"; }
  std::optional<http::Response> on_request(web::Context& ctx) override;

 private:
  const SiteState& site_;
};

// Security headers on every response (the caching headers are
// cache/edge_headers.h's).
class HeadersStage final : public web::Stage {
 public:
  explicit HeadersStage(bool production) : production_(production) {}
  std::string_view name() const override { return "headers"; }
  void on_response(web::Context& ctx, http::Response& res) override;

 private:
  bool production_;
};

}  // namespace wh::security
