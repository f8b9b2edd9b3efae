#include "jobs/admin_routes.h"

#include "accounts/authenticate.h"
#include "admin/activity_log.h"
#include "jobs/job_store.h"
#include "jobs/scheduler.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::jobs {

namespace {

Task<http::Response> list(web::Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  web::QueryReader q(ctx.req);
  const int runs = q.integer("runs", 10, 100);
  auto data = co_await jobs_state(ctx, runs);
  co_return web::ok_data(data);
}

Task<http::Response> run_now(web::Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  const std::string name(ctx.param("name"));
  co_return co_await request_job_run(ctx, name);
}

}  // namespace

Task<std::string> jobs_state(web::Context& ctx, int runs) {
  auto& scheduler = ctx.get<Scheduler>();
  auto db = ctx.db();
  co_return co_await jobs_json(db, scheduler.jobs(), runs);
}

Task<http::Response> request_job_run(web::Context& ctx, const std::string& name) {
  auto& scheduler = ctx.get<Scheduler>();
  const JobSpec* spec = scheduler.find(name);
  if (spec == nullptr) web::throw_not_found("Job not found");
  if (!spec->enabled()) throw ApiError(409, "ConflictError", "This job is off (" + env_prefix(name) + "INTERVAL_S=0)");
  std::vector<JobSpec> one{*spec};
  auto db = ctx.db();
  co_await ensure_jobs(db, one);
  const auto activity = admin::activity_param(ctx, {"job.run", "job", {}});
  co_await request_run(db, name, activity);
  scheduler.wake();
  co_return web::ok_data_message(R"({"job":")" + name + R"(","requested":true})",
                                 "The job runs at the scheduler's next look", 202);
}

void register_admin_routes(web::Router& router) {
  router.add("GET", "/api/admin/jobs", list);
  router.add("POST", "/api/admin/jobs/:name/run", run_now);
}

}  // namespace wh::jobs
