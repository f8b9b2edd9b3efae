#include "app/dispatch.h"

#include <boost/json.hpp>
#include <chrono>

#include "core/error.h"
#include "core/log.h"
#include "db/result.h"

namespace wh::app {
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

http::Response from_api_error(const ApiError& e) {
  json::object err{{"type", e.type()}, {"message", e.what()}};
  if (!e.fields().empty()) {
    json::array fields;
    for (const auto& f : e.fields()) fields.push_back(json::object{{"field", f.field}, {"message", f.message}});
    err["fields"] = std::move(fields);
  }
  auto res = http::Response::json(json::serialize(json::object{{"success", false}, {"error", std::move(err)}}), e.status());
  if (e.retry_after() > 0) res.set_header("Retry-After", std::to_string(e.retry_after()));
  return res;
}

}  // namespace

http::Response error_response(int status, std::string_view type, std::string_view message) {
  return from_api_error(ApiError(status, std::string(type), std::string(message)));
}

Task<http::Response> dispatch(const Router& router, Services& services, http::Request& req) {
  auto t0 = Clock::now();
  Context ctx(req, services);
  http::Response res;
  std::string failure;
  try {
    const Handler* h = router.match(req, ctx);
    if (h == nullptr) {
      throw ApiError(404, "NotFoundError", "Route " + req.method + " " + req.path + " not found");
    }
    res = co_await (*h)(ctx);
  } catch (const ApiError& e) {
    res = from_api_error(e);
  } catch (const db::DbError& e) {
    failure = e.what();
    res = error_response(500, "InternalServerError", "An unexpected error occurred");
  } catch (const std::exception& e) {
    failure = e.what();
    res = error_response(500, "InternalServerError", "An unexpected error occurred");
  }
  if (res.find_header("Cache-Control") == nullptr) res.set_header("Cache-Control", "private, no-store");

  auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
  if (services.config.debug_headers) {
    res.set_header("X-DB-Statements", std::to_string(ctx.stats.statements));
    res.set_header("X-DB-Round-Trips", std::to_string(ctx.stats.round_trips));
    res.set_header("X-DB-Time-Us", std::to_string(ctx.stats.db_us));
  }
  json::object line{{"rid", req.request_id},
                    {"method", req.method},
                    {"path", req.path},
                    {"status", res.status},
                    {"ms", static_cast<double>(us) / 1000.0},
                    {"bytes", res.body.size()},
                    {"ip", req.client_ip},
                    {"db_statements", ctx.stats.statements},
                    {"db_ms", static_cast<double>(ctx.stats.db_us) / 1000.0},
                    {"pool_wait_ms", static_cast<double>(ctx.stats.wait_us) / 1000.0}};
  if (ctx.stats.max_repeat > 3) line["n_plus_one_suspect"] = ctx.stats.max_repeat;
  if (!failure.empty()) {
    line["error"] = failure;
    log::error("request failed", std::move(line));
  } else if (services.config.access_log) {
    log::info("request", std::move(line));
  }
  co_return res;
}

}  // namespace wh::app
