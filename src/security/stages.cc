#include "security/stages.h"

#include "core/error.h"
#include "security/route_limit.h"

namespace wh::security {

namespace {

bool is_health_path(std::string_view path) {
  return path == "/api/health" || path == "/healthz" || path == "/readyz" || path == "/" || path == "/gateway-health";
}

// The old maintenance body: `error` is a string the frontend tests for.
http::Response maintenance_response() {
  auto res = http::Response::json(
      http::Bytes::literal(
          R"({"success":false,"error":"MAINTENANCE_MODE","message":"System is currently under maintenance. Please try again later.","retryAfter":3600})"),
      503);
  res.set_header("Retry-After", http::Bytes::literal("3600"));
  return res;
}

}  // namespace

std::optional<http::Response> ClientIpStage::on_request(web::Context& ctx) {
  ctx.req.client_ip = resolve_client_ip(ctx.req, policy_);
  if (!policy_.origin_secret.empty() && !is_health_path(ctx.req.path) && !has_origin_secret(ctx.req, policy_)) {
    throw ApiError(403, "ForbiddenError", "Direct access to the origin is not allowed");
  }
  return std::nullopt;
}

std::optional<http::Response> BlockListStage::on_request(web::Context& ctx) {
  if (site_.ip_blocked(ctx.req.client_ip)) throw ApiError(403, "ForbiddenError", "Access denied");
  return std::nullopt;
}

std::optional<http::Response> CorsStage::on_request(web::Context& ctx) {
  auto origin = ctx.req.header("origin");
  if (ctx.req.method == "OPTIONS" && origin && ctx.req.header("access-control-request-method")) {
    if (!cors_.allowed(*origin)) throw ApiError(403, "ForbiddenError", "Origin not allowed");
    return cors_.preflight(*origin);
  }
  return std::nullopt;
}

void CorsStage::on_response(web::Context& ctx, http::Response& res) {
  auto origin = ctx.req.header("origin");
  if (origin && cors_.allowed(*origin) && !res.find_header("Access-Control-Allow-Origin")) {
    cors_.decorate(*origin, res);
  }
}

std::optional<http::Response> RateLimitStage::on_request(web::Context& ctx) {
  if (!general_limit_exempt(ctx.req.path)) {
    enforce_rate_limit(ctx, policy_, ctx.req.client_ip, "Too many requests. Please try again later.");
  }
  return std::nullopt;
}

std::optional<http::Response> MaintenanceStage::on_request(web::Context& ctx) {
  if (site_.maintenance() && !(ctx.auth.principal && ctx.auth.principal->is_admin()) &&
      !maintenance_exempt(ctx.req.path)) {
    return maintenance_response();
  }
  return std::nullopt;
}

void HeadersStage::on_response(web::Context& ctx, http::Response& res) { add_security_headers(res, production_); }

}  // namespace wh::security
