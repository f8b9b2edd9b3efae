// A small blocking HTTP/1.1 client for integration tests.
#pragma once
#include <boost/json.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace wh::test {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  boost::json::value json() const { return boost::json::parse(body); }
  std::string header(const std::string& lower) const {
    auto it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
  }
  int statements() const { return std::stoi(header("x-db-statements")); }
};

class HttpClient {
 public:
  explicit HttpClient(unsigned short port) : port_(port) {}
  HttpResult get(const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers = {});
  HttpResult request(const std::string& method, const std::string& target, const std::string& body = "",
                     const std::vector<std::pair<std::string, std::string>>& headers = {});

 private:
  unsigned short port_;
};

// Sends raw bytes on a new connection and returns everything read until the
// server closes it (or `timeout_ms` passes).
std::string raw_exchange(unsigned short port, const std::string& bytes, int timeout_ms = 3000);

}  // namespace wh::test
