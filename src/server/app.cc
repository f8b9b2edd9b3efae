#include "server/app.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <condition_variable>
#include <csignal>
#include <thread>
#include <vector>

#include "core/log.h"
#include "db/pool.h"
#include "http/server.h"
#include "metrics/hit_rate_monitor.h"
#include "security/http_policy.h"
#include "server/db_transport.h"
#include "server/event_loops.h"
#include "server/routes.h"
#include "server/state_sync.h"
#include "web/pipeline.h"
#include "web/router.h"

namespace wh::server {
namespace asio = boost::asio;

// How long shutdown waits for a background worker to release its lease.
constexpr auto kWorkerStopWait = std::chrono::milliseconds(3000);

struct App::Impl {
  explicit Impl(Config c)
      : transport(c),
        loops(c.threads > 0 ? c.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
        io(loops.main()),
        services(transport.route(std::move(c))),
        state(services, io.get_executor()),
        pipeline(services, router),
        pool(io.get_executor(), pool_options(services.config)),
        server(io, loops.all(), server_options(services.config),
               [this](http::Request& r) { return pipeline.handle(r); }) {
    services.pool = &pool;
    register_routes(router);
    add_stages(pipeline, router, state);
    pipeline.set_metrics(&state.metrics.http);
  }

  // Stops accepting, ends the payment streams (they would otherwise hold
  // their connections until the next heartbeat, past the grace period) and
  // (the server closes the WebSockets: 1001, going away)
  // lets the requests in flight finish within the grace period.
  void shutdown() {
    state.payment_watch.close();
    server.shutdown(services.config.shutdown_grace, [this] { drained(); });
  }

  static db::PoolOptions pool_options(const Config& c) {
    db::PoolOptions o;
    o.connect.url = c.database_url;
    o.connect.connect_timeout = c.db_connect_timeout;
    o.connect.statement_timeout = c.db_statement_timeout;
    o.connect.prepare_statements = c.db_prepared_statements;
    o.size = c.db_pool_size;
    o.acquire_timeout = c.db_acquire_timeout;
    o.connect_retries = c.db_connect_retries;
    return o;
  }

  static http::ServerOptions server_options(const Config& c) {
    http::ServerOptions o;
    o.host = c.host;
    o.port = static_cast<unsigned short>(c.port);
    o.read_timeout = c.read_timeout;
    o.idle_timeout = c.idle_timeout;
    o.websocket_ping_interval = c.ws_ping_interval;
    o.websocket_max_queued_bytes = c.ws_max_queued_bytes;
    o.max_header_bytes = c.max_header_bytes;
    o.max_body_bytes = c.max_body_bytes;
    o.body_limits = security::body_limits();
    return o;
  }

  // First: every connection (pool, listener, workers) is closed before it.
  // The services see DATABASE_URL and DIRECT_URL as routed by it.
  DbTransport transport;
  // One io_context per thread; `io` is the main one (event_loops.h).
  EventLoops loops;
  asio::io_context& io;
  web::Services services;
  AppState state;
  web::Router router;
  web::Pipeline pipeline;
  db::Pool pool;
  http::Server server;
  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;

  // After the drain: the background workers release their leases, then
  // the loop stops.
  void drained() {
    state.purge.stop(kWorkerStopWait, [this] {
      state.mail.stop(kWorkerStopWait, [this] {
        state.payments.stop(kWorkerStopWait, [this] { state.jobs.stop(kWorkerStopWait, [this] { finish(); }); });
      });
    });
  }

  void finish() {
    loops.stop();
    std::lock_guard lock(mu);
    stopped = true;
    cv.notify_all();
  }
};

App::App(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}

App::~App() { stop(); }

void App::start() {
  asio::co_spawn(impl_->io, run_state_sync(impl_->io.get_executor(), impl_->state), asio::detached);
  asio::co_spawn(impl_->io, metrics::run_hit_rate_monitor(impl_->io.get_executor(), impl_->state.metrics.hit_rate),
                 asio::detached);
  asio::co_spawn(impl_->io, impl_->state.purge.run(), asio::detached);
  asio::co_spawn(impl_->io, impl_->state.mail.run(), asio::detached);
  asio::co_spawn(impl_->io, impl_->state.payments.run(), asio::detached);
  asio::co_spawn(impl_->io, impl_->state.jobs.run(), asio::detached);
  impl_->loops.run();
  // Blocked IPs and maintenance mode hold from the first request on: give the
  // change listener a moment for its first load before accepting. If the
  // database is down we serve anyway (health checks must answer) and tokens
  // are checked against the database until the listener is live.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!impl_->state.auth.live.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!impl_->state.auth.live.load()) log::warn("serving before the change listener has loaded");
  impl_->server.start();
}

unsigned short App::port() const { return impl_->server.port(); }
web::Services& App::services() { return impl_->services; }
AppState& App::state() { return impl_->state; }
const web::Router& App::router() const { return impl_->router; }
int App::threads() const { return impl_->loops.size(); }
const DbTransport& App::db_transport() const { return impl_->transport; }

void App::stop() {
  if (!impl_->loops.running()) return;
  if (!impl_->server.draining()) {
    impl_->shutdown();
  }
  {
    std::unique_lock lock(impl_->mu);
    impl_->cv.wait(lock, [this] { return impl_->stopped; });
  }
  impl_->loops.join();
}

void App::wait_for_signal() {
  asio::signal_set signals(impl_->io, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    log::info("shutting down", {{"signal", sig}, {"in_flight_connections", impl_->server.active_connections()}});
    impl_->shutdown();
  });
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait(lock, [this] { return impl_->stopped; });
}

int serve(const Config& config) {
  if (config.database_url.empty()) throw std::runtime_error("DATABASE_URL is not set");
  // An empty or short secret would let anyone forge tokens.
  if (config.jwt_secret.size() < 32) throw std::runtime_error("JWT_SECRET must be set to at least 32 characters");
  log::init(true);
  long fds = http::raise_open_file_limit();
  App app(config);
  app.start();
  log::info("listening", {{"port", app.port()},
                          {"threads", app.threads()},
                          {"db_pool_size", config.db_pool_size},
                          {"db_transport", config.database_transport},
                          {"open_file_limit", fds},
                          {"version", WH_VERSION}});
  app.wait_for_signal();
  app.stop();
  log::info("stopped");
  log::flush();
  return 0;
}

}  // namespace wh::server
