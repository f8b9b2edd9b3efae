#include "tickets/ticket_sql.h"

#include "admin/activity_log.h"
#include "db/sql_now.h"

namespace wh::tickets::sql {

// The ticket row `t` (SupportTicket without relations).
#define WH_TICKET_FIELDS                                                                                        \
  "'id', t.id, 'ticketNumber', t.ticket_number, 'userId', t.user_id, 'subject', t.subject, 'status', t.status," \
  " 'priority', t.priority, 'guestName', t.guest_name, 'guestEmail', t.guest_email,"                            \
  " 'createdAt', wh_iso(t.created_at), 'updatedAt', wh_iso(t.updated_at)"

// The ticket's user {firstName, lastName, email}, null for a guest ticket.
#define WH_TICKET_USER                                                                                          \
  "CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('firstName', u.first_name, 'lastName', u.last_name," \
  " 'email', u.email) END"

// The message `m` with its sender {firstName, lastName, role} (null for a guest).
#define WH_TICKET_MESSAGE                                                                                      \
  "json_build_object('id', m.id, 'ticketId', m.ticket_id, 'senderId', m.sender_id, 'message', m.message,"      \
  " 'isAdmin', m.is_admin, 'createdAt', wh_iso(m.created_at), 'sender', CASE WHEN s.id IS NULL THEN NULL ELSE" \
  " json_build_object('firstName', s.first_name, 'lastName', s.last_name, 'role', s.role) END)"

// _count: {messages}, as Prisma's include.
#define WH_TICKET_COUNT \
  "json_build_object('messages', (SELECT count(*) FROM support_messages c WHERE c.ticket_id = t.id))"

// The subject cut to 40 / 50 characters with "..." as the old notifications.
#define WH_TICKET_SUBJECT_40 "left(t.subject, 40) || CASE WHEN char_length(t.subject) > 40 THEN '...' ELSE '' END"
#define WH_TICKET_SUBJECT_50 "left(t.subject, 50) || CASE WHEN char_length(t.subject) > 50 THEN '...' ELSE '' END"

// The subject without the "[GUEST] " prefix the old backend stored on guest tickets.
#define WH_TICKET_PLAIN_SUBJECT "CASE WHEN left(t.subject, 8) = '[GUEST] ' THEN substr(t.subject, 9) ELSE t.subject END"

// "First Last" of the user `u` / sender `s`, or 'A user' (the old wording).
#define WH_TICKET_U_NAME "COALESCE(NULLIF(btrim(u.first_name || ' ' || u.last_name), ''), 'A user')"
#define WH_TICKET_S_NAME "COALESCE(NULLIF(btrim(s.first_name || ' ' || s.last_name), ''), 'A user')"

#define WH_TICKET_NOTIFICATION_INSERT \
  "INSERT INTO notifications (id, user_id, type, title, message, link, is_read, created_at, expires_at)"
// is_read, created_at, expires_at of a new notification: unread, 30 days (as before).
#define WH_TICKET_NOTIFICATION_TAIL "false, " WH_SQL_NOW ", " WH_SQL_NOW " + interval '30 days'"
// The admins told of a new ticket or a customer's reply, each with one
// 'admin_support_reply' notification (the old type, which the admin ticket
// list counts per `ticket=` link).
#define WH_TICKET_ADMINS "users a WHERE a.role IN ('admin', 'super_admin') AND a.is_active"
#define WH_TICKET_ADMIN_LINK "'/admin/support?ticket=' || t.id"
#define WH_TICKET_USER_LINK "'/account/support/' || t.id"

#define WH_TICKET_EMAIL_INSERT                                                                               \
  "INSERT INTO email_logs (id, type, to_email, subject, status, attempt_count, max_attempts, template_data," \
  " created_at)"

// The admin list's filters: $1 status, $2 priority (NULL: any). Written out
// in both places (not a CTE used twice, which PostgreSQL would materialise,
// losing the updated_at index).
#define WH_TICKET_FILTER "($1::text IS NULL OR t.status = $1) AND ($2::text IS NULL OR t.priority = $2)"

const char* const kCreate =
    "WITH u AS (SELECT id, email, first_name, last_name, role FROM users WHERE id = $2),"
    " t AS (INSERT INTO support_tickets (id, user_id, subject, status, priority, created_at, updated_at)"
    "   SELECT $1, u.id, $3, 'open', $4, " WH_SQL_NOW ", " WH_SQL_NOW
    " FROM u RETURNING *),"
    " m AS (INSERT INTO support_messages (id, ticket_id, sender_id, message, is_admin, created_at)"
    "   SELECT $6, t.id, t.user_id, $5, false, t.created_at FROM t RETURNING *),"
    " n AS (" WH_TICKET_NOTIFICATION_INSERT
    "   SELECT wh_new_id(), a.id, 'admin_support_reply', '🆕 New Support Ticket #' || t.ticket_number,"
    "   " WH_TICKET_U_NAME " || ' created ticket: \"' || " WH_TICKET_SUBJECT_40
    " || '\"',"
    "   " WH_TICKET_ADMIN_LINK ", " WH_TICKET_NOTIFICATION_TAIL "   FROM t CROSS JOIN u CROSS JOIN " WH_TICKET_ADMINS
    " RETURNING 1),"
    " e AS (" WH_TICKET_EMAIL_INSERT
    "   SELECT wh_new_id(), 'support_ticket_created', u.email, 'Support Ticket Received - #' || t.ticket_number,"
    "   'queued', 0, 3, jsonb_build_object('template', 'supportTicketCreated', 'variables', jsonb_build_object("
    "     'name', COALESCE(NULLIF(u.first_name, ''), 'Valued Customer'), 'ticket_id', t.ticket_number,"
    "     'ticket_number', t.ticket_number, 'subject', t.subject, 'message', m.message,"
    "     'ticket_link', $7::text || " WH_TICKET_USER_LINK
    ")), t.created_at"
    "   FROM t, u, m RETURNING 1)"
    " SELECT json_build_object(" WH_TICKET_FIELDS ", 'user', " WH_TICKET_USER
    ", 'messages', json_build_array(" WH_TICKET_MESSAGE
    "))::text"
    " FROM t CROSS JOIN u CROSS JOIN m CROSS JOIN u s";

const char* const kCreateGuest =
    "WITH t AS (INSERT INTO support_tickets (id, user_id, subject, status, priority, guest_name, guest_email,"
    "   created_at, updated_at)"
    "   VALUES ($1, NULL, $4, 'open', $5, $2, $3, " WH_SQL_NOW ", " WH_SQL_NOW
    ") RETURNING *),"
    " m AS (INSERT INTO support_messages (id, ticket_id, sender_id, message, is_admin, created_at)"
    "   SELECT $7, t.id, NULL, $6, false, t.created_at FROM t RETURNING 1),"
    " n AS (" WH_TICKET_NOTIFICATION_INSERT
    "   SELECT wh_new_id(), a.id, 'admin_support_reply', '🆕 New Support Ticket #' || t.ticket_number,"
    "   t.guest_name || ' created ticket: \"' || " WH_TICKET_SUBJECT_40
    " || '\"',"
    "   " WH_TICKET_ADMIN_LINK ", " WH_TICKET_NOTIFICATION_TAIL "   FROM t CROSS JOIN " WH_TICKET_ADMINS
    " RETURNING 1),"
    " e AS (" WH_TICKET_EMAIL_INSERT
    "   SELECT wh_new_id(), 'support_ticket_created', t.guest_email, 'Support Ticket Received - #' || t.ticket_number,"
    "   'queued', 0, 3, jsonb_build_object('template', 'supportTicketCreated', 'variables', jsonb_build_object("
    "     'name', t.guest_name, 'ticket_id', t.ticket_number, 'ticket_number', t.ticket_number,"
    "     'subject', t.subject, 'message', $6::text, 'ticket_link', $8::text || '/contact')), t.created_at"
    "   FROM t RETURNING 1)"
    " SELECT json_build_object(" WH_TICKET_FIELDS ")::text FROM t";

const char* const kReply =
    "WITH t AS (UPDATE support_tickets SET updated_at = " WH_SQL_NOW
    ","
    "   status = CASE WHEN status = 'closed' THEN 'open' ELSE status END"
    "   WHERE id = $1 AND user_id = $2 RETURNING *),"
    " s AS (SELECT id, first_name, last_name, role FROM users WHERE id = $2),"
    " m AS (INSERT INTO support_messages (id, ticket_id, sender_id, message, is_admin, created_at)"
    "   SELECT $4, t.id, $2, $3, false, t.updated_at FROM t RETURNING *),"
    " n AS (" WH_TICKET_NOTIFICATION_INSERT
    "   SELECT wh_new_id(), a.id, 'admin_support_reply', '💬 Support Reply - Ticket #' || t.ticket_number,"
    "   " WH_TICKET_S_NAME " || ' replied to: \"' || " WH_TICKET_SUBJECT_40
    " || '\"',"
    "   " WH_TICKET_ADMIN_LINK ", " WH_TICKET_NOTIFICATION_TAIL "   FROM t CROSS JOIN s CROSS JOIN " WH_TICKET_ADMINS
    " RETURNING 1)"
    " SELECT " WH_TICKET_MESSAGE "::text FROM t CROSS JOIN m LEFT JOIN s ON true";

const char* const kAdminReply =
    "WITH t AS (UPDATE support_tickets SET updated_at = " WH_SQL_NOW
    " WHERE id = $1 RETURNING *),"
    " s AS (SELECT id, first_name, last_name, role FROM users WHERE id = $2),"
    " m AS (INSERT INTO support_messages (id, ticket_id, sender_id, message, is_admin, created_at)"
    "   SELECT $4, t.id, $2, $3, true, t.updated_at FROM t RETURNING *),"
    " n AS (" WH_TICKET_NOTIFICATION_INSERT
    "   SELECT wh_new_id(), u.id, 'support_reply', 'Support Reply - Ticket #' || t.ticket_number,"
    "   'Our team has responded to your support request: \"' || " WH_TICKET_SUBJECT_50
    " || '\"',"
    "   " WH_TICKET_USER_LINK ", " WH_TICKET_NOTIFICATION_TAIL
    "   FROM t JOIN users u ON u.id = t.user_id RETURNING 1),"
    " e AS (" WH_TICKET_EMAIL_INSERT
    "   SELECT wh_new_id(), 'guest_ticket_reply', t.guest_email, 'Response to Your Inquiry - Ticket #' || "
    "t.ticket_number,"
    "   'queued', 0, 3, jsonb_build_object('template', 'guestTicketReply', 'variables', jsonb_build_object("
    "     'name', COALESCE(NULLIF(t.guest_name, ''), 'Valued Customer'), 'ticket_id', t.ticket_number,"
    "     'ticket_number', t.ticket_number, 'ticket_subject', " WH_TICKET_PLAIN_SUBJECT
    ","
    "     'reply_message', $3::text, 'contact_link', $5::text || '/contact')), " WH_SQL_NOW
    "   FROM t WHERE t.user_id IS NULL AND t.guest_email IS NOT NULL RETURNING 1),"
    " " WH_ADMIN_ACTIVITY("(SELECT t.id FROM t)", "$6") " SELECT " WH_TICKET_MESSAGE
                                                        "::text FROM t CROSS JOIN m LEFT JOIN s ON true";

const char* const kSetStatus =
    "WITH old AS (SELECT id, status FROM support_tickets WHERE id = $1 FOR UPDATE),"
    " t AS (UPDATE support_tickets x SET status = $2, updated_at = " WH_SQL_NOW
    "   FROM old WHERE x.id = old.id AND old.status <> $2 RETURNING x.*),"
    " closed AS (SELECT t.* FROM t WHERE t.status = 'closed'),"
    " n AS (" WH_TICKET_NOTIFICATION_INSERT
    "   SELECT wh_new_id(), u.id, 'support_resolved', 'Ticket #' || t.ticket_number || ' Resolved',"
    "   'Your support request \"' || " WH_TICKET_SUBJECT_50
    " || '\" has been marked as resolved.',"
    "   " WH_TICKET_USER_LINK ", " WH_TICKET_NOTIFICATION_TAIL
    "   FROM closed t JOIN users u ON u.id = t.user_id RETURNING 1),"
    " e AS (" WH_TICKET_EMAIL_INSERT
    "   SELECT wh_new_id(), 'ticket_resolved', u.email, 'Ticket #' || t.ticket_number || ' Resolved',"
    "   'queued', 0, 3, jsonb_build_object('template', 'ticketResolved', 'variables', jsonb_build_object("
    "     'name', COALESCE(NULLIF(u.first_name, ''), 'Valued Customer'), 'ticket_id', t.ticket_number,"
    "     'ticket_number', t.ticket_number, 'subject', t.subject,"
    "     'ticket_link', $3::text || " WH_TICKET_USER_LINK ")), " WH_SQL_NOW
    "   FROM closed t JOIN users u ON u.id = t.user_id"
    "   UNION ALL"
    "   SELECT wh_new_id(), 'guest_ticket_resolved', t.guest_email, 'Ticket #' || t.ticket_number || ' Resolved',"
    "   'queued', 0, 3, jsonb_build_object('template', 'guestTicketResolved', 'variables', jsonb_build_object("
    "     'name', COALESCE(NULLIF(t.guest_name, ''), 'Valued Customer'), 'ticket_id', t.ticket_number,"
    "     'ticket_number', t.ticket_number, 'ticket_subject', " WH_TICKET_PLAIN_SUBJECT
    ","
    "     'contact_link', $3::text || '/contact')), " WH_SQL_NOW
    "   FROM closed t WHERE t.user_id IS NULL AND t.guest_email IS NOT NULL RETURNING 1),"
    " " WH_ADMIN_ACTIVITY("(SELECT t.id FROM t)", "$4") ","
    " cur AS (SELECT * FROM t"
    "   UNION ALL SELECT x.* FROM support_tickets x JOIN old ON old.id = x.id WHERE old.status = $2)"
    " SELECT json_build_object(" WH_TICKET_FIELDS ")::text FROM cur t";

const char* const kListOwn =
    "WITH total AS (SELECT count(*)::int AS n FROM support_tickets WHERE user_id = $1)"
    " SELECT COALESCE((SELECT json_agg(x.j ORDER BY x.updated_at DESC, x.id DESC) FROM ("
    "   SELECT json_build_object(" WH_TICKET_FIELDS ", '_count', " WH_TICKET_COUNT
    ") AS j, t.updated_at, t.id"
    "   FROM support_tickets t WHERE t.user_id = $1"
    "   ORDER BY t.updated_at DESC, t.id DESC LIMIT $2 OFFSET $3) x), '[]'::json)::text,"
    " json_build_object('page', $4::int, 'limit', $2::int, 'total', total.n,"
    "   'pages', (total.n + $2::int - 1) / $2::int)::text"
    " FROM total";

const char* const kListAll =
    "WITH total AS (SELECT count(*)::int AS n FROM support_tickets t WHERE " WH_TICKET_FILTER
    ")"
    " SELECT COALESCE((SELECT json_agg(x.j ORDER BY x.updated_at DESC, x.id DESC) FROM ("
    "   SELECT json_build_object(" WH_TICKET_FIELDS ", 'user', " WH_TICKET_USER ", '_count', " WH_TICKET_COUNT
    "   ) AS j, t.updated_at, t.id"
    "   FROM support_tickets t LEFT JOIN users u ON u.id = t.user_id WHERE " WH_TICKET_FILTER
    "   ORDER BY t.updated_at DESC, t.id DESC LIMIT $3 OFFSET $4) x), '[]'::json)::text,"
    " json_build_object('page', $5::int, 'limit', $3::int, 'total', total.n,"
    "   'pages', (total.n + $3::int - 1) / $3::int)::text"
    " FROM total";

const char* const kGet =
    "SELECT json_build_object(" WH_TICKET_FIELDS ", 'user', " WH_TICKET_USER
    ","
    "   'messages', COALESCE((SELECT json_agg(" WH_TICKET_MESSAGE
    " ORDER BY m.created_at, m.id)"
    "     FROM support_messages m LEFT JOIN users s ON s.id = m.sender_id WHERE m.ticket_id = t.id), '[]'::json)"
    " )::text"
    " FROM support_tickets t LEFT JOIN users u ON u.id = t.user_id"
    " WHERE t.id = $1 AND ($3::boolean OR t.user_id = $2)";

#undef WH_TICKET_FIELDS
#undef WH_TICKET_USER
#undef WH_TICKET_MESSAGE
#undef WH_TICKET_COUNT
#undef WH_TICKET_SUBJECT_40
#undef WH_TICKET_SUBJECT_50
#undef WH_TICKET_PLAIN_SUBJECT
#undef WH_TICKET_U_NAME
#undef WH_TICKET_S_NAME
#undef WH_TICKET_NOTIFICATION_INSERT
#undef WH_TICKET_NOTIFICATION_TAIL
#undef WH_TICKET_ADMINS
#undef WH_TICKET_ADMIN_LINK
#undef WH_TICKET_USER_LINK
#undef WH_TICKET_EMAIL_INSERT
#undef WH_TICKET_FILTER

}  // namespace wh::tickets::sql
