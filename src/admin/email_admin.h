// The admin's e-mail log, reference §1.21 (/api/admin/emails, admins and
// super admins; every response private). The log is the outbox itself:
// email_logs rows, queued by the code that sends an e-mail and settled by
// the mail worker (docs/mail.md, mail/mail_worker.h).
//   GET  /api/admin/emails/logs?page&limit&type&status&days
//        {data: logs, pagination: {page, limit, total, pages}}, newest
//        first; limit 1-100 (default 50, as before), type (<= 50
//        characters), status one of sent, failed, queued, skipped (pending
//        = queued, the name the admin page uses), days 1-3650: created in
//        the last `days` days. A log is the old row {id, type, toEmail,
//        subject, status, attemptCount, maxAttempts, lastError, messageId,
//        createdAt, sentAt} plus `error` (= lastError, the name the admin
//        page reads), `nextAttemptAt` (a passing failure's retry time) and
//        `templateData: {template}`: the template's variables (reset and
//        verification links are credentials) and `body` are not shown.
//   GET  /api/admin/emails/stats
//        {data: {totalSentToday, totalFailedToday, successRate (percent, 2
//        decimals, 100 with no mail today), pendingCount (queued rows),
//        queueHealth (healthy; degraded above 100 queued; unhealthy above
//        500), queue: {waiting, active (being sent), completed (sent
//        today), failed (failed today), delayed (waiting for a retry)},
//        total, sent, failed, pending}}. "Today" is the UTC day. The last
//        four are the keys the admin page reads (sent and failed today,
//        their sum, queued rows): the old route never sent them.
//   POST /api/admin/emails/retry-failed  {email_log_id?}
//        {requeuedCount, message: "<n> email(s) requeued for retry"}.
//        With an id: that row, which must be 'failed' (400 otherwise; 400
//        too when it was stored without its template, like the old
//        backend's failed rows: there is nothing to send), 404 unknown.
//        The id is one of ours (web::plausible_id): the old uuid rule
//        refused every real id, 400 for a malformed one. Without an id:
//        the newest 100 at most of the rows failed in the last 24 hours
//        that have a template.
// Re-queuing puts the row itself back in the outbox (status 'queued',
// attempts reset, no pending retry time or claim), from what it stores:
// its type, recipient, subject and template_data. The worker sends it as
// any queued row (opt-outs apply) and settles it again; the log gets no
// duplicate rows, and a second "retry all" finds nothing left to queue
// (the old backend queued a new e-mail per click and left the failed row).
// Each re-queued row writes an admin_activities row (email.retry) in the
// same statement.
#pragma once
#include "web/router.h"

namespace wh::admin {

// At most this many rows per "retry all".
inline constexpr int kMaxRetryAll = 100;

void register_email_admin_routes(web::Router& router);

}  // namespace wh::admin
