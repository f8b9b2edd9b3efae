#include "server/app_state.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "cache/instances.h"
#include "jobs/jobs.h"

namespace wh::server {

namespace {

security::ClientIpPolicy client_ip_policy(const Config& c) {
  security::ClientIpPolicy p;
  if (c.trusted_proxies_file.empty()) {
    p.trusted = security::IpRanges::parse(security::kCloudflareRanges);
  } else {
    std::ifstream in(c.trusted_proxies_file);
    if (!in) throw std::runtime_error("TRUSTED_PROXIES_FILE cannot be read: " + c.trusted_proxies_file);
    std::stringstream text;
    text << in.rdbuf();
    p.trusted = security::IpRanges::parse(text.str());
  }
  p.trusted.add(security::IpRanges::parse(c.trusted_proxies));
  p.origin_secret_header = c.origin_secret_header;
  p.origin_secret = c.origin_secret;
  return p;
}

}  // namespace

http::ClientOptions outbound_options(const Config& c) {
  http::ClientOptions o;
  o.extra_ca_file = c.outbound_ca_file;
  o.default_timeout = c.outbound_timeout;
  o.max_connections_per_host = c.outbound_max_per_host;
  o.user_agent = std::string("wighaven/") + WH_VERSION;
  return o;
}

AppState::AppState(web::Services& services, boost::asio::any_io_executor ex)
    : config(services.config),
      auth(config.principal_cache_ttl, 100000),
      limiter(200000, config.rate_limit_ipv6_prefix),
      general_limit(security::limits::general(config.rate_limit_max)),
      client_ip(client_ip_policy(config)),
      cors(config),
      blocking(config.bcrypt_threads, static_cast<std::size_t>(config.bcrypt_queue)),
      metrics(services, caches),
      outbound(ex, outbound_options(config)),
      paystack(outbound, config),
      rates(services),
      purge(services, metrics.registry, ex),
      mail(services, metrics.registry, ex),
      sockets(services, ex),
      payments(services, metrics.registry, ex),
      jobs(services, metrics.registry, std::move(ex)) {
  services.provide(auth);
  services.provide(site);
  services.provide(limiter);
  services.provide(blocking);
  cache::register_instances(caches, config);
  services.provide(caches);
  services.provide(metrics);
  services.provide(outbound);
  services.provide(paystack);
  services.provide(payment_watch);
  services.provide(sockets);
  services.provide(cors);
  for (auto& spec : jobs::standard_jobs(rates, config)) jobs.add(std::move(spec));
  services.provide(jobs);
}

}  // namespace wh::server
