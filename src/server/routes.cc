#include "server/routes.h"

#include <memory>

#include "accounts/auth_routes.h"
#include "accounts/authenticate.h"
#include "catalog/admin_bulk_upload.h"
#include "catalog/routes.h"
#include "security/stages.h"
#include "system/health.h"

namespace wh::server {

void register_routes(web::Router& router) {
  system::register_routes(router);
  catalog::register_routes(router);
  catalog::register_bulk_upload(router);
  accounts::register_routes(router);
}

void add_stages(web::Pipeline& pipeline, AppState& state) {
  pipeline.add(std::make_unique<security::ClientIpStage>(state.client_ip));
  pipeline.add(std::make_unique<security::BlockListStage>(state.site));
  pipeline.add(std::make_unique<security::CorsStage>(state.cors));
  pipeline.add(std::make_unique<security::RateLimitStage>(state.general_limit));
  pipeline.add(std::make_unique<accounts::AuthenticationStage>());
  pipeline.add(std::make_unique<security::MaintenanceStage>(state.site));
  pipeline.add(std::make_unique<security::HeadersStage>(state.config.production()));
}

}  // namespace wh::server
