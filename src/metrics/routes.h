// GET /metrics: the Prometheus text format, for `Authorization: Bearer
// <METRICS_TOKEN>` or a request from loopback (socket peer and client IP
// both loopback); otherwise 401 (a token is configured: present the right
// one) or 403 (none is: loopback only). Never cached.
//
// GET /api/admin/dashboard/cache-stats (admin, super_admin): the old
// dashboard's cache statistics as totals over every cache instance, plus
// each instance in `instances`.
#pragma once
#include "web/router.h"

namespace wh::metrics {

void register_routes(web::Router& router);

}  // namespace wh::metrics
