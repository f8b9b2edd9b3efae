// A fake of Cloudflare's purge API on loopback (over test::FakeHttpServer):
// POST /client/v4/zones/<zone>/purge_cache with an accepted bearer token
// answers {"success":true,...}; a wrong token gets Cloudflare's 403
// "Authentication error"; other paths 404. Replies can be scripted ahead
// (429 with Retry-After, 500, a 200 without success). Every request is
// recorded with its arrival time and what it asked to purge.
#pragma once
#include <boost/json.hpp>
#include <chrono>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/fake_http_server.h"

namespace wh::test {

class FakeCloudflare {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr const char* kZone = "zone-0123";

  struct Call {
    Clock::time_point at;
    std::string token;  // from "Authorization: Bearer <token>"
    std::string content_type;
    int status = 0;                  // what the fake answered
    bool ok = false;                 // a success answer
    std::vector<std::string> items;  // tags or files
    std::string kind;                // "tags", "files", "purge_everything" or "" (not JSON)
  };

  explicit FakeCloudflare(std::set<std::string> tokens) : tokens_(std::move(tokens)) {
    server_.set_handler([this](const RecordedRequest& r) { return answer(r); });
  }

  // CLOUDFLARE_API_BASE_URL for the server under test.
  std::string base_url() const { return server_.url("/client/v4"); }

  // The next accepted calls get these replies, in order, then success again.
  void script(std::vector<FakeReply> replies) {
    std::lock_guard lock(mu_);
    for (auto& r : replies) script_.push_back(std::move(r));
  }
  // Every accepted call fails with `reply` until cleared (a Cloudflare outage).
  void outage(std::optional<FakeReply> reply) {
    std::lock_guard lock(mu_);
    outage_ = std::move(reply);
  }

  std::vector<Call> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  // The items of every successful call.
  std::set<std::string> purged() const {
    std::set<std::string> out;
    for (const auto& c : calls()) {
      if (c.ok) out.insert(c.items.begin(), c.items.end());
    }
    return out;
  }
  // Polls until `tag` was purged (or `within` passes).
  bool wait_purged(const std::string& tag, std::chrono::milliseconds within) const {
    auto until = Clock::now() + within;
    while (Clock::now() < until) {
      if (purged().count(tag) != 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return purged().count(tag) != 0;
  }

  static FakeReply success() {
    return FakeReply::json(R"({"success":true,"errors":[],"messages":[],"result":{"id":"purge-id"}})");
  }
  static FakeReply rate_limited(int retry_after_s) {
    auto r = FakeReply::json(
        R"({"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}]})",
        429);
    r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
    return r;
  }

 private:
  FakeReply answer(const RecordedRequest& r) {
    Call call;
    call.at = Clock::now();
    std::string auth = r.header("authorization");
    if (auth.rfind("Bearer ", 0) == 0) call.token = auth.substr(7);
    call.content_type = r.header("content-type");
    boost::system::error_code ec;
    auto body = boost::json::parse(r.body, ec);
    if (!ec && body.is_object()) {
      for (const char* key : {"tags", "files"}) {
        if (const auto* list = body.as_object().if_contains(key)) {
          call.kind = key;
          for (const auto& i : list->as_array()) call.items.emplace_back(i.as_string());
        }
      }
      if (body.as_object().contains("purge_everything")) call.kind = "purge_everything";
    }
    FakeReply reply = success();
    {
      std::lock_guard lock(mu_);
      if (r.method != "POST" || r.target != std::string("/client/v4/zones/") + kZone + "/purge_cache") {
        reply = FakeReply::json(R"({"success":false,"errors":[{"code":7003,"message":"No route for that URI"}]})", 404);
      } else if (tokens_.count(call.token) == 0) {
        reply = FakeReply::json(R"({"success":false,"errors":[{"code":10000,"message":"Authentication error"}]})", 403);
      } else if (outage_) {
        reply = *outage_;
      } else if (!script_.empty()) {
        reply = script_.front();
        script_.pop_front();
      }
      call.status = reply.status;
      call.ok = reply.status == 200 && reply.body.find("\"success\":true") != std::string::npos;
      calls_.push_back(call);
    }
    return reply;
  }

  std::set<std::string> tokens_;
  mutable std::mutex mu_;
  std::deque<FakeReply> script_;
  std::optional<FakeReply> outage_;
  std::vector<Call> calls_;
  FakeHttpServer server_;  // last: stopped first, while the state above still exists
};

}  // namespace wh::test
