// The statements of the support tickets (reference §1.18), one per request.
// Every write is a single statement: the ticket or message, the admins'
// in-app notifications, the queued e-mail (email_logs, see
// accounts/mail_queue.h) and an admin's activity row commit together or not
// at all. The e-mails are
// built here rather than with queue_email_params because their variables
// need the ticket number, which the same statement assigns (SERIAL).
//
// Row aliases: `t` a ticket, `u` its user (NULL for a guest ticket), `m` a
// message, `s` its sender (NULL for a guest's message). JSON keys are the
// old backend's (Prisma's camelCase).
#pragma once

namespace wh::tickets::sql {

// POST /api/support. $1 ticket id, $2 user id, $3 subject, $4 priority,
// $5 message, $6 message id, $7 FRONTEND_URL. No row when the user no
// longer exists. Returns the ticket with its user and first message.
extern const char* const kCreate;

// POST /api/support/guest. $1 ticket id, $2 name, $3 e-mail, $4 subject,
// $5 priority, $6 message, $7 message id, $8 FRONTEND_URL. Returns the
// ticket. The confirmation is the supportTicketCreated e-mail; a guest has no ticket
// page, so its link is the contact page.
extern const char* const kCreateGuest;

// POST /api/support/:id/reply: the owner's message. $1 ticket id, $2 user
// id, $3 message, $4 message id. Re-opens a closed ticket, touches
// updated_at, notifies the admins. No row when the ticket is not the
// user's. Returns the message with its sender.
extern const char* const kReply;

// POST /api/support/admin/:id/reply. $1 ticket id, $2 admin id, $3 message,
// $4 message id, $5 FRONTEND_URL, $6 the admin activity
// (admin/activity_log.h). The status is unchanged (as before); a
// registered user gets a 'support_reply' notification, a guest the
// guestTicketReply e-mail. No row when the ticket does not exist. Returns
// the message with its sender.
extern const char* const kAdminReply;

// PUT /api/support/admin/:id/status. $1 ticket id, $2 status,
// $3 FRONTEND_URL, $4 the admin activity (recorded when the status
// changed). The same status again changes nothing and notifies no one (as
// before). Closing is the resolution: a registered user gets the
// ticketResolved e-mail and a 'support_resolved' notification, a guest the
// guestTicketResolved e-mail (the old service's 'resolved' branch, which its
// validator made unreachable). The row lock orders two concurrent changes,
// so a ticket is announced closed once. No row when the ticket does not
// exist. Returns the ticket.
extern const char* const kSetStatus;

// GET /api/support. $1 user id, $2 limit, $3 offset, $4 page. Most recently
// active first (the old order). Returns the tickets (with _count) and the
// pagination object.
extern const char* const kListOwn;

// GET /api/support/admin/all. $1 status or NULL, $2 priority or NULL,
// $3 limit, $4 offset, $5 page. Every ticket with its user (guests: the
// ticket's guestName/guestEmail) and _count, most recently active first.
extern const char* const kListAll;

// GET /api/support/:id. $1 ticket id, $2 caller id, $3 caller is an admin.
// The ticket with its user and every message (oldest first) with its
// sender. No row for another user's ticket, so its existence is not shown.
extern const char* const kGet;

}  // namespace wh::tickets::sql
