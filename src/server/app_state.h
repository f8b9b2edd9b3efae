// The module state of one running server: owned here, built from the
// configuration, and provided to the handlers through web::Services.
#pragma once
#include <boost/asio/any_io_executor.hpp>

#include "accounts/auth_state.h"
#include "cache/registry.h"
#include "cdn/purge_worker.h"
#include "core/blocking.h"
#include "core/config.h"
#include "currency/rate_refresher.h"
#include "http/client.h"
#include "jobs/scheduler.h"
#include "mail/mail_worker.h"
#include "metrics/server_metrics.h"
#include "notifications/socket_hub.h"
#include "orders/payment_watch.h"
#include "payments/payment_worker.h"
#include "payments/paystack_client.h"
#include "security/client_ip.h"
#include "security/http_policy.h"
#include "security/rate_limiter.h"
#include "security/site_state.h"
#include "web/services.h"

namespace wh::server {

// The outbound client's options (OUTBOUND_* settings), for the server and
// the commands that call other services.
http::ClientOptions outbound_options(const Config& c);

struct AppState {
  // Builds every object from services.config and provides it to
  // `services`. `ex`: the event loop the outbound client runs on.
  AppState(web::Services& services, boost::asio::any_io_executor ex);
  AppState(const AppState&) = delete;
  AppState& operator=(const AppState&) = delete;

  const Config& config;
  accounts::AuthState auth;
  security::SiteState site;
  security::RateLimiter limiter;
  security::RatePolicy general_limit;  // RATE_LIMIT_MAX_REQUESTS per IP per 15 min
  security::ClientIpPolicy client_ip;
  security::CorsPolicy cors;
  BlockingPool blocking;               // bcrypt and other CPU-heavy work (bounded queue)
  cache::Registry caches;              // the response caches (cache/instances.cc)
  metrics::ServerMetrics metrics;      // GET /metrics, per-route metrics, the cache hit-rate monitor
  http::OutboundClient outbound;       // every call to another service goes through it
  payments::PaystackClient paystack;   // charges, verifies and refunds (through `outbound`)
  currency::RateRefresher rates;       // refresh_once() is the currency_refresh job
  cdn::PurgeWorker purge;              // the edge purge outbox: run() by App::start, stop() after the drain
  mail::MailWorker mail;               // the e-mail outbox (email_logs): the same
  orders::PaymentWatch payment_watch;  // wakes the payment streams (SSE) on order changes
  notifications::SocketHub sockets;    // the open WebSockets (GET /notifications)
  payments::PaymentWorker payments;    // the Paystack webhook queue: the same as mail
  jobs::Scheduler jobs;                // the background jobs (jobs/jobs.h): the same
};

}  // namespace wh::server
