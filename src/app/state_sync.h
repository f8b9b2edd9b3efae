// Keeps the in-process caches (principals, revoked tokens, blocked IPs,
// maintenance flag) in step with the database: a dedicated session
// connection LISTENs on `wh_events` (see migrations/0005), applies each
// notification, and reloads everything on connect and every 30 s. While it
// is disconnected the caches are not trusted (AuthState::live is false) and
// authentication asks the database instead.
#pragma once
#include <boost/asio/any_io_executor.hpp>

#include "app/services.h"
#include "core/task.h"

namespace wh::app {

Task<void> run_state_sync(boost::asio::any_io_executor ex, Services& services);

}  // namespace wh::app
