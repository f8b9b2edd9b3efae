// Plain request/response values shared by the HTTP edge and the domain
// handlers. Deliberately free of Beast types.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wh::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;                 // upper case, e.g. "GET"
  std::string target;                 // as received
  std::string path;                   // percent-decoded, no query
  std::vector<std::string> segments;  // path split on '/', decoded, no empties
  HeaderList query;                   // decoded query parameters in order
  HeaderList headers;                 // names lower-cased
  std::string body;
  std::string peer_ip;    // socket peer address
  std::string client_ip;  // real client (peer unless a trusted proxy says otherwise)
  std::string request_id;

  // Case-insensitive header lookup (names are stored lower-case).
  std::optional<std::string_view> header(std::string_view lower_name) const;
  // First value of a query parameter.
  std::optional<std::string_view> query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  HeaderList headers;

  void set_header(std::string name, std::string value);
  const std::string* find_header(std::string_view name) const;

  // A JSON response whose body is already serialised.
  static Response json(std::string body, int status = 200);
};

}  // namespace wh::http
