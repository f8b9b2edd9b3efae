// A fake of Paystack's API on loopback (over test::FakeHttpServer) for the
// checkout and refund tests:
//   POST /charge                      accepted ({"status":true, data.status
//                                     "send_otp"}), refused (400
//                                     {"status":false,...}) or a 500, after a
//                                     configurable latency
//   GET  /transaction/verify/:ref     scripted replies in order, then the
//                                     default verdict (pending)
//   POST /refund                      accepted unless scripted
// A wrong bearer token gets Paystack's 401. Every call is recorded with its
// parsed JSON body.
#pragma once
#include <boost/json.hpp>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "support/fake_http_server.h"

namespace wh::test {

class FakePaystack {
 public:
  static constexpr const char* kSecret = "sk_test_fake_0123456789";

  enum class Charge { accept, refuse, server_error };

  struct Call {
    std::string method;
    std::string path;
    std::string token;
    boost::json::value body;  // null when not JSON
  };

  FakePaystack() {
    server_.set_handler([this](const RecordedRequest& r) { return answer(r); });
  }

  std::string base_url() const {
    auto u = server_.url("/");
    return u.substr(0, u.size() - 1);
  }

  void charge_mode(Charge mode) {
    std::lock_guard lock(mu_);
    charge_ = mode;
  }
  // Every charge answers after `latency` (a timeout when it exceeds the
  // client's PAYSTACK_TIMEOUT_MS).
  void latency(std::chrono::milliseconds latency) {
    std::lock_guard lock(mu_);
    latency_ = latency;
  }
  // The next verify calls get these replies in order, then `verify_default`.
  void script_verify(std::vector<FakeReply> replies) {
    std::lock_guard lock(mu_);
    for (auto& r : replies) verify_script_.push_back(std::move(r));
  }
  void verify_default(FakeReply reply) {
    std::lock_guard lock(mu_);
    verify_default_ = std::move(reply);
  }
  void script_refund(std::vector<FakeReply> replies) {
    std::lock_guard lock(mu_);
    for (auto& r : replies) refund_script_.push_back(std::move(r));
  }

  std::vector<Call> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::vector<Call> calls_to(const std::string& path_prefix) const {
    std::vector<Call> out;
    for (auto& c : calls()) {
      if (c.path.rfind(path_prefix, 0) == 0) out.push_back(c);
    }
    return out;
  }
  int max_in_flight() const { return server_.max_in_flight(); }

  // {"status":true,...,"data":{"status":<status>}} as verify answers it.
  static FakeReply verify_status(const std::string& status) {
    return FakeReply::json(R"({"status":true,"message":"Verification successful","data":{"status":")" + status +
                           R"(","channel":"mobile_money","reference":"x"}})");
  }
  // A verify answer for a paid transaction of `amount` pesewas.
  static FakeReply verify_paid(long long amount, const std::string& currency = "GHS") {
    return FakeReply::json(R"({"status":true,"message":"Verification successful","data":{"status":"success",)"
                           R"("channel":"mobile_money","gateway_response":"Approved","amount":)" +
                           std::to_string(amount) + R"(,"currency":")" + currency + R"("}})");
  }
  static FakeReply server_error() { return FakeReply::json(R"({"status":false,"message":"Server error"})", 500); }

 private:
  FakeReply answer(const RecordedRequest& r) {
    Call call;
    call.method = r.method;
    call.path = r.target;
    std::string auth = r.header("authorization");
    if (auth.rfind("Bearer ", 0) == 0) call.token = auth.substr(7);
    boost::system::error_code ec;
    auto body = boost::json::parse(r.body, ec);
    if (!ec) call.body = body;
    std::lock_guard lock(mu_);
    calls_.push_back(call);
    if (call.token != kSecret) {
      return FakeReply::json(R"({"status":false,"message":"Invalid key"})", 401);
    }
    if (r.method == "POST" && r.target == "/charge") {
      FakeReply reply;
      switch (charge_) {
        case Charge::accept:
          reply = FakeReply::json(
              R"({"status":true,"message":"Charge attempted","data":{"reference":"r","status":"send_otp","display_text":"Please approve on your phone"}})");
          break;
        case Charge::refuse:
          reply = FakeReply::json(R"({"status":false,"message":"Mobile money number is not valid"})", 400);
          break;
        case Charge::server_error:
          reply = server_error();
          break;
      }
      reply.delay = latency_;
      return reply;
    }
    if (r.method == "GET" && r.target.rfind("/transaction/verify/", 0) == 0) {
      if (!verify_script_.empty()) {
        auto reply = verify_script_.front();
        verify_script_.pop_front();
        return reply;
      }
      return verify_default_;
    }
    if (r.method == "POST" && r.target == "/refund") {
      if (!refund_script_.empty()) {
        auto reply = refund_script_.front();
        refund_script_.pop_front();
        return reply;
      }
      return FakeReply::json(
          R"({"status":true,"message":"Refund has been queued for processing","data":{"status":"pending"}})");
    }
    return FakeReply::json(R"({"status":false,"message":"Not found"})", 404);
  }

  mutable std::mutex mu_;
  Charge charge_ = Charge::accept;
  std::chrono::milliseconds latency_{0};
  std::deque<FakeReply> verify_script_;
  FakeReply verify_default_ = verify_status("pending");
  std::deque<FakeReply> refund_script_;
  std::vector<Call> calls_;
  FakeHttpServer server_;  // last: stopped first, while the state above still exists
};

}  // namespace wh::test
