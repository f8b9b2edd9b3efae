// The response head the server writes before the body.
#include "http/response_head.h"

#include <gtest/gtest.h>

namespace wh::http {
namespace {

Response sample() {
  Response r = Response::json(Bytes("{}"), 404);
  r.set_header("ETag", Bytes::literal("\"abc\""));
  r.set_header("X-Cache", Bytes::literal("HIT"));
  return r;
}

TEST(ResponseHead, StatusLineHeadersInOrderAndLength) {
  auto head = serialize_head(sample(), {11, true, "rid-1", 2});
  EXPECT_EQ(head,
            "HTTP/1.1 404 Not Found\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            "ETag: \"abc\"\r\n"
            "X-Cache: HIT\r\n"
            "X-Request-Id: rid-1\r\n"
            "Content-Length: 2\r\n\r\n");
}

TEST(ResponseHead, ConnectionOnlyWhenItDiffersFromTheVersionsDefault) {
  EXPECT_NE(serialize_head(sample(), {11, false, "r", 0}).find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(serialize_head(sample(), {11, true, "r", 0}).find("Connection:"), std::string::npos);
  auto http10 = serialize_head(sample(), {10, true, "r", 0});
  EXPECT_EQ(http10.rfind("HTTP/1.0 404 Not Found\r\n", 0), 0u);
  EXPECT_NE(http10.find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_EQ(serialize_head(sample(), {10, false, "r", 0}).find("Connection:"), std::string::npos);
}

TEST(ResponseHead, AStreamedBodyIsChunkedOrFramedByTheConnection) {
  auto chunked = serialize_head(sample(), {11, true, "r", 0, Framing::chunked});
  EXPECT_EQ(chunked.find("Content-Length"), std::string::npos);
  EXPECT_EQ(chunked.substr(chunked.size() - 32), "\r\nTransfer-Encoding: chunked\r\n\r\n");
  auto closing = serialize_head(sample(), {10, false, "r", 0, Framing::close});
  EXPECT_EQ(closing.find("Content-Length"), std::string::npos);
  EXPECT_EQ(closing.find("Transfer-Encoding"), std::string::npos);
  EXPECT_EQ(closing.substr(closing.size() - 4), "\r\n\r\n");
}

TEST(ResponseHead, AValueWithALineBreakIsLeftOut) {
  Response r = sample();
  r.set_header("Location", Bytes(std::string("/x\r\nSet-Cookie: evil=1")));
  auto head = serialize_head(r, {11, true, "r", 0});
  EXPECT_EQ(head.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(head.find("Location"), std::string::npos);
  EXPECT_NE(head.find("X-Cache: HIT\r\n"), std::string::npos);
}

}  // namespace
}  // namespace wh::http
