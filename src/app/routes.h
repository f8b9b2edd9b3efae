// The route table: every path the server answers.
#pragma once
#include "app/router.h"

namespace wh::app {

void register_routes(Router& router);

}  // namespace wh::app
