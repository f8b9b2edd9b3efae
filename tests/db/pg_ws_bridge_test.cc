// The database WebSocket transport (http/pg_ws_bridge.h): the real Pool,
// Connection and App reaching the test PostgreSQL through the bridge and a
// wss relay of ours (support/ws_pg_relay.h).
#include "http/pg_ws_bridge.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sys/wait.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/connection.h"
#include "db/db.h"
#include "db/pool.h"
#include "server/db_transport.h"
#include "support/coroutine_loop.h"
#include "support/http_client.h"
#include "support/test_certs.h"
#include "support/test_env.h"
#include "support/ws_pg_relay.h"

namespace wh::db {
namespace {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using http::PgWebSocketBridge;
using http::PgWebSocketOptions;

// Runs the coroutines (15 s at most) and fails the test on any exception.
struct Loop : test::CoroutineLoop {
  void run() {
    CoroutineLoop::run(std::chrono::seconds(15));
    expect_no_errors();
  }
};

// The database over plain TCP, whatever the run's transport (db_url()
// answers the test process's own bridge when the whole run goes through
// one): these tests put their own bridge in front of it.
std::string pg_port() { return std::getenv("WH_TEST_PG_PORT"); }
std::string direct_url(const test::ScratchDb& db) {
  return "postgresql://postgres@127.0.0.1:" + pg_port() + "/" + db.name();
}

PgWebSocketOptions through(const test::WsPgRelay& relay) {
  PgWebSocketOptions o;
  o.ws_url_override = relay.url();
  o.ca_file = relay.ca_file();
  o.connect_timeout = 3000ms;
  return o;
}

PoolOptions pool_options(const std::string& conninfo, int size) {
  PoolOptions o;
  o.connect.url = conninfo;
  o.connect.connect_timeout = 5000ms;
  o.size = size;
  o.acquire_timeout = 5000ms;
  o.connect_retries = 0;
  return o;
}

ConnectOptions connect_options(const std::string& conninfo) {
  ConnectOptions o;
  o.url = conninfo;
  o.connect_timeout = 5000ms;
  return o;
}

// Settings libpq reads from `conninfo`.
std::map<std::string, std::string> parsed(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  std::map<std::string, std::string> out;
  if (options == nullptr) {
    ADD_FAILURE() << "does not parse: " << (error ? error : "?");
    if (error) PQfreemem(error);
    return out;
  }
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr) out[o->keyword] = o->val;
  }
  PQconninfoFree(options);
  return out;
}

// The error of connecting to `conninfo` ("" when it connected), and how long it took.
std::string connect_error(const std::string& conninfo, Clock::duration* took) {
  Loop loop;
  std::string error = "(connected)";
  auto t0 = Clock::now();
  loop.spawn([&]() -> Task<void> {
    try {
      auto conn = co_await Connection::connect(loop.io.get_executor(), connect_options(conninfo));
      error.clear();
    } catch (const DbError& e) {
      error = e.what();
      EXPECT_TRUE(e.connection_lost());
    }
  });
  loop.run();
  *took = Clock::now() - t0;
  return error;
}

// --- conninfo rewriting ------------------------------------------------------

TEST(PgWebSocketConninfoTest, UrlFormKeepsTheSessionSettingsAndPointsLibpqAtTheListener) {
  PgWebSocketOptions o;  // no override: wss://<host>/v2, never dialled here
  PgWebSocketBridge bridge(o);
  std::string url =
      "postgresql://shop%20owner:it%27s%20a%20%5Csecret@ep-cool-123.eu-central-1.aws.neon.tech:5433/shop"
      "?sslmode=verify-full&channel_binding=require&sslrootcert=/etc/ca.pem&application_name=my%20app"
      "&options=-c%20search_path%3Dshop";
  auto local = parsed(bridge.local_conninfo(url));
  EXPECT_EQ(local["user"], "shop owner");
  EXPECT_EQ(local["password"], "it's a \\secret");
  EXPECT_EQ(local["dbname"], "shop");
  EXPECT_EQ(local["application_name"], "my app");
  EXPECT_EQ(local["options"], "-c search_path=shop");
  EXPECT_EQ(local["host"], "127.0.0.1");
  EXPECT_EQ(local["hostaddr"], "127.0.0.1");
  EXPECT_EQ(local["sslmode"], "disable");
  EXPECT_EQ(local["gssencmode"], "disable");
  EXPECT_EQ(local.count("channel_binding"), 0u);
  EXPECT_EQ(local.count("sslrootcert"), 0u);
  EXPECT_NE(local["port"], "5433");
  EXPECT_GT(std::stoi(local["port"]), 0);
  // The same target shares its listener; another host gets its own.
  EXPECT_EQ(parsed(bridge.local_conninfo(url))["port"], local["port"]);
  EXPECT_NE(parsed(bridge.local_conninfo("postgresql://u@other.example.com/db"))["port"], local["port"]);
}

TEST(PgWebSocketConninfoTest, KeyValueFormWithQuotesAndSpaces) {
  PgWebSocketBridge bridge(PgWebSocketOptions{});
  std::string kv =
      "host=db.example.com port=5432 user='a b' password='it\\'s \\\\ \"q\" x' dbname=shop sslmode=require";
  auto local = parsed(bridge.local_conninfo(kv));
  EXPECT_EQ(local["user"], "a b");
  EXPECT_EQ(local["password"], "it's \\ \"q\" x");
  EXPECT_EQ(local["dbname"], "shop");
  EXPECT_EQ(local["sslmode"], "disable");
  EXPECT_EQ(local["host"], "127.0.0.1");
  EXPECT_EQ(http::conninfo_quote(""), "''");
  EXPECT_EQ(http::conninfo_quote("a'b\\c"), "'a\\'b\\\\c'");
  EXPECT_EQ(http::conninfo_quote("wh_db-1.x/y:z@h"), "wh_db-1.x/y:z@h");
  EXPECT_EQ(http::conninfo_quote("a b"), "'a b'");
  EXPECT_EQ(http::conninfo_quote("a=b"), "'a=b'");
}

TEST(PgWebSocketConninfoTest, UnroutableUrlsAreRefusedWithoutEchoingThem) {
  PgWebSocketBridge bridge(PgWebSocketOptions{});
  auto message = [&](const std::string& url) {
    try {
      bridge.local_conninfo(url);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  std::string bad = message("postgresql://u:hunter2@h/db?nonsense=1");
  EXPECT_NE(bad.find("invalid database URL"), std::string::npos) << bad;
  EXPECT_EQ(bad.find("hunter2"), std::string::npos) << bad;
  EXPECT_NE(message("dbname=shop").find("no host"), std::string::npos);
  EXPECT_NE(message("host=/var/run/postgresql dbname=shop").find("no host"), std::string::npos);
  EXPECT_NE(message("postgresql://u@a.example.com,b.example.com/db").find("several hosts"), std::string::npos);
  PgWebSocketOptions plain;
  plain.ws_url_override = "ws://127.0.0.1:1/v2";
  EXPECT_THROW(PgWebSocketBridge{plain}, std::runtime_error);
  PgWebSocketOptions missing_ca;
  missing_ca.ca_file = "/nonexistent/ca.pem";
  EXPECT_THROW(PgWebSocketBridge{missing_ca}, std::runtime_error);
}

TEST(DbTransportTest, TcpLeavesTheUrlsAloneAndWebSocketRoutesBoth) {
  Config c;
  c.database_url = "postgresql://u:p@db.example.com/shop";
  c.direct_url = "";
  server::DbTransport tcp(c);
  EXPECT_FALSE(tcp.websocket());
  Config same = tcp.route(c);
  EXPECT_EQ(same.database_url, c.database_url);
  EXPECT_EQ(same.direct_url, "");

  c.database_transport = "websocket";
  c.direct_url = "postgresql://u:p@direct.example.com/shop";
  server::DbTransport ws(c);
  EXPECT_TRUE(ws.websocket());
  Config routed = ws.route(c);
  EXPECT_EQ(parsed(routed.database_url)["hostaddr"], "127.0.0.1");
  EXPECT_EQ(parsed(routed.direct_url)["hostaddr"], "127.0.0.1");
  EXPECT_NE(parsed(routed.database_url)["port"], parsed(routed.direct_url)["port"]) << "one listener per host";
  EXPECT_EQ(ws.libpq_url(""), "");
  try {
    ws.libpq_url("dbname=shop");
    ADD_FAILURE() << "a URL without a host was routed";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("DATABASE_TRANSPORT=websocket"), std::string::npos) << e.what();
  }
}

// --- through a relay ---------------------------------------------------------

TEST(PgWebSocketBridgeTest, PoolRunsQueriesAndPipelines) {
  test::ScratchDb scratch(false);
  test::WsPgRelay relay;
  PgWebSocketBridge bridge(through(relay));
  Loop loop;
  Pool pool(loop.io.get_executor(), pool_options(bridge.local_conninfo(direct_url(scratch)), 2));
  std::string sum;
  std::vector<std::string> values;
  std::size_t big_bytes = 0;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    Params forty_one{Param(41)};
    auto r = co_await db.query("SELECT $1::int + 1", std::move(forty_one));
    sum = std::string(r.get(0, 0));
    std::vector<Statement> statements;
    statements.push_back({"SELECT 'first'::text", {}});
    statements.push_back({"SELECT $1::text || $2::text", {Param("a"), Param(std::string("b"))}});
    statements.push_back({"SELECT count(*) FROM generate_series(1, $1::int)", {Param(1000)}});
    auto results = co_await db.pipeline(std::move(statements));
    for (const auto& res : results) values.emplace_back(res.get(0, 0));
    // Larger than one relay chunk either way.
    auto big = co_await db.query("SELECT string_agg(md5(i::text), '') FROM generate_series(1, 10000) i");
    big_bytes = big.get(0, 0).size();
  });
  loop.run();
  EXPECT_EQ(sum, "42");
  EXPECT_EQ(values, (std::vector<std::string>{"first", "ab", "1000"}));
  EXPECT_EQ(big_bytes, 320000u);
  EXPECT_GE(relay.sessions(), 1);
  ASSERT_FALSE(relay.targets().empty());
  EXPECT_EQ(relay.targets()[0], "/v2?address=127.0.0.1:" + pg_port());
  auto stats = bridge.stats();
  EXPECT_EQ(stats.opened, static_cast<std::uint64_t>(relay.sessions()));
  EXPECT_EQ(stats.failed, 0u);
}

TEST(PgWebSocketBridgeTest, ListenNotifyArrivesThroughTheTunnel) {
  test::ScratchDb scratch(false);
  test::WsPgRelay relay;
  PgWebSocketBridge bridge(through(relay));
  std::string conninfo = bridge.local_conninfo(direct_url(scratch));
  Loop loop;
  std::vector<std::string> got;
  loop.spawn([&]() -> Task<void> {
    auto conn = co_await Connection::connect(loop.io.get_executor(), connect_options(conninfo));
    Params none;
    co_await conn->exec("LISTEN wh_bridge_test", none, 5s);
    test::sql(scratch.name(), "NOTIFY wh_bridge_test, 'hello over wss'");
    for (int i = 0; i < 20 && got.empty(); ++i) got = co_await conn->notifications(200ms);
  });
  loop.run();
  EXPECT_EQ(got, (std::vector<std::string>{"hello over wss"}));
}

TEST(PgWebSocketBridgeTest, KeepAlivePingsHoldAnIdleTunnelOpen) {
  test::ScratchDb scratch(false);
  test::WsPgRelay relay;
  auto o = through(relay);
  o.idle_timeout = 300ms;  // pinged after 150 ms of silence, dropped after 300 ms without an answer
  PgWebSocketBridge bridge(o);
  std::string conninfo = bridge.local_conninfo(direct_url(scratch));
  Loop loop;
  std::string answer;
  loop.spawn([&]() -> Task<void> {
    auto conn = co_await Connection::connect(loop.io.get_executor(), connect_options(conninfo));
    asio::steady_timer idle(co_await asio::this_coro::executor, 1000ms);
    co_await idle.async_wait(asio::use_awaitable);
    EXPECT_TRUE(conn->alive());
    Params none;
    auto r = co_await conn->exec("SELECT 'still here'", none, 5s);
    answer = std::string(r.get(0, 0));
  });
  loop.run();
  EXPECT_EQ(answer, "still here");
  EXPECT_EQ(relay.sessions(), 1);
}

TEST(PgWebSocketBridgeTest, ARelayDroppingMidQueryFailsItPromptlyAndTheNextQueryGetsAFreshConnection) {
  test::ScratchDb scratch(false);
  test::WsPgRelay relay;
  PgWebSocketBridge bridge(through(relay));
  Loop loop;
  Pool pool(loop.io.get_executor(), pool_options(bridge.local_conninfo(direct_url(scratch)), 1));
  bool lost = false;
  Clock::duration failed_after{};
  std::string after;
  std::thread dropper;
  loop.spawn([&]() -> Task<void> {
    {
      Lease lease = co_await pool.acquire();
      dropper = std::thread([&] {
        std::this_thread::sleep_for(300ms);
        relay.drop_all();
      });
      auto t0 = Clock::now();
      try {
        Params none;
        co_await lease->exec("SELECT pg_sleep(5)", none, 10s);
        ADD_FAILURE() << "the query outlived its connection";
      } catch (const DbError& e) {
        lost = e.connection_lost();
        failed_after = Clock::now() - t0;
      }
    }
    Db db(pool, nullptr);
    auto r = co_await db.query("SELECT 'fresh'");
    after = std::string(r.get(0, 0));
  });
  loop.run();
  if (dropper.joinable()) dropper.join();
  EXPECT_TRUE(lost);
  EXPECT_LT(failed_after, 2s);
  EXPECT_EQ(after, "fresh");
  EXPECT_EQ(pool.stats().connects, 2u);
  EXPECT_EQ(relay.sessions(), 2);
}

TEST(PgWebSocketBridgeTest, ASlowRelayStillGivesCorrectAnswers) {
  test::ScratchDb scratch(false);
  test::WsPgRelayOptions slow;
  slow.chunk_delay = 20ms;
  test::WsPgRelay relay(slow);
  PgWebSocketBridge bridge(through(relay));
  Loop loop;
  Pool pool(loop.io.get_executor(), pool_options(bridge.local_conninfo(direct_url(scratch)), 2));
  std::vector<std::string> values;
  Clock::duration one_query{};
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    co_await db.query("SELECT 1");  // connected
    auto t0 = Clock::now();
    Params twenty_one{Param(21)};
    auto r = co_await db.query("SELECT $1::int * 2", std::move(twenty_one));
    one_query = Clock::now() - t0;
    values.emplace_back(r.get(0, 0));
    std::vector<Statement> statements;
    for (int i = 0; i < 5; ++i) statements.push_back({"SELECT $1::int", {Param(i)}});
    auto results = co_await db.pipeline(std::move(statements));
    for (const auto& res : results) values.emplace_back(res.get(0, 0));
  });
  loop.run();
  EXPECT_EQ(values, (std::vector<std::string>{"42", "0", "1", "2", "3", "4"}));
  EXPECT_GE(one_query, 40ms) << "the delay was not applied both ways";
}

TEST(PgWebSocketBridgeTest, AnUntrustedCertificateFailsQuicklyAndSaysWhy) {
  test::ScratchDb scratch(false);
  test::WsPgRelay relay;
  test::TempFile other_ca(test::make_test_certificates({"DNS:localhost", "IP:127.0.0.1"}).ca_pem);
  auto o = through(relay);
  o.ca_file = other_ca.path();
  PgWebSocketBridge bridge(o);
  Clock::duration took{};
  std::string error = connect_error(bridge.local_conninfo(direct_url(scratch)), &took);
  EXPECT_NE(error.find("TLS handshake"), std::string::npos) << error;
  EXPECT_NE(error.find("certificate verify failed"), std::string::npos) << error;
  EXPECT_LT(took, 2s);
  EXPECT_EQ(relay.sessions(), 0);
  EXPECT_EQ(bridge.stats().failed, 1u);
}

TEST(PgWebSocketBridgeTest, AHostNameTheCertificateDoesNotNameFails) {
  test::ScratchDb scratch(false);
  test::WsPgRelayOptions elsewhere;
  elsewhere.alt_names = {"DNS:db.example.test"};
  test::WsPgRelay relay(elsewhere);
  PgWebSocketBridge bridge(through(relay));  // dials 127.0.0.1, the certificate names db.example.test
  Clock::duration took{};
  std::string error = connect_error(bridge.local_conninfo(direct_url(scratch)), &took);
  EXPECT_NE(error.find("TLS handshake"), std::string::npos) << error;
  EXPECT_LT(took, 2s);
  EXPECT_EQ(relay.sessions(), 0);
}

TEST(PgWebSocketBridgeTest, ARefusedUpgradeOrAnUnreachableDatabaseFailsQuickly) {
  test::WsPgRelay relay;
  PgWebSocketBridge bridge(through(relay));
  Clock::duration took{};
  // The relay answers 403 to a non-loopback address.
  std::string error = connect_error(bridge.local_conninfo("postgresql://postgres@db.example.com/postgres"), &took);
  EXPECT_NE(error.find("HTTP 403"), std::string::npos) << error;
  EXPECT_LT(took, 2s);
  // The relay reaches nothing at port 1: it closes the WebSocket.
  error = connect_error(bridge.local_conninfo("postgresql://postgres@127.0.0.1:1/postgres"), &took);
  EXPECT_FALSE(error.empty());
  EXPECT_NE(error, "(connected)");
  EXPECT_LT(took, 2s);
}

TEST(PgWebSocketBridgeTest, ANothingListeningTargetFailsWithinTheConnectTimeout) {
  PgWebSocketOptions o;
  o.ws_url_override = "wss://127.0.0.1:1/v2";
  o.connect_timeout = 1000ms;
  PgWebSocketBridge bridge(o);
  Clock::duration took{};
  std::string error = connect_error(bridge.local_conninfo("postgresql://postgres@127.0.0.1:5432/postgres"), &took);
  EXPECT_NE(error.find("connecting to 127.0.0.1:1"), std::string::npos) << error;
  EXPECT_LT(took, 2s);
}

// --- the whole server and the commands ---------------------------------------

TEST(PgWebSocketAppTest, TheServerAndItsChangeListenerReachTheDatabaseThroughTheBridge) {
  test::ScratchDb scratch;
  test::WsPgRelay relay;
  Config c = test::test_config(scratch.name());
  c.database_transport = "websocket";
  c.database_ws_url = relay.url();
  c.database_ws_ca_file = relay.ca_file();
  test::RunningApp app(c);
  auto products = test::HttpClient(app.port()).get("/api/products");
  EXPECT_EQ(products.status, 200) << products.body;
  EXPECT_TRUE(app.app().state().auth.live.load()) << "the change listener did not connect";
  auto names = relay.application_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "wighaven-listener"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "wighaven"), names.end());
  EXPECT_TRUE(app.app().db_transport().websocket());
  EXPECT_GE(app.app().db_transport().stats().opened, 2u);  // the listener and at least one pool connection
  EXPECT_EQ(app.app().db_transport().stats().failed, 0u);
}

TEST(PgWebSocketAppTest, MigrateRunsThroughTheBridge) {
  const char* bin = std::getenv("WH_TEST_BINARY");
  ASSERT_TRUE(bin != nullptr && *bin != '\0') << "WH_TEST_BINARY is not set: run the tests via ./test.sh";
  test::ScratchDb scratch;  // migrated already: nothing to apply
  test::WsPgRelay relay;
  std::string cmd = "DIRECT_URL= DATABASE_TRANSPORT=websocket DATABASE_WS_URL='" + relay.url() +
                    "' DATABASE_WS_CA_FILE='" + relay.ca_file() + "' DATABASE_URL='" + direct_url(scratch) + "' '" +
                    bin + "' migrate 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) output.append(buf, n);
  int status = pclose(p);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
  EXPECT_NE(output.find("0 applied"), std::string::npos) << output;
  auto names = relay.application_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "wighaven-migrate"), names.end()) << output;
}

}  // namespace
}  // namespace wh::db
