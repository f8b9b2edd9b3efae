// Eight of the super-admin console's routes (reference §1.26), under
// /api/super-admin, super_admin only (401 without a valid token, 403 for an
// admin or a customer), private, in the old shapes with the old bugs fixed:
//
//   GET  /logs?type=app|error&limit=N
//        {success, logs: "<line>\n<line>...", type, lines}: the newest N
//        (kDefaultLogLines, at most kMaxLogLines) lines this instance
//        logged, oldest first, from the bounded in-memory rings of
//        core/log.h: type app = every line (the access log included), error
//        = warnings and errors only. Fix: the old route read logs/*.log
//        files that this server does not write.
//   POST /payment/verify {reference}
//        Verifies the reference at Paystack and applies the answer to its
//        order exactly as POST /api/orders/:n/verify-payment does
//        (orders/payment_verify.h); fix: the old route inserted a webhook
//        log for a database trigger that does not exist. 200 {success,
//        message, verification, data: {order, verification, result}}
//        (result: orders/payment_apply.h's applied_name, null when nothing
//        was applied); an order already paid answers at once; 400 without a
//        reference; 404 when no order has it, or Paystack does not know it;
//        503 when Paystack does not answer (or is not configured). Records
//        "payment.verify" on the order once Paystack was asked.
//   POST /jobs/trigger {jobName}
//        Any job of the scheduler, as POST /api/admin/jobs/:name/run
//        (jobs/admin_routes.h): 202, 404 unknown, 409 off; records
//        "job.run". The old name 'abandoned_cart_emails' means
//        'abandoned_cart_email'.
//   GET  /jobs/queue
//        {success, queues: {email: the outbox (admin_ops.h
//        mail_queue_json) with the old active/waiting/failed counts, jobs:
//        {active (running), waiting (on, not running), failed (last run
//        failed), off, requested (a run was asked for)}}, scheduler:
//        {enabled, instance},
//        jobs: GET /api/admin/jobs's list (3 recent runs each)}. Fix: the
//        old route answered constant zeros.
//   GET  /webhooks
//        {success, logs, webhooks}: the same newest 100 Paystack webhook
//        events, from our queue (wh_payment_events) and the old backend's
//        webhook_logs together, each in the old row shape {id, provider,
//        reference, event, status, payload, errorMessage, orderId,
//        responseTimeMs, isProcessed, createdAt} plus table, and for our
//        rows result, attempts, processedAt. (The old route answered `logs`
//        while the console read `webhooks`; both are sent.)
//   GET  /activities
//        {success, activities}: the newest 100 admin_activities rows, old
//        shape {id, adminId, action, entityType, entityId, changes,
//        ipAddress, createdAt, admin: {id, firstName, lastName, email}}.
//   POST /stock/global-update
//        Changes no stock (the old route was a placeholder too): asks every
//        admin dashboard of every instance to reload its stock views (a
//        DATA_UPDATE 'stock' with the old query keys, notifications/
//        socket_hub.h) and records "stock.refresh". 200 {success, message}.
//        Stock is changed through the admin variant and inventory routes.
//   GET  /backup   admin/super_admin_backup.h
#pragma once
#include "web/router.h"

namespace wh::admin {

inline constexpr int kDefaultLogLines = 200;
inline constexpr int kMaxLogLines = 2000;
inline constexpr int kSuperAdminListSize = 100;

// Registers all of the above (backup included).
void register_super_admin_ops_routes(web::Router& router);

}  // namespace wh::admin
