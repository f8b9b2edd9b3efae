// Support tickets, reference §1.18 (/api/support), with the old shapes:
//   POST /api/support/guest         public {name, email, subject, message,
//                                   priority}: 201 {data: ticket, message}
//   POST /api/support               signed in {subject, message, priority}:
//                                   201 {data: ticket with user, messages}
//   POST /api/support/:id/reply     the ticket's owner {message}: the
//                                   message; re-opens a closed ticket
//   GET  /api/support?page&limit    own tickets {data, pagination}
//   GET  /api/support/:id           own ticket (admins: any) with messages
//   GET  /api/support/admin/all?page&limit&status&priority   admins
//   PUT  /api/support/admin/:id/status {status open|pending|closed} admins
//   POST /api/support/admin/:id/reply  {message} admins
// A ticket is {id, ticketNumber, userId, subject, status, priority,
// guestName, guestEmail, createdAt, updatedAt} (+ user {firstName,
// lastName, email}, messages [{id, ticketId, senderId, message, isAdmin,
// createdAt, sender {firstName, lastName, role}}], _count {messages}), lists
// most recently active first. Another user's ticket is a 404 like an
// unknown one. Both creating routes share one limit: 5 tickets an hour per
// client IP (the old createTicketLimiter), counted after validation. Each
// write is one statement with its notifications and queued e-mails (see
// tickets/ticket_sql.h). Every response is private (no CachePlan).
#pragma once
#include "web/router.h"

namespace wh::tickets {

void register_ticket_routes(web::Router& router);

}  // namespace wh::tickets
