// A fake of Brevo's transactional e-mail API on loopback (over
// test::FakeHttpServer): POST /v3/smtp/email with the accepted api-key
// answers 201 {"messageId":"<n@fake.brevo>"}; a wrong key gets Brevo's 401;
// other paths 404. Replies can be scripted ahead (500, 429, 400). Every
// call is recorded with what it asked to send.
#pragma once
#include <boost/json.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/fake_http_server.h"

namespace wh::test {

class FakeBrevo {
 public:
  struct Call {
    std::string api_key;
    int status = 0;  // what the fake answered
    std::string message_id;
    std::string sender_email, sender_name;
    std::string to, subject, html, text;
    std::string list_unsubscribe;  // the List-Unsubscribe header asked for
    std::vector<std::string> tags;
  };

  explicit FakeBrevo(std::string key) : key_(std::move(key)) {
    server_.set_handler([this](const RecordedRequest& r) { return answer(r); });
  }

  // BREVO_BASE_URL for the server under test.
  std::string base_url() const { return server_.url("/v3"); }

  // The next accepted calls get these replies, in order, then 201 again.
  void script(std::vector<FakeReply> replies) {
    std::lock_guard lock(mu_);
    for (auto& r : replies) script_.push_back(std::move(r));
  }

  std::vector<Call> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  // Calls that were answered 201 (e-mails "delivered"), to `to` ("" = any).
  std::vector<Call> delivered(const std::string& to = "") const {
    std::vector<Call> out;
    for (auto& c : calls()) {
      if (c.status == 201 && (to.empty() || c.to == to)) out.push_back(c);
    }
    return out;
  }
  // Polls until `done` holds (or `within` passes).
  bool wait(const std::function<bool()>& done, std::chrono::milliseconds within) const {
    auto until = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < until) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
  }

  static FakeReply error(int status, const std::string& code, const std::string& message) {
    boost::json::object body{{"code", code}, {"message", message}};
    return FakeReply::json(boost::json::serialize(body), status);
  }

 private:
  static std::string field(const boost::json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
  }

  FakeReply answer(const RecordedRequest& r) {
    Call call;
    call.api_key = r.header("api-key");
    boost::system::error_code ec;
    auto body = boost::json::parse(r.body, ec);
    if (!ec && body.is_object()) {
      const auto& o = body.as_object();
      if (const auto* s = o.if_contains("sender"); s != nullptr && s->is_object()) {
        call.sender_email = field(s->as_object(), "email");
        call.sender_name = field(s->as_object(), "name");
      }
      if (const auto* to = o.if_contains("to"); to != nullptr && to->is_array() && !to->as_array().empty()) {
        call.to = field(to->as_array().front().as_object(), "email");
      }
      call.subject = field(o, "subject");
      call.html = field(o, "htmlContent");
      call.text = field(o, "textContent");
      if (const auto* h = o.if_contains("headers"); h != nullptr && h->is_object()) {
        call.list_unsubscribe = field(h->as_object(), "List-Unsubscribe");
      }
      if (const auto* t = o.if_contains("tags"); t != nullptr && t->is_array()) {
        for (const auto& tag : t->as_array()) call.tags.emplace_back(tag.as_string());
      }
    }
    std::lock_guard lock(mu_);
    FakeReply reply;
    if (r.method != "POST" || r.target != "/v3/smtp/email") {
      reply = error(404, "not_found", "Not found");
    } else if (call.api_key != key_) {
      reply = error(401, "unauthorized", "Key not found");
    } else if (!script_.empty()) {
      reply = script_.front();
      script_.pop_front();
    } else {
      call.message_id = "<" + std::to_string(calls_.size() + 1) + "@fake.brevo>";
      boost::json::object ok{{"messageId", call.message_id}};
      reply = FakeReply::json(boost::json::serialize(ok), 201);
    }
    call.status = reply.status;
    calls_.push_back(std::move(call));
    return reply;
  }

  std::string key_;
  mutable std::mutex mu_;
  std::deque<FakeReply> script_;
  std::vector<Call> calls_;
  FakeHttpServer server_;  // last: stopped first, while the state above still exists
};

}  // namespace wh::test
