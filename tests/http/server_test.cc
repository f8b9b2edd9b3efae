// The HTTP edge through the real App: keep-alive, malformed input, limits,
// request ids, error envelopes, graceful shutdown and a database outage.
#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <regex>
#include <string>
#include <thread>

#include "support/http_client.h"
#include "support/locked_table.h"
#include "support/test_env.h"

namespace wh::test {
namespace {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

int count_of(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

// The body of a raw response (after the blank line).
std::string raw_body(const std::string& raw) {
  auto p = raw.find("\r\n\r\n");
  return p == std::string::npos ? "" : raw.substr(p + 4);
}

bool can_connect(unsigned short port) {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  boost::system::error_code ec;
  s.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  return !ec;
}

void expect_error_envelope(const HttpResult& r, const std::string& type) {
  boost::json::value v;
  ASSERT_NO_THROW(v = r.json()) << r.body;
  ASSERT_TRUE(v.is_object()) << r.body;
  EXPECT_EQ(v.at("success"), false) << r.body;
  ASSERT_TRUE(v.at("error").is_object()) << r.body;
  EXPECT_EQ(v.at("error").at("type"), boost::json::value(type)) << r.body;
  EXPECT_TRUE(v.at("error").at("message").is_string()) << r.body;
  EXPECT_NE(r.header("content-type").find("application/json"), std::string::npos);
}

// One scratch copy of the seeded template and a server on it for the suite.
class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new ScratchDb();
    Config c = test_config(db_->name());
    c.max_body_bytes = 1024;
    app_ = new RunningApp(c);
  }
  static void TearDownTestSuite() {
    delete app_;
    delete db_;
    app_ = nullptr;
    db_ = nullptr;
  }
  static unsigned short port() { return app_->port(); }

  static ScratchDb* db_;
  static RunningApp* app_;
};
ScratchDb* ServerTest::db_ = nullptr;
RunningApp* ServerTest::app_ = nullptr;

TEST_F(ServerTest, HealthzAnswers) {
  auto r = HttpClient(port()).get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("status"), "ok");
}

TEST_F(ServerTest, KeepAliveAnswersPipelinedRequestsOnOneConnection) {
  std::string out = raw_exchange(port(),
                                 "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
                                 "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(count_of(out, "HTTP/1.1 200"), 2) << out;
  EXPECT_EQ(count_of(out, "{\"status\":\"ok\"}"), 2) << out;
}

TEST_F(ServerTest, KeepAliveConnectionStaysOpenBetweenRequests) {
  asio::io_context io;
  boost::beast::tcp_stream stream(io);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));
  namespace bhttp = boost::beast::http;
  for (int i = 0; i < 3; ++i) {
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/healthz", 11};
    req.set(bhttp::field::host, "localhost");
    stream.expires_after(5s);
    bhttp::write(stream, req);
    boost::beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buf, res);
    EXPECT_EQ(res.result_int(), 200u) << "request " << i;
    EXPECT_TRUE(res.keep_alive()) << "request " << i;
  }
}

TEST_F(ServerTest, MalformedRequestGets400AndTheConnectionIsClosed) {
  auto t0 = Clock::now();
  std::string out = raw_exchange(port(), "BLAH\r\n\r\n", 5000);
  auto elapsed = Clock::now() - t0;
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
  EXPECT_LT(elapsed, 4s) << "the server kept the connection open after a malformed request";
  auto body = boost::json::parse(raw_body(out));
  EXPECT_EQ(body.at("success"), false);
  EXPECT_TRUE(body.at("error").at("message").is_string());
  EXPECT_NE(out.find("application/json"), std::string::npos);

  // The server is still fine.
  EXPECT_EQ(HttpClient(port()).get("/healthz").status, 200);
}

TEST_F(ServerTest, InvalidTargetGets400) {
  // Beast accepts the request line; the target is not a valid origin-form URL.
  std::string out = raw_exchange(port(), "GET /api/products%zz HTTP/1.1\r\nHost: x\r\n\r\n", 5000);
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
  out = raw_exchange(port(), "GET http//bad target HTTP/1.1\r\nHost: x\r\n\r\n", 5000);
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
}

TEST_F(ServerTest, OversizedHeaderGets431) {
  std::string req = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(17 * 1024, 'a') + "\r\n\r\n";
  std::string out = raw_exchange(port(), req, 5000);
  EXPECT_EQ(out.rfind("HTTP/1.1 431", 0), 0u) << out.substr(0, 200);
  EXPECT_EQ(HttpClient(port()).get("/healthz").status, 200);
}

TEST_F(ServerTest, HeaderJustBelowTheLimitIsAccepted) {
  std::string req =
      "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Big: " + std::string(12 * 1024, 'a') +
      "\r\n\r\n";
  std::string out = raw_exchange(port(), req, 5000);
  EXPECT_EQ(out.rfind("HTTP/1.1 200", 0), 0u) << out.substr(0, 200);
}

TEST_F(ServerTest, DeclaredBodyLargerThanTheLimitGets413) {
  // max_body_bytes is 1024 for this suite.
  std::string req =
      "POST /api/products HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
      "Content-Length: 4096\r\n\r\n" +
      std::string(4096, 'x');
  std::string out = raw_exchange(port(), req, 5000);
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out.substr(0, 300);
}

TEST_F(ServerTest, ChunkedBodyLargerThanTheLimitGets413) {
  std::string req =
      "POST /api/products HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n1000\r\n" +
      std::string(4096, 'x') + "\r\n0\r\n\r\n";
  std::string out = raw_exchange(port(), req, 5000);
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out.substr(0, 300);
}

TEST_F(ServerTest, BodyWithinTheLimitReachesTheRouter) {
  // POST /api/products is not a route: the request is read and routed (404), not refused.
  auto r = HttpClient(port()).request("POST", "/api/products", std::string(1000, ' ') + "{}");
  EXPECT_EQ(r.status, 404);
  expect_error_envelope(r, "NotFoundError");
}

TEST_F(ServerTest, ValidRequestIdIsEchoed) {
  std::string id = "req-123_abc.DEF";
  auto r = HttpClient(port()).get("/healthz", {{"X-Request-Id", id}});
  EXPECT_EQ(r.header("x-request-id"), id);
  std::string longest(64, 'z');
  EXPECT_EQ(HttpClient(port()).get("/healthz", {{"X-Request-Id", longest}}).header("x-request-id"), longest);
}

TEST_F(ServerTest, InvalidRequestIdIsReplaced) {
  const std::regex generated("[0-9a-f]{16}");
  for (const std::string& bad :
       {std::string("has space"), std::string(100, 'a'), std::string("a;b"), std::string("<script>")}) {
    auto r = HttpClient(port()).get("/healthz", {{"X-Request-Id", bad}});
    EXPECT_NE(r.header("x-request-id"), bad);
    EXPECT_TRUE(std::regex_match(r.header("x-request-id"), generated)) << r.header("x-request-id");
  }
  auto a = HttpClient(port()).get("/healthz").header("x-request-id");
  auto b = HttpClient(port()).get("/healthz").header("x-request-id");
  EXPECT_TRUE(std::regex_match(a, generated)) << a;
  EXPECT_NE(a, b);
}

TEST_F(ServerTest, EveryRoutedResponseCarriesCacheControl) {
  HttpClient c(port());
  for (const char* target : {"/healthz", "/api/health", "/api/products", "/api/nope", "/api/products?page=0"}) {
    auto r = c.get(target);
    EXPECT_FALSE(r.header("cache-control").empty()) << target << " -> " << r.status;
  }
  EXPECT_EQ(c.get("/healthz").header("cache-control"), "private, no-store");
}

TEST_F(ServerTest, ServerGeneratedErrorsCarryCacheControl) {
  std::string out = raw_exchange(port(), "BLAH\r\n\r\n", 5000);
  std::string lower = out;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_NE(lower.find("\r\ncache-control:"), std::string::npos) << out;
}

TEST_F(ServerTest, UnknownRouteIs404Envelope) {
  auto r = HttpClient(port()).get("/api/definitely-not-here");
  EXPECT_EQ(r.status, 404);
  expect_error_envelope(r, "NotFoundError");
  EXPECT_NE(r.json().at("error").at("message").as_string().find("/api/definitely-not-here"), std::string::npos);
}

TEST_F(ServerTest, HeadIsAnsweredWithoutABody) {
  auto r = HttpClient(port()).request("HEAD", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.header("content-length"), "15");  // {"status":"ok"}
}

TEST_F(ServerTest, ProductsListWorks) {
  auto r = HttpClient(port()).get("/api/products?limit=2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("success"), true);
  EXPECT_GE(r.statements(), 1);
}

TEST(ServerTimeoutTest, IdleAndSlowClientsAreDisconnected) {
  ScratchDb db;
  Config c = test_config(db.name());
  c.idle_timeout = std::chrono::seconds(1);
  c.read_timeout = std::chrono::seconds(1);
  RunningApp app(c);

  // Nothing sent at all.
  auto t0 = Clock::now();
  std::string idle = raw_exchange(app.port(), "", 10000);
  EXPECT_EQ(idle, "");
  EXPECT_LT(Clock::now() - t0, 5s) << "an idle connection was kept open past idle_timeout";

  // A header that never ends (slowloris).
  t0 = Clock::now();
  std::string partial = raw_exchange(app.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n", 10000);
  EXPECT_EQ(partial.find("200"), std::string::npos) << partial;
  EXPECT_LT(Clock::now() - t0, 5s) << "an unfinished header kept the connection open";

  // A body shorter than its Content-Length.
  t0 = Clock::now();
  std::string body =
      raw_exchange(app.port(), "POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\":", 10000);
  EXPECT_EQ(body.find("HTTP/1.1 404"), std::string::npos) << "an incomplete body was dispatched: " << body;
  EXPECT_LT(Clock::now() - t0, 5s) << "an unfinished body kept the connection open";

  // The server still serves.
  EXPECT_EQ(HttpClient(app.port()).get("/healthz").status, 200);
}

// ---------------------------------------------------------------------------

TEST(ServerShutdownTest, InFlightRequestFinishesAndIdleConnectionsAreClosed) {
  ScratchDb db;
  RunningApp app(test_config(db.name()));
  const unsigned short port = app.port();
  ASSERT_EQ(HttpClient(port).get("/api/products?limit=1").status, 200);

  // An idle keep-alive connection that has served one request.
  asio::io_context io;
  boost::beast::tcp_stream idle(io);
  idle.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  {
    namespace bhttp = boost::beast::http;
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/healthz", 11};
    req.set(bhttp::field::host, "localhost");
    bhttp::write(idle, req);
    boost::beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    idle.expires_after(5s);
    bhttp::read(idle, buf, res);
    ASSERT_EQ(res.result_int(), 200u);
    ASSERT_TRUE(res.keep_alive());
  }

  LockedTable lock(db.name(), "products");
  HttpResult in_flight;
  std::string in_flight_error;
  std::thread request([&] {
    try {
      in_flight = HttpClient(port).get("/api/products?limit=2");
    } catch (const std::exception& e) {
      in_flight_error = e.what();
    }
  });
  ASSERT_TRUE(wait_for_lock_waiter(db.name())) << "the request never reached the database";

  std::atomic<bool> stopped{false};
  Clock::time_point stopped_at{};
  std::thread stopper([&] {
    app.app().stop();
    stopped_at = Clock::now();
    stopped = true;
  });

  std::this_thread::sleep_for(150ms);
  EXPECT_FALSE(stopped.load()) << "stop() returned while a request was in flight";
  EXPECT_FALSE(can_connect(port)) << "new connections are still accepted while draining";
  // The idle keep-alive connection was closed by the server.
  {
    char c;
    boost::system::error_code ec;
    idle.expires_after(2s);
    std::size_t n = idle.read_some(asio::buffer(&c, 1), ec);
    EXPECT_EQ(n, 0u);
    EXPECT_EQ(ec, boost::asio::error::eof) << ec.message();
  }

  std::this_thread::sleep_for(150ms);
  auto released_at = Clock::now();
  lock.release();
  request.join();
  stopper.join();

  EXPECT_EQ(in_flight_error, "");
  EXPECT_EQ(in_flight.status, 200) << in_flight.body;
  EXPECT_EQ(in_flight.header("connection"), "close");
  EXPECT_TRUE(stopped.load());
  EXPECT_LT(stopped_at - released_at, 3s) << "stop() waited for the grace period instead of the drain";
  EXPECT_FALSE(can_connect(port));
}

TEST(ServerShutdownTest, StopWithNothingInFlightIsQuick) {
  ScratchDb db;
  RunningApp app(test_config(db.name()));
  ASSERT_EQ(HttpClient(app.port()).get("/healthz").status, 200);
  auto t0 = Clock::now();
  app.app().stop();
  EXPECT_LT(Clock::now() - t0, 2s);
  EXPECT_FALSE(can_connect(app.port()));
  app.app().stop();  // idempotent
}

// ---------------------------------------------------------------------------

TEST(DatabaseDownTest, ApiAnswers503WhileLivenessStaysUp) {
  Config c = test_config("postgres");
  c.database_url = "postgresql://postgres@127.0.0.1:1/postgres";
  c.db_connect_retries = 0;
  c.db_acquire_timeout = 200ms;
  c.db_connect_timeout = 2000ms;
  RunningApp app(c);
  HttpClient client(app.port());

  auto t0 = Clock::now();
  auto products = client.get("/api/products");
  EXPECT_LT(Clock::now() - t0, 5s);
  EXPECT_EQ(products.status, 503) << products.body;
  EXPECT_FALSE(products.header("retry-after").empty());
  EXPECT_GT(std::atoi(products.header("retry-after").c_str()), 0);
  expect_error_envelope(products, "ServiceUnavailableError");

  EXPECT_EQ(client.get("/healthz").status, 200);

  auto health = client.get("/api/health");
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_EQ(health.json().at("status"), "unhealthy");
  EXPECT_EQ(health.json().at("success"), false);
  EXPECT_EQ(health.json().at("services").at("database"), "disconnected");
  EXPECT_FALSE(health.header("retry-after").empty());

  auto ready = client.get("/readyz");
  EXPECT_EQ(ready.status, 503) << ready.body;
  expect_error_envelope(ready, "ServiceUnavailableError");
}

// A statement cancelled at DB_STATEMENT_TIMEOUT_MS (here: waiting on a
// locked table) is the database being too slow, not a client's mistake: 503
// with Retry-After, and the server serves on once the lock is gone.
TEST(DatabaseSlowTest, AStatementTimeoutIs503) {
  ScratchDb db;
  Config c = test_config(db.name());
  c.db_statement_timeout = 300ms;
  RunningApp app(c);
  HttpClient client(app.port());
  {
    LockedTable lock(db.name(), "products");
    auto t0 = Clock::now();
    auto r = client.get("/api/products?limit=2");
    EXPECT_LT(Clock::now() - t0, 3s);
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_GT(std::atoi(r.header("retry-after").c_str()), 0);
    expect_error_envelope(r, "ServiceUnavailableError");
  }
  EXPECT_EQ(client.get("/api/products?limit=2").status, 200);
}

TEST(DatabaseUpTest, HealthReportsHealthy) {
  ScratchDb db;
  RunningApp app(test_config(db.name()));
  HttpClient client(app.port());
  auto health = client.get("/api/health");
  ASSERT_EQ(health.status, 200) << health.body;
  auto v = health.json();
  EXPECT_EQ(v.at("status"), "healthy");
  EXPECT_EQ(v.at("success"), true);
  EXPECT_EQ(v.at("services").at("database"), "connected");
  EXPECT_TRUE(v.at("uptime").is_number());
  EXPECT_EQ(client.get("/readyz").status, 200);
}

}  // namespace
}  // namespace wh::test
