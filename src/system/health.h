// Liveness and readiness: GET /api/health (old shape, with a DB check),
// /healthz (process up) and /readyz (database reachable).
#pragma once
#include "app/router.h"

namespace wh::system {

void register_health_routes(app::Router& router);

}  // namespace wh::system
