// Back-in-stock subscriptions of reference §1.25, for guests and signed-in
// shoppers alike (optional authentication), at the path the storefront
// calls and at the old one:
//   POST   /api/stock/notify, /api/admin/stock/notify
//          {variantId, email}: 201 {success, message}. A signed-in caller
//          may leave out `email` (the account's address is used). 400 for a
//          missing variant id, a guest without an e-mail, a malformed
//          address or a variant in stock now (stock - reserved_stock > 0:
//          there is nothing to wait for); 404 for an unknown or inactive
//          variant (or product); 409 when a pending alert for that address
//          (or that account) and variant exists in either table.
//   DELETE /api/stock/notify/:variantId, /api/admin/stock/notify/:variantId
//          {email} (signed-in: optional, and the account's own alert goes
//          too): deletes the pending alerts of that address and variant in
//          both tables; 404 when there were none.
//   POST   /api/notifications/restock-request: the same as POST
//          /api/stock/notify (the path of the storefront's later "Notify
//          me" dialog, 8d92c2c; the old backend never served it).
// Where alerts live: a signed-in caller's in the old back_in_stock_alerts
// (unchanged, so the old backend can share the database; one row per user
// and variant, so an alert already sent is re-armed in place), a guest's in
// wh_guest_stock_alerts (migrations/0016: the old table cannot hold guests).
// Addresses are compared lower-cased. The back_in_stock job
// (src/jobs/back_in_stock.cc) e-mails each pending alert once its variant
// is available again.
//
// Every route shares one limit, kStockAlertLimit per client IP (the old
// /api/admin prefix skips the general limiter). Responses are private.
#pragma once
#include <chrono>

#include "security/rate_limiter.h"
#include "web/router.h"

namespace wh::commerce {

inline const security::RatePolicy kStockAlertLimit{"stock-notify", 20, std::chrono::hours(1)};

void register_stock_alert_routes(web::Router& router);

}  // namespace wh::commerce
