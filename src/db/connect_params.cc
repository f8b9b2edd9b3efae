#include "db/connect_params.h"

#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/address.hpp>
#include <cstdlib>
#include <map>
#include <memory>

#include "core/resolve.h"
#include "db/result.h"

namespace wh::db {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out;
}

[[noreturn]] void fail(const std::string& what) { throw DbError("connect: " + what, "", true); }

Task<std::vector<std::string>> resolve(asio::any_io_executor ex, const std::string& host, const std::string& port,
                                       Clock::time_point deadline) {
  auto found = co_await resolve_until(std::move(ex), host, port, deadline);
  if (found.timed_out) fail("timed out resolving " + host);
  std::vector<std::string> addresses;
  for (const auto& ep : found.endpoints) {
    std::string a = ep.address().to_string();
    if (std::find(addresses.begin(), addresses.end(), a) == addresses.end()) addresses.push_back(std::move(a));
  }
  if (found.error || addresses.empty()) {
    fail("could not resolve " + host + ": " + (found.error ? found.error.message() : "no address"));
  }
  co_return addresses;
}

bool is_socket_path(const std::string& host) { return host.empty() || host[0] == '/' || host[0] == '@'; }

}  // namespace

std::string ConnectParams::get(const std::string& key) const {
  for (std::size_t i = keys.size(); i-- > 0;) {
    if (keys[i] == key) return values[i];
  }
  return "";
}

Task<ConnectParams> connect_params(asio::any_io_executor ex, const ConnectOptions& o, Clock::time_point deadline) {
  std::map<std::string, std::string> kv;
  kv["connect_timeout"] = std::to_string(std::max<long long>(2, o.connect_timeout.count() / 1000));
  kv["application_name"] = o.application_name;
  // Startup options go only where they are allowed (not through PgBouncer,
  // which is run with 0 and the role's settings). jit=off: the planner's
  // cost estimates of the catalog's JSON statements cross jit_above_cost,
  // and compiling them costs 20-150 ms against 5-25 ms of execution.
  if (o.statement_timeout.count() > 0)
    kv["options"] = "-c statement_timeout=" + std::to_string(o.statement_timeout.count()) + " -c jit=off";

  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(o.url.c_str(), &error);
  if (parsed == nullptr) {
    // The message names the syntax problem, never the URL (it may hold a password).
    std::string m = error ? error : "out of memory";
    if (error) PQfreemem(error);
    while (!m.empty() && m.back() == '\n') m.pop_back();
    fail("invalid DATABASE_URL: " + m);
  }
  for (PQconninfoOption* opt = parsed; opt->keyword != nullptr; ++opt) {
    if (opt->val != nullptr) kv[opt->keyword] = opt->val;  // the URL overrides our defaults
  }
  PQconninfoFree(parsed);

  // Only libpq's environment fallbacks are left for it to read.
  if (!kv.contains("hostaddr")) {
    std::string host_list = kv.contains("host") ? kv["host"] : (std::getenv("PGHOST") ? std::getenv("PGHOST") : "");
    std::string port_list = kv.contains("port") ? kv["port"] : (std::getenv("PGPORT") ? std::getenv("PGPORT") : "");
    auto hosts = split(host_list);
    auto ports = split(port_list.empty() ? "5432" : port_list);
    bool named = false;
    for (const auto& h : hosts) named = named || !is_socket_path(h);
    if (!host_list.empty() && named && (ports.size() == 1 || ports.size() == hosts.size())) {
      std::vector<std::string> out_hosts, out_addrs, out_ports;
      for (std::size_t i = 0; i < hosts.size(); ++i) {
        const std::string& h = hosts[i];
        const std::string& p = ports.size() == 1 ? ports[0] : ports[i];
        boost::system::error_code ec;
        asio::ip::make_address(h, ec);
        std::vector<std::string> addrs;
        if (is_socket_path(h)) {
          addrs.emplace_back();  // empty hostaddr: libpq uses the socket path
        } else if (!ec) {
          addrs.push_back(h);
        } else {
          addrs = co_await resolve(ex, h, p, deadline);
        }
        for (auto& a : addrs) {
          out_hosts.push_back(h);
          out_addrs.push_back(std::move(a));
          out_ports.push_back(p);
        }
      }
      kv["host"] = join(out_hosts);
      kv["hostaddr"] = join(out_addrs);
      kv["port"] = join(out_ports);
    }
  }

  ConnectParams out;
  for (auto& [k, v] : kv) {
    out.keys.push_back(k);
    out.values.push_back(std::move(v));
  }
  co_return out;
}

}  // namespace wh::db
