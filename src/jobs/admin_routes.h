// The jobs for admins (the old backend had only POST
// /api/super-admin/jobs/trigger for one job and a mocked GET .../jobs/queue):
//   GET  /api/admin/jobs?runs=N   every job with its schedule, state and its
//                                 N (10, at most 100) latest runs
//   POST /api/admin/jobs/:name/run  asks for a run at the scheduler's next
//                                 look (202), whichever instance holds the
//                                 lease; 404 for an unknown job, 409 for a
//                                 job that is off
// Admins and super admins only.
#pragma once
#include "web/router.h"

namespace wh::jobs {

void register_admin_routes(web::Router& router);

}  // namespace wh::jobs
