// A scripted HTTP/1.1 server on 127.0.0.1 standing in for another service
// in tests of outbound calls (currency provider; later Cloudflare, Paystack,
// the mail API, ImageKit). Runs on its own thread, plain or TLS, records
// every request, and answers each as a handler decides: status, headers and
// body after a delay, or a dropped connection.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wh::test {

struct RecordedRequest {
  std::string method;
  std::string target;                                        // path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
  std::string body;
  std::string sni;  // TLS server name the client sent ("" for plain or none)

  // First value of a header ("" when absent).
  std::string header(std::string_view lower_name) const;
};

struct FakeReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};  // before answering (other connections go on meanwhile)
  bool drop = false;                   // close the connection without answering
  bool close_after = false;            // answer, then close the connection (despite keep-alive)

  static FakeReply json(std::string body, int status = 200) {
    FakeReply r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  // 200 `body` after `delay`.
  static FakeReply delayed(std::chrono::milliseconds delay, std::string body = "{}") {
    FakeReply r = json(std::move(body));
    r.delay = delay;
    return r;
  }
};

using FakeHandler = std::function<FakeReply(const RecordedRequest&)>;

// A certificate chain for the TLS mode (PEM).
struct FakeTls {
  std::string cert_pem;
  std::string key_pem;
};

class FakeHttpServer {
 public:
  // Answers 200 {} until a handler is set.
  explicit FakeHttpServer(std::optional<FakeTls> tls = std::nullopt);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  unsigned short port() const;
  // "http(s)://<host>:<port><path>"; `host` defaults to 127.0.0.1.
  std::string url(std::string_view path = "/", std::string_view host = "127.0.0.1") const;

  void set_handler(FakeHandler handler);
  // Every request gets `reply`.
  void reply(FakeReply reply);

  std::vector<RecordedRequest> requests() const;
  std::size_t request_count() const;
  int connections() const;        // accepted (TLS: handshake completed)
  int failed_handshakes() const;  // TLS handshakes the client broke off
  int max_in_flight() const;      // most requests being answered at once

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace wh::test
