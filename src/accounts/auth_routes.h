// /api/auth/*: the old backend's twelve auth routes (reference §1.2) with
// its paths and JSON shapes, and its known bugs fixed (see README).
#pragma once
#include "web/router.h"

namespace wh::accounts {

void register_routes(web::Router& router);

}  // namespace wh::accounts
