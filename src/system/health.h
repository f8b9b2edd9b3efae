// Liveness and readiness: GET /api/health (old shape, with a DB check),
// /healthz (process up) and /readyz (database reachable).
#pragma once
#include "web/router.h"

namespace wh::system {

void register_routes(web::Router& router);

}  // namespace wh::system
