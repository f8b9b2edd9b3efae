// The running server: event loop threads, database pool, router and HTTP
// listener. `wighaven serve` and the integration tests both use it.
#pragma once
#include <memory>

#include "core/config.h"
#include "server/app_state.h"
#include "server/db_transport.h"
#include "web/router.h"
#include "web/services.h"

namespace wh::server {

class App {
 public:
  explicit App(Config config);
  ~App();

  // Binds the port (config.port; 0 = any free port) and starts the threads.
  void start();
  unsigned short port() const;
  // Drains in-flight requests (up to config.shutdown_grace) and joins the threads.
  void stop();
  // Blocks until SIGINT/SIGTERM has stopped the server.
  void wait_for_signal();
  web::Services& services();
  AppState& state();
  // The route table (registered before start()).
  const web::Router& router() const;
  int threads() const;
  // How the database is reached (DATABASE_TRANSPORT), with its counters.
  const DbTransport& db_transport() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `wighaven serve`.
int serve(const Config& config);

}  // namespace wh::server
