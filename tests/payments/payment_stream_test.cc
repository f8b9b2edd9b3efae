// GET /api/orders/:n/payment-stream (server-sent events) and the static
// GET /order/confirmation page.
#include <future>

#include "payments_fixture.h"
#include "server/app.h"
#include "server/app_state.h"

namespace wh::test {
namespace {

class PaymentStream : public PaymentsApi {
 protected:
  static void SetUpTestSuite() {
    start_payments([](Config& c) {
      c.payment_stream_heartbeat = std::chrono::milliseconds(200);
      c.payment_stream_max = std::chrono::milliseconds(2500);
    });
  }
  // The raw response of the stream (read until the server closes it).
  static std::future<std::string> open(const std::string& number, const std::string& email) {
    std::string request = "GET /api/orders/" + number + "/payment-stream?email=" + email +
                          " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    auto port = server_->port();
    return std::async(std::launch::async, [port, request] { return raw_exchange(port, request, 10000); });
  }
};

TEST_F(PaymentStream, SendsTheStatusAtOnceThenThePaymentAndCloses) {
  auto o = order("session-sse-1", 10, 1, 2, "sse1@example.com");
  auto started = std::chrono::steady_clock::now();
  auto stream = open(o.number, "sse1@example.com");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  post_signed(charge_event("charge.success", o.reference, o.total));
  auto raw = stream.get();
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_NE(raw.find("HTTP/1.1 200"), std::string::npos) << raw;
  EXPECT_NE(raw.find("Content-Type: text/event-stream"), std::string::npos) << raw;
  EXPECT_NE(raw.find("Transfer-Encoding: chunked"), std::string::npos) << raw;
  auto pending =
      raw.find(R"(data: {"order_number":")" + o.number + R"(","status":"pending","payment_status":"pending"})");
  auto paid = raw.find(R"("status":"processing","payment_status":"paid"})");
  EXPECT_NE(pending, std::string::npos) << raw;
  EXPECT_NE(paid, std::string::npos) << raw;
  EXPECT_LT(pending, paid);
  EXPECT_NE(raw.find(": keep-alive"), std::string::npos) << raw;
  EXPECT_EQ(raw.find("event: timeout"), std::string::npos) << raw;
  EXPECT_EQ(raw.substr(raw.size() - 5), "0\r\n\r\n");
  EXPECT_LT(took, std::chrono::milliseconds(2500));
}

TEST_F(PaymentStream, EndsAfterTheMaximumDurationAndRefusesStrangers) {
  auto o = order("session-sse-2", 10, 1, 2, "sse2@example.com");
  auto raw = open(o.number, "sse2@example.com").get();
  EXPECT_NE(raw.find("event: timeout"), std::string::npos) << raw;
  auto stranger = server_->get("/api/orders/" + o.number + "/payment-stream?email=other@example.com");
  EXPECT_EQ(stranger.status, 403);
  EXPECT_EQ(server_->get("/api/orders/ORD-19990101-ABCDEF/payment-stream").status, 404);
}

TEST_F(PaymentStream, ConfirmationPageIsHtml) {
  auto r = server_->get("/order/confirmation");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("Payment Successful"), std::string::npos);
}

// A stream open when the server shuts down ends at once, so the shutdown
// finishes well inside its grace period instead of waiting for the next
// heartbeat (30 s here) to notice.
class PaymentStreamShutdown : public PaymentStream {
 protected:
  static void SetUpTestSuite() {
    start_payments([](Config& c) {
      c.payment_stream_heartbeat = std::chrono::milliseconds(30000);
      c.payment_stream_max = std::chrono::milliseconds(60000);
      c.shutdown_grace = std::chrono::seconds(6);
    });
  }
};

TEST_F(PaymentStreamShutdown, AnOpenStreamEndsWhenTheServerStops) {
  auto o = order("session-sse-stop", 10, 1, 2, "sse-stop@example.com");
  auto stream = open(o.number, "sse-stop@example.com");
  ASSERT_TRUE(auth::wait_until([] { return server_->app().app().state().payment_watch.subscribers() == 1; },
                               std::chrono::milliseconds(5000)));
  auto started = std::chrono::steady_clock::now();
  server_->stop();
  auto took = std::chrono::steady_clock::now() - started;
  auto raw = stream.get();
  EXPECT_NE(raw.find(R"("payment_status":"pending"})"), std::string::npos) << raw;
  EXPECT_EQ(raw.substr(raw.size() - 5), "0\r\n\r\n") << "the stream ended properly: " << raw;
  EXPECT_LT(took, std::chrono::milliseconds(3000));
}

}  // namespace
}  // namespace wh::test
