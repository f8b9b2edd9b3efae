// The route table and the stage chain: every path the server answers and
// every step a request passes before its handler.
#pragma once
#include "server/app_state.h"
#include "web/pipeline.h"
#include "web/router.h"

namespace wh::server {

void register_routes(web::Router& router);

// client IP → block list → CORS → rate limit → authentication → maintenance
// → (route) → headers.
void add_stages(web::Pipeline& pipeline, const web::Router& router, AppState& state);

}  // namespace wh::server
