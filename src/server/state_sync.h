// Keeps the in-process caches (principals, revoked tokens, blocked IPs,
// maintenance flag) in step with the database: a dedicated session
// connection LISTENs on `wh_events` (see migrations/0005), applies each
// notification, and reloads everything on connect and every 30 s. While it
// is disconnected the caches are not trusted (AuthState::live is false) and
// authentication asks the database instead.
#pragma once
#include <boost/asio/any_io_executor.hpp>

#include "core/task.h"
#include "server/app_state.h"

namespace wh::server {

Task<void> run_state_sync(boost::asio::any_io_executor ex, AppState& state);

}  // namespace wh::server
