// GET /notifications: the real-time WebSocket of reference §7, on the HTTP
// port. The frontend opens it with its access token as the second
// subprotocol (`Sec-WebSocket-Protocol: access_token, <JWT>`); the server
// selects `access_token`. Before the upgrade, in this order:
//   - at most 10 upgrade attempts a minute per client IP (429);
//   - an Origin, when sent, must be one the CORS policy lists (FRONTEND_URL,
//     http://localhost:3000, CORS_ORIGINS), in development too (403);
//   - a WebSocket upgrade request is required (426);
//   - the token passes every check of an HTTP request, revocation and a
//     deactivated account included (401; the old server verified only the
//     signature);
//   - in maintenance mode only admins connect (503): the maintenance stage
//     exempts this path, as the token is not in a header it reads.
// Then: {"type":"CONNECTED"}, {"type":"PONG", timestamp, clientTimestamp}
// for each {"type":"PING", timestamp}, and whatever the SocketHub sends
// (notification rows, DATA_UPDATE to admins, FORCE_LOGOUT). Other client
// messages are ignored, as before.
#pragma once
#include "web/router.h"

namespace wh::notifications {

void register_socket_route(web::Router& router);

}  // namespace wh::notifications
