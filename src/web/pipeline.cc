#include "web/pipeline.h"

#include <boost/json.hpp>
#include <chrono>

#include "core/error.h"
#include "core/log.h"
#include "metrics/http_metrics.h"
#include "web/respond.h"

namespace wh::web {
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

void log_request(const Services& services, const Context& ctx, const http::Response& res, Clock::duration elapsed,
                 const std::string& failure) {
  if (failure.empty() && !services.config.access_log) return;
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  const auto& req = ctx.req;
  // Written straight into its text (log::Line): one per request.
  log::Line line(failure.empty() ? log::Level::info : log::Level::error,
                 failure.empty() ? "request" : "request failed");
  line.str("rid", req.request_id)
      .str("method", req.method)
      .str("path", req.path)
      .num("status", static_cast<long long>(res.status))
      .num("ms", static_cast<double>(us) / 1000.0)
      .num("bytes", static_cast<long long>(res.body.size()))
      .str("ip", req.client_ip)
      .num("db_statements", static_cast<long long>(ctx.stats.statements))
      .num("db_ms", static_cast<double>(ctx.stats.db_us) / 1000.0)
      .num("pool_wait_ms", static_cast<double>(ctx.stats.wait_us) / 1000.0);
  if (ctx.route != nullptr) line.str("route", ctx.route->pattern);
  if (ctx.auth.principal) line.str("user", ctx.auth.principal->id);
  if (ctx.stats.max_repeat > 3) line.num("n_plus_one_suspect", static_cast<long long>(ctx.stats.max_repeat));
  if (!failure.empty()) line.str("error", failure);
  line.write();
}

}  // namespace

Task<http::Response> Pipeline::run(Context& ctx) const {
  for (const auto& stage : stages_) {
    std::optional<http::Response> early;
    if (stage->waits()) {
      early = co_await stage->on_request_async(ctx);
    } else {
      early = stage->on_request(ctx);
    }
    if (early) co_return std::move(*early);
  }
  // A stage may have matched already (the response cache).
  const Route* route = ctx.route != nullptr ? ctx.route : router_.match(ctx.req, ctx);
  if (route == nullptr) {
    throw ApiError(404, "NotFoundError", "Route " + ctx.req.method + " " + ctx.req.path + " not found");
  }
  co_return co_await route->handler(ctx);
}

Task<http::Response> Pipeline::handle(http::Request& req) const {
  auto t0 = Clock::now();
  Context ctx(req, services_);
  http::Response res;
  std::string failure;
  try {
    res = co_await run(ctx);
  } catch (const ApiError& e) {
    res = error_response(e);
  } catch (const db::DbError& e) {
    failure = e.what();
    // 57014: the server cancelled the statement at statement_timeout. Under
    // overload any statement can get there; the client did nothing wrong
    // and may retry: 503 with Retry-After (still logged as a failure).
    res =
        error_response(e.sqlstate() == "57014" ? ApiError::unavailable("The database is busy; please retry")
                                               : ApiError(500, "InternalServerError", "An unexpected error occurred"));
  } catch (const std::exception& e) {
    // A bug or a database error: logged, never shown to the client.
    failure = e.what();
    res = error_response(ApiError(500, "InternalServerError", "An unexpected error occurred"));
  }
  // The stages add about a dozen headers: one allocation instead of the
  // vector's doublings.
  res.headers.reserve(res.headers.size() + 16);
  // The handler's extra headers first: the stages' on_response have the last word.
  for (auto& h : ctx.extra_headers) res.set_header(h.name, std::move(h.value));
  for (auto it = stages_.rbegin(); it != stages_.rend(); ++it) (*it)->on_response(ctx, res);
  if (services_.config.debug_headers) {
    res.set_header("X-DB-Statements", std::to_string(ctx.stats.statements));
    res.set_header("X-DB-Round-Trips", std::to_string(ctx.stats.round_trips));
    res.set_header("X-DB-Time-Us", std::to_string(ctx.stats.db_us));
  }
  const auto elapsed = Clock::now() - t0;
  if (metrics_ != nullptr && ctx.route == nullptr) {
    // Answered by a stage before routing (rate limit, block list, CORS
    // preflight, maintenance): count it under the route it would have taken.
    router_.match(ctx.req, ctx);
  }
  log_request(services_, ctx, res, elapsed, failure);
  if (metrics_ != nullptr) {
    metrics_->record(req.method, ctx.route != nullptr ? std::string_view(ctx.route->pattern) : std::string_view(),
                     res.status, std::chrono::duration<double>(elapsed).count(), ctx.stats.statements,
                     ctx.stats.max_repeat > 3);
  }
  co_return res;
}

}  // namespace wh::web
