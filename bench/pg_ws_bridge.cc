// wh_pg_ws_bench: the round-trip cost of the database WebSocket transport.
//
//   wh_pg_ws_bench <database URL on 127.0.0.1> [round trips, default 2000]
//
// Runs `SELECT 1` (libpq, one connection, one statement per round trip)
// first over plain TCP, then through the bridge (http/pg_ws_bridge.h) and
// the test relay (tests/support/ws_pg_relay.h: TLS + WebSocket on
// loopback, then TCP to the database), and prints median, p90, p99 and mean
// per round trip and the difference. The difference is an upper bound of
// what the bridge adds: it includes the relay, which stands in for Neon's
// own WebSocket proxy, and two more loopback hops. Against Neon the network
// round trip comes on top either way. Everything runs on this machine, so
// pin nothing else on it while measuring.
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <string>
#include <vector>

#include "http/pg_ws_bridge.h"
#include "support/ws_pg_relay.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Summary {
  double median_us = 0, p90_us = 0, p99_us = 0, mean_us = 0;
};

// Microseconds of each of `n` SELECT 1 round trips on a connection to
// `conninfo` (after 100 unmeasured ones). Exits on failure.
std::vector<double> round_trips(const std::string& conninfo, int n) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::fprintf(stderr, "wh_pg_ws_bench: cannot connect: %s", PQerrorMessage(c));
    std::exit(1);
  }
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = -100; i < n; ++i) {
    auto t0 = Clock::now();
    PGresult* r = PQexecParams(c, "SELECT 1", 0, nullptr, nullptr, nullptr, nullptr, 0);
    auto took = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      std::fprintf(stderr, "wh_pg_ws_bench: SELECT 1 failed: %s", PQerrorMessage(c));
      std::exit(1);
    }
    PQclear(r);
    if (i >= 0) out.push_back(took);
  }
  PQfinish(c);
  return out;
}

Summary summarize(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  auto at = [&us](double q) { return us[static_cast<std::size_t>(q * static_cast<double>(us.size() - 1))]; };
  Summary s;
  s.median_us = at(0.5);
  s.p90_us = at(0.9);
  s.p99_us = at(0.99);
  s.mean_us = std::accumulate(us.begin(), us.end(), 0.0) / static_cast<double>(us.size());
  return s;
}

void print(const char* name, const Summary& s) {
  std::printf("%-22s median %8.1f us   p90 %8.1f us   p99 %8.1f us   mean %8.1f us\n", name, s.median_us, s.p90_us,
              s.p99_us, s.mean_us);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: wh_pg_ws_bench <database URL on 127.0.0.1> [round trips]\n");
    return 2;
  }
  std::string url = argv[1];
  int n = argc > 2 ? std::max(10, std::atoi(argv[2])) : 2000;
  try {
    auto tcp = summarize(round_trips(url, n));
    wh::test::WsPgRelay relay;
    wh::http::PgWebSocketOptions o;
    o.ws_url_override = relay.url();
    o.ca_file = relay.ca_file();
    wh::http::PgWebSocketBridge bridge(o);
    auto bridged = summarize(round_trips(bridge.local_conninfo(url), n));
    std::printf("SELECT 1, %d round trips each, one connection\n", n);
    print("tcp", tcp);
    print("bridge + relay (wss)", bridged);
    std::printf("%-22s median %+8.1f us   p90 %+8.1f us   p99 %+8.1f us   mean %+8.1f us\n", "overhead",
                bridged.median_us - tcp.median_us, bridged.p90_us - tcp.p90_us, bridged.p99_us - tcp.p99_us,
                bridged.mean_us - tcp.mean_us);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wh_pg_ws_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
