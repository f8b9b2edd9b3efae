// The operational admin dashboard routes of reference §1.19, under
// /api/admin/dashboard, admin and super_admin only (401 without a valid
// token, 403 for customers), old shapes, private (no cache plan):
//   GET /email-stats      {today, all_time: {sent, failed, pending (queued),
//                         skipped, success_rate (sent / (sent + failed) x
//                         100, 0 when none)}, by_type: {<type>: {sent,
//                         failed}}}; "today" from 00:00 UTC. One statement.
//   GET /cart-abandonment {total_carts, abandoned_carts, recovered_carts,
//                         abandonment_rate, recovery_rate, guest_carts:
//                         {total_carts, abandoned_carts}}: signed-in carts
//                         (`carts`, as before) and, apart, guest carts, with
//                         items only (fix: the old one counted every cart
//                         row, so each emptied or checked-out cart became
//                         "abandoned"); abandoned when untouched for
//                         kAbandonedAfterHours (as the abandoned_cart_email
//                         job); recovered = abandoned_carts rows marked
//                         recovered. One statement.
//   GET /system-health    {database: {status connected|error, latency_ms},
//                         pool: {size, open, idle, waiting}, queue: {pending,
//                         processing, retrying, completed, failed, skipped,
//                         window_hours, oldest_pending_at, sending}, uptime}:
//                         latency_ms is one real `SELECT 1` round trip on a
//                         pooled connection (pool wait excluded), to 0.01 ms;
//                         queue from the e-mail outbox (email_logs,
//                         mail/mail_worker.h; fix: the old route's queue was
//                         an error object): queued rows due now (pending),
//                         claimed by the worker (processing) or waiting for a
//                         retry (retrying); sent / failed / skipped rows of
//                         the last window_hours; sending = a mail provider is
//                         configured; uptime = seconds since start. A
//                         database failure is status "error", latency_ms 0
//                         and queue {error}, still 200.
//   GET /admin-activity?page
//                         {data: [activity], pagination: {page, limit 50,
//                         total, pages}}, newest first, each the old row {id,
//                         adminId, action, entityType, entityId, changes,
//                         ipAddress, createdAt, admin: {firstName, lastName,
//                         email}} plus the fields the dashboard's feed reads:
//                         adminName, target, timestamp. One statement.
//   GET /search           admin/admin_search.h
//   GET /export           admin/admin_export.h
#pragma once
#include <string>

#include "core/task.h"
#include "web/context.h"
#include "web/router.h"

namespace wh::admin {

inline constexpr int kActivityPageSize = 50;
inline constexpr int kAbandonedAfterHours = 24;
inline constexpr int kQueueWindowHours = 24;

// Registers all of the above (search and export included).
void register_admin_ops_routes(web::Router& router);

// The e-mail outbox's `queue` object of GET /system-health (above, with
// "sending"), also shown by GET /api/super-admin/jobs/queue. One
// statement; throws on a database failure.
Task<std::string> mail_queue_json(web::Context& ctx);

// The `data` of GET /system-health (above), as JSON text, for a caller
// already allowed to see it (GET /api/super-admin/health answers it too). A
// database failure is reported inside it, never thrown.
Task<std::string> system_health_data(web::Context& ctx);

}  // namespace wh::admin
