// The outbound client against a fake server on loopback, on an event loop
// of ONE thread: whatever one request waits for, the others go on.
#include "http/client.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <optional>
#include <thread>

#include "support/fake_http_server.h"
#include "support/test_certs.h"

namespace wh::http {
namespace {
namespace asio = boost::asio;
using test::FakeHttpServer;
using test::FakeReply;
using test::RecordedRequest;
using Kind = OutboundError::Kind;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

OutboundRequest get(std::string url, milliseconds timeout = milliseconds(0)) {
  OutboundRequest r;
  r.url = std::move(url);
  r.timeout = timeout;
  return r;
}

long long ms_since(Clock::time_point t) { return std::chrono::duration_cast<milliseconds>(Clock::now() - t).count(); }

class OutboundClientTest : public ::testing::Test {
 protected:
  OutboundClientTest() : thread_([this] { io_.run(); }) { make_client({}); }
  ~OutboundClientTest() override {
    work_.reset();
    io_.stop();
    thread_.join();
    client_.reset();
  }

  void make_client(ClientOptions options) { client_ = std::make_unique<OutboundClient>(io_.get_executor(), options); }
  void cap_connections_per_host(int n) {
    ClientOptions o;
    o.max_connections_per_host = n;
    make_client(o);
  }
  std::future<OutboundResponse> start(OutboundRequest r) {
    return asio::co_spawn(io_, client_->send(std::move(r)), asio::use_future);
  }
  OutboundResponse send(OutboundRequest r) { return start(std::move(r)).get(); }
  // The kind of error `f` ends with; nullopt when it succeeds.
  static std::optional<Kind> failure(std::future<OutboundResponse> f) {
    try {
      f.get();
    } catch (const OutboundError& e) {
      return e.kind();
    }
    return std::nullopt;
  }
  std::optional<Kind> failure(OutboundRequest r) { return failure(start(std::move(r))); }

  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::thread thread_;
  std::unique_ptr<OutboundClient> client_;
};

TEST_F(OutboundClientTest, PlainRoundTripSendsMethodTargetHeadersAndBody) {
  FakeHttpServer server;
  server.set_handler([](const RecordedRequest&) {
    auto r = FakeReply::json(R"({"ok":true})", 201);
    r.headers.emplace_back("X-Reply", "yes");
    return r;
  });
  OutboundRequest req;
  req.method = "POST";
  req.url = server.url("/v1/purge?zone=a%20b");
  req.headers = {{"Authorization", "Bearer k1"}, {"Content-Type", "application/json"}};
  req.body = R"({"files":["x"]})";
  auto res = send(req);

  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.body, R"({"ok":true})");
  EXPECT_EQ(res.header("x-reply"), "yes");
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/v1/purge?zone=a%20b");
  EXPECT_EQ(seen[0].header("authorization"), "Bearer k1");
  EXPECT_EQ(seen[0].header("content-type"), "application/json");
  EXPECT_EQ(seen[0].header("content-length"), std::to_string(req.body.size()));
  EXPECT_EQ(seen[0].header("host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen[0].body, req.body);
}

TEST_F(OutboundClientTest, AnErrorStatusIsAResponse) {
  FakeHttpServer server;
  server.reply(FakeReply::json(R"({"error":"down"})", 503));
  auto res = send(get(server.url("/")));
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.body, R"({"error":"down"})");
}

TEST_F(OutboundClientTest, KeepAliveReusesOneConnection) {
  FakeHttpServer server;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(send(get(server.url("/"))).status, 200);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(client_->stats().connections_reused, 2u);
}

TEST_F(OutboundClientTest, AConnectionTheServerClosedIsNotReused) {
  FakeHttpServer server;
  FakeReply r = FakeReply::json("{}");
  r.close_after = true;
  server.reply(r);
  EXPECT_EQ(send(get(server.url("/a"))).status, 200);
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(send(get(server.url("/b"))).status, 200);
  EXPECT_EQ(server.connections(), 2);
}

class OutboundTlsTest : public OutboundClientTest {
 protected:
  test::TestCertificates certs_ = test::make_test_certificates({"DNS:localhost"});
  test::TempFile ca_file_{certs_.ca_pem};
  FakeHttpServer server_{test::FakeTls{certs_.server_pem, certs_.server_key_pem}};

  void trust_test_ca() {
    ClientOptions o;
    o.extra_ca_file = ca_file_.path();
    make_client(o);
  }
};

TEST_F(OutboundTlsTest, TrustsTheExtraCaFileAndSendsTheHostNameAsSni) {
  trust_test_ca();
  auto res = send(get(server_.url("/rates", "localhost")));
  EXPECT_EQ(res.status, 200);
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].sni, "localhost");
  EXPECT_EQ(seen[0].target, "/rates");
}

TEST_F(OutboundTlsTest, RefusesACertificateNoTrustedCaSigned) {
  // The system store only: the test CA is unknown.
  EXPECT_EQ(failure(get(server_.url("/", "localhost"))), Kind::tls);
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(OutboundTlsTest, RefusesACertificateForAnotherHostName) {
  trust_test_ca();
  // Signed by the trusted CA, but for "localhost", not 127.0.0.1.
  EXPECT_EQ(failure(get(server_.url("/", "127.0.0.1"))), Kind::tls);
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST(OutboundClientOptions, AnUnreadableExtraCaFileIsRefusedAtStart) {
  asio::io_context io;
  ClientOptions o;
  o.extra_ca_file = "/nonexistent/ca.pem";
  EXPECT_THROW(OutboundClient(io.get_executor(), o), std::runtime_error);
}

TEST_F(OutboundClientTest, ATimeoutEndsOnlyItsOwnRequest) {
  FakeHttpServer server;
  server.set_handler(
      [](const RecordedRequest& r) { return FakeReply::delayed(milliseconds(r.target == "/slow" ? 5000 : 0)); });
  auto t0 = Clock::now();
  auto slow = start(get(server.url("/slow"), milliseconds(800)));
  auto fast = start(get(server.url("/fast")));
  EXPECT_EQ(fast.get().status, 200);
  EXPECT_LT(ms_since(t0), 600) << "the fast request waited for the slow one";
  EXPECT_EQ(failure(std::move(slow)), Kind::timeout);
  auto took = ms_since(t0);
  EXPECT_GE(took, 750);
  EXPECT_LT(took, 3000);
  EXPECT_EQ(send(get(server.url("/after"))).status, 200);
}

TEST_F(OutboundClientTest, AtMostTheCapConnectsPerHostAndTheRestQueue) {
  cap_connections_per_host(2);
  FakeHttpServer server;
  server.reply(FakeReply::delayed(milliseconds(150)));
  std::vector<std::future<OutboundResponse>> all;
  for (int i = 0; i < 6; ++i) all.push_back(start(get(server.url("/"))));
  for (auto& f : all) EXPECT_EQ(f.get().status, 200);
  EXPECT_EQ(server.max_in_flight(), 2);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(client_->stats().queued, 4u);
}

TEST_F(OutboundClientTest, AQueuedRequestTimesOutWithinItsDeadline) {
  cap_connections_per_host(1);
  FakeHttpServer server;
  server.reply(FakeReply::delayed(milliseconds(1500)));
  auto first = start(get(server.url("/")));
  std::this_thread::sleep_for(milliseconds(50));
  auto t0 = Clock::now();
  EXPECT_EQ(failure(get(server.url("/"), milliseconds(200))), Kind::timeout);
  EXPECT_LT(ms_since(t0), 1000);
  EXPECT_EQ(first.get().status, 200);
}

TEST_F(OutboundClientTest, ReportsEachKindOfFailure) {
  unsigned short closed_port = 0;
  {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = a.local_endpoint().port();
  }
  EXPECT_EQ(failure(get("http://127.0.0.1:" + std::to_string(closed_port) + "/")), Kind::connect);

  FakeHttpServer server;
  FakeReply drop;
  drop.drop = true;
  server.reply(drop);
  EXPECT_EQ(failure(get(server.url("/"))), Kind::protocol);

  server.reply(FakeReply::json(std::string(5000, 'x')));
  OutboundRequest big = get(server.url("/"));
  big.max_body_bytes = 1000;
  EXPECT_EQ(failure(big), Kind::too_large);
}

TEST_F(OutboundClientTest, RefusesWhatItCannotSendSafely) {
  EXPECT_EQ(failure(get("ftp://127.0.0.1/x")), Kind::invalid_request);
  EXPECT_EQ(failure(get("not a url")), Kind::invalid_request);
  EXPECT_EQ(failure(get("http://user:pw@127.0.0.1/")), Kind::invalid_request);
  OutboundRequest split = get("http://127.0.0.1:9/");
  split.headers = {{"X-A", "v\r\nX-Injected: 1"}};
  EXPECT_EQ(failure(split), Kind::invalid_request);
  OutboundRequest method = get("http://127.0.0.1:9/");
  method.method = "BREW";
  EXPECT_EQ(failure(method), Kind::invalid_request);
}

TEST(OutboundError, IsAGatewayErrorForHandlers) {
  EXPECT_EQ(OutboundError(Kind::timeout, "t").status(), 504);
  EXPECT_EQ(OutboundError(Kind::tls, "t").status(), 502);
}

}  // namespace
}  // namespace wh::http
