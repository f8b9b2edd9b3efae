// The jobs for admins (the old backend had only POST
// /api/super-admin/jobs/trigger for one job and a mocked GET .../jobs/queue):
//   GET  /api/admin/jobs?runs=N   every job with its schedule, state and its
//                                 N (10, at most 100) latest runs
//   POST /api/admin/jobs/:name/run  asks for a run at the scheduler's next
//                                 look (202), whichever instance holds the
//                                 lease; 404 for an unknown job, 409 for a
//                                 job that is off
// Admins and super admins only.
// The same state and the same run request serve POST
// /api/super-admin/jobs/trigger and GET .../jobs/queue
// (admin/super_admin_ops.h): the callers check the role.
#pragma once
#include <string>

#include "core/task.h"
#include "http/message.h"
#include "web/context.h"
#include "web/router.h"

namespace wh::jobs {

void register_admin_routes(web::Router& router);

// GET /api/admin/jobs's data: {"jobs":[...]} (job_store.h, jobs_json) with
// `runs` recent runs per job.
Task<std::string> jobs_state(web::Context& ctx, int runs);

// Asks for a run of job `name` and records it (admin activity "job.run"):
// the 202 answer; 404 for an unknown job, 409 for a job that is off.
Task<http::Response> request_job_run(web::Context& ctx, const std::string& name);

}  // namespace wh::jobs
