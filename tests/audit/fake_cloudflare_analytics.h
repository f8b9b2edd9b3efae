// A fake of Cloudflare's GraphQL Analytics API on loopback (over
// test::FakeHttpServer): POST /client/v4/graphql with the accepted bearer
// token answers httpRequestsAdaptiveGroups for the zone it is asked about,
// with known counts; a wrong token gets Cloudflare's GraphQL error; `fail`
// makes every call a 500. The counts give an edge hit rate of 0.625 over
// all API requests and 100/110 for the product_lists routes.
#pragma once
#include <atomic>
#include <string>

#include "support/fake_http_server.h"

namespace wh::test {

class FakeCloudflareAnalytics {
 public:
  static constexpr const char* kZone = "zone-0123";
  static constexpr const char* kToken = "analytics-token-0123456789";

  FakeCloudflareAnalytics() {
    server_.set_handler([this](const RecordedRequest& r) { return answer(r); });
  }
  // CLOUDFLARE_API_BASE_URL for the server under test.
  std::string base_url() const { return server_.url("/client/v4"); }
  void fail(bool on) { fail_ = on; }
  std::vector<RecordedRequest> requests() const { return server_.requests(); }

 private:
  FakeReply answer(const RecordedRequest& r) {
    if (r.method != "POST" || r.target != "/client/v4/graphql") return FakeReply::json("{}", 404);
    if (fail_) return FakeReply::json(R"({"errors":[{"message":"internal error"}]})", 500);
    if (r.header("authorization") != std::string("Bearer ") + kToken) {
      return FakeReply::json(R"({"data":null,"errors":[{"message":"not authorized for that account"}]})");
    }
    if (r.body.find(kZone) == std::string::npos) return FakeReply::json(R"({"data":{"viewer":{"zones":[]}}})");
    return FakeReply::json(
        R"({"data":{"viewer":{"zones":[{"httpRequestsAdaptiveGroups":[)"
        R"({"count":90,"dimensions":{"clientRequestHTTPMethodName":"GET","clientRequestPath":"/api/products","cacheStatus":"hit"}},)"
        R"({"count":10,"dimensions":{"clientRequestHTTPMethodName":"GET","clientRequestPath":"/api/products","cacheStatus":"miss"}},)"
        R"({"count":10,"dimensions":{"clientRequestHTTPMethodName":"GET","clientRequestPath":"/api/products/search","cacheStatus":"stale"}},)"
        R"({"count":50,"dimensions":{"clientRequestHTTPMethodName":"GET","clientRequestPath":"/api/auth/me","cacheStatus":"dynamic"}})"
        R"(]}]}},"errors":null})");
  }

  std::atomic<bool> fail_{false};
  FakeHttpServer server_;
};

}  // namespace wh::test
