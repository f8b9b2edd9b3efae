// The status line and header block of a response, serialised into one
// string. The server writes it and the body (from where the body lies) in
// one gathered write: one allocation per response instead of one per header
// field, which is what the cache hit path spends most of its time on.
#pragma once
#include <string>
#include <string_view>

#include "http/message.h"

namespace wh::http {

// How the body's end is known: its length, chunked transfer encoding (a
// streamed body) or the connection closing (a streamed body to HTTP/1.0).
enum class Framing { length, chunked, close };

struct HeadOptions {
  unsigned version = 11;        // 10 or 11, the request's HTTP version
  bool keep_alive = true;       // false: "Connection: close"
  std::string_view request_id;  // sent as X-Request-Id
  std::size_t content_length = 0;
  Framing framing = Framing::length;
};

// "HTTP/1.x <status> <reason>\r\n", Content-Type, every header of `res` in
// order, X-Request-Id, Connection when it differs from the version's
// default, Content-Length (Transfer-Encoding: chunked, or nothing, per
// the framing), then the blank line. A header whose value holds a
// CR or LF is left out (it would split the response).
std::string serialize_head(const Response& res, const HeadOptions& options);

}  // namespace wh::http
