// The notifications of reference §1.17 (/api/notifications, signed-in
// users), in the old shapes:
//   GET    /api/notifications?page&limit  {data: rows newest first, meta:
//                                         {total, unread, page, pages}};
//                                         limit 20 by default, at most 100
//   PATCH  /api/notifications/:id/read    {message}; 404 unless it is the
//                                         caller's own
//   POST   /api/notifications/read-all    {message, count}
//   DELETE /api/notifications/all         {message, count}
//   DELETE /api/notifications/:id         404 unless it is the caller's own
//   POST   /api/notifications/bulk        admins: {userIds (1..1000), title,
//                                         message, link?} -> one 'promotional'
//                                         row per existing user, in one
//                                         statement; {message, sentCount}
// A row is the frontend's Notification {id, userId, type, title, message,
// link (absent when none), isRead, createdAt}. Rows reach open WebSockets
// through the insert trigger (socket_hub.h), whoever inserts them. The old
// bulk route refused super admins (role === 'admin' only): both admin roles
// may use it here.
#pragma once
#include "web/router.h"

namespace wh::notifications {

inline constexpr int kMaxBulkUsers = 1000;

void register_notification_routes(web::Router& router);

}  // namespace wh::notifications
