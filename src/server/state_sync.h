// Keeps the in-process caches (principals, revoked access tokens, blocked
// IPs, maintenance flag) in step with the database: a dedicated session
// connection LISTENs on `wh_events` (see migrations/0005 and 0007) and
// applies each notification. On connect it loads everything; then it loads
// new revocations incrementally (after a created_at/id watermark) every
// REVOCATION_POLL_MS, deletes expired blacklisted_tokens rows, and reloads the
// small blocked-IP and settings tables every 30 s. 'tags:' events (migration
// 0008) invalidate the response caches; they are emptied on every
// (re)connect, as notifications may have been missed. 'purge' events
// (migration 0009) wake the edge purge worker, 'mail' events (0011) the
// mail worker and 'payments' events (0012) the payment worker, and so does
// every (re)connect; 'order:<id>' events (0012) wake that order's payment
// streams (all of them on a reconnect). 'notification:' and 'data_update:'
// events (0017) go to the open WebSockets (notifications/socket_hub.h),
// whose tokens are checked again on 'user:' and 'token:' events and on
// every reconnect. The principal cache is
// flushed only when the connection is lost (messages may have been missed);
// while it is disconnected the caches are not trusted (AuthState::live is
// false) and authentication asks the database instead. The listener runs on
// a strand of `ex`.
#pragma once
#include <boost/asio/any_io_executor.hpp>

#include "core/task.h"
#include "server/app_state.h"

namespace wh::server {

Task<void> run_state_sync(boost::asio::any_io_executor ex, AppState& state);

}  // namespace wh::server
