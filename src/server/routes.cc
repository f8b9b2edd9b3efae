#include "server/routes.h"

#include <memory>

#include "accounts/auth_routes.h"
#include "accounts/authenticate.h"
#include "accounts/profile.h"
#include "admin/admin_ops.h"
#include "admin/admin_users.h"
#include "admin/dashboard.h"
#include "admin/email_admin.h"
#include "admin/super_admin_ops.h"
#include "admin/super_admin_site.h"
#include "admin/super_admin_users.h"
#include "audit/audit_route.h"
#include "cache/edge_headers.h"
#include "cache/response_cache_stage.h"
#include "catalog/admin_bulk_upload.h"
#include "catalog/admin_categories.h"
#include "catalog/admin_routes.h"
#include "catalog/routes.h"
#include "commerce/addresses.h"
#include "commerce/cart_routes.h"
#include "commerce/discounts.h"
#include "commerce/stock_alerts.h"
#include "commerce/wishlist.h"
#include "content/admin_banners.h"
#include "content/admin_settings.h"
#include "jobs/admin_routes.h"
#include "mail/unsubscribe_routes.h"
#include "media/imagekit_manager_routes.h"
#include "media/media_library.h"
#include "media/upload_routes.h"
#include "metrics/routes.h"
#include "notifications/notification_routes.h"
#include "notifications/socket_route.h"
#include "orders/invoice_route.h"
#include "orders/order_routes.h"
#include "orders/payment_routes.h"
#include "payments/webhook_routes.h"
#include "reviews/review_routes.h"
#include "security/stages.h"
#include "server/route_table.h"
#include "system/health.h"
#include "tickets/tickets.h"

namespace wh::server {

void register_routes(web::Router& router) {
  system::register_routes(router);
  catalog::register_routes(router);
  catalog::register_admin_routes(router);
  catalog::register_bulk_upload(router);
  accounts::register_routes(router);
  metrics::register_routes(router);
  catalog::register_admin_category_routes(router);
  content::register_admin_banner_routes(router);
  content::register_admin_setting_routes(router);
  orders::register_routes(router);
  orders::register_payment_routes(router);
  orders::register_invoice_route(router);
  payments::register_webhook_routes(router);
  mail::register_unsubscribe_routes(router);
  commerce::register_cart_routes(router);
  commerce::register_address_routes(router);
  commerce::register_wishlist_routes(router);
  commerce::register_discount_routes(router);
  notifications::register_notification_routes(router);
  notifications::register_socket_route(router);
  tickets::register_ticket_routes(router);
  reviews::register_review_routes(router);
  accounts::register_profile_routes(router);
  commerce::register_stock_alert_routes(router);
  jobs::register_admin_routes(router);
  admin::register_dashboard_routes(router);
  admin::register_admin_ops_routes(router);
  admin::register_admin_user_routes(router);
  admin::register_email_admin_routes(router);
  admin::register_super_admin_site_routes(router);
  admin::register_super_admin_user_routes(router);
  admin::register_super_admin_ops_routes(router);
  media::register_upload_routes(router);
  media::register_media_library_routes(router);
  media::register_imagekit_manager_routes(router);
  // Last: it reports on the whole table.
  audit::register_audit_route(router, [&router] { return routes_json(router); });
}

void add_stages(web::Pipeline& pipeline, const web::Router& router, AppState& state) {
  // First, so that its on_response runs last: the caching headers' final word.
  pipeline.add(std::make_unique<cache::EdgeHeadersStage>(state.config, router));
  pipeline.add(std::make_unique<security::ClientIpStage>(state.client_ip));
  pipeline.add(std::make_unique<security::BlockListStage>(state.site));
  pipeline.add(std::make_unique<security::CorsStage>(state.cors));
  pipeline.add(std::make_unique<security::RateLimitStage>(state.general_limit));
  pipeline.add(std::make_unique<accounts::AuthenticationStage>());
  pipeline.add(std::make_unique<security::MaintenanceStage>(state.site));
  if (state.config.cache_enabled) pipeline.add(std::make_unique<cache::ResponseCacheStage>(state.caches, router));
  pipeline.add(std::make_unique<security::HeadersStage>(state.config.production()));
}

}  // namespace wh::server
