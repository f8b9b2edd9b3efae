#include "app/routes.h"

#include "accounts/auth_routes.h"
#include "catalog/routes.h"
#include "system/health.h"

namespace wh::app {

void register_routes(Router& router) {
  system::register_health_routes(router);
  catalog::register_routes(router);
  accounts::register_auth_routes(router);
}

}  // namespace wh::app
