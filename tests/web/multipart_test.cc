// The multipart/form-data reader: valid forms, each malformed input, each
// limit, and a deterministic fuzz run (every input either parses or is an
// ApiError 400/413).
#include "web/multipart.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"

namespace wh::web::multipart {
namespace {

const std::string kType = "multipart/form-data; boundary=XyZ";

// A part of a form body with boundary "XyZ".
std::string part(const std::string& headers, const std::string& data) {
  return "--XyZ\r\n" + headers + "\r\n" + data + "\r\n";
}
std::string field(const std::string& name, const std::string& value) {
  return part("Content-Disposition: form-data; name=\"" + name + "\"\r\n", value);
}
const std::string kClose = "--XyZ--\r\n";

// The status of the ApiError that parsing throws (0 when it parses).
int status_of(const std::string& content_type, const std::string& body, const Limits& limits = {}) {
  try {
    parse(content_type, body, limits);
    return 0;
  } catch (const ApiError& e) {
    return e.status();
  }
}

std::string message_of(const std::string& content_type, const std::string& body, const Limits& limits = {}) {
  try {
    parse(content_type, body, limits);
    return "";
  } catch (const ApiError& e) {
    return e.what();
  }
}

bool inside(std::string_view view, const std::string& body) {
  return view.data() >= body.data() && view.data() + view.size() <= body.data() + body.size();
}

TEST(Multipart, ReadsFieldsAndFilesInOrder) {
  const std::string body =
      field("title", "Lace wigs") +
      part("Content-Disposition: form-data; name=\"file\"; filename=\"products.csv\"\r\nContent-Type: text/csv\r\n",
           "name,price\nWig,10\n") +
      field("empty", "") + kClose;
  auto form = parse(kType, body, {});
  ASSERT_EQ(form.parts.size(), 3u);
  EXPECT_EQ(form.parts[0].name, "title");
  EXPECT_EQ(form.parts[0].data, "Lace wigs");
  EXPECT_FALSE(form.parts[0].filename);
  EXPECT_EQ(form.parts[0].content_type, "text/plain");
  const Part* file = form.find("file");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->filename, "products.csv");
  EXPECT_EQ(file->content_type, "text/csv");
  EXPECT_EQ(file->data, "name,price\nWig,10\n");
  EXPECT_EQ(form.find("empty")->data, "");
  EXPECT_EQ(form.find("missing"), nullptr);
  EXPECT_EQ(form.count("file"), 1u);
  for (const auto& p : form.parts) EXPECT_TRUE(inside(p.data, body)) << p.name << " was copied";
}

TEST(Multipart, BinaryDataWithCrLfAndBoundaryLookalikesSurvives) {
  // CR, LF, NUL, a CRLF followed by "--" and by a prefix of the boundary.
  static constexpr char kData[] = "\r\n\0\x01\xff\r\n--Xy\r\n--\r--XyZ-less\n--XyZ\r\n-XyZ\n\r\r\n\r\n";
  const std::string data(kData, sizeof kData - 1);
  const std::string body = part(
                               "Content-Disposition: form-data; name=\"blob\"; filename=\"a.bin\"\r\n"
                               "Content-Type: application/octet-stream\r\n",
                               data) +
                           kClose;
  auto form = parse(kType, body, {});
  ASSERT_EQ(form.parts.size(), 1u);
  EXPECT_EQ(form.parts[0].data, data);
}

TEST(Multipart, QuotedBoundaryWithSpecialCharacters) {
  const std::string type = "multipart/form-data; boundary=\"a b:c=(d)?\"";
  const std::string body = "--a b:c=(d)?\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b:c=(d)?--";
  auto form = parse(type, body, {});
  ASSERT_EQ(form.parts.size(), 1u);
  EXPECT_EQ(form.parts[0].data, "1");
}

TEST(Multipart, MediaTypeAndHeaderNamesAreCaseInsensitive) {
  const std::string body =
      "--XyZ\r\ncontent-DISPOSITION: Form-Data; NAME=\"a\"\r\nCONTENT-TYPE: text/csv\r\n\r\nv\r\n--XyZ--";
  auto form = parse("Multipart/Form-Data ; charset=utf-8; BOUNDARY=XyZ", body, {});
  ASSERT_EQ(form.parts.size(), 1u);
  EXPECT_EQ(form.parts[0].name, "a");
  EXPECT_EQ(form.parts[0].content_type, "text/csv");
}

TEST(Multipart, PreambleEpilogueAndTransportPaddingAreIgnored) {
  const std::string body =
      "This is a preamble.\r\n--XyZ \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
      "--XyZ-- \r\nThis is an epilogue with --XyZ in it.";
  auto form = parse(kType, body, {});
  ASSERT_EQ(form.parts.size(), 1u);
  EXPECT_EQ(form.parts[0].data, "1");
}

TEST(Multipart, ClosingDelimiterWithoutCrlfAndEmptyFormAreAccepted) {
  EXPECT_EQ(parse(kType, field("a", "1") + "--XyZ--", {}).parts.size(), 1u);
  EXPECT_TRUE(parse(kType, "--XyZ--\r\n", {}).parts.empty());
}

TEST(Multipart, FilenameQuotingKeepsPathsAndUnescapesQuotes) {
  const std::string body =
      part("Content-Disposition: form-data; name=\"f\"; filename=\"C:\\dir\\say \\\"hi\\\".csv\"\r\n", "x") + kClose;
  auto form = parse(kType, body, {});
  EXPECT_EQ(form.parts[0].filename, "C:\\dir\\say \"hi\".csv");
  auto empty = parse(kType, part("Content-Disposition: form-data; name=f; filename=\"\"\r\n", "") + kClose, {});
  EXPECT_EQ(empty.parts[0].filename, "");
}

// ---- malformed input: 400 ------------------------------------------------------

struct Malformed {
  const char* what;
  std::string content_type;
  std::string body;
  std::string message;  // a part of the error message
};

TEST(Multipart, EveryMalformedInputIs400WithAClearMessage) {
  const std::string cd = "Content-Disposition: form-data; name=\"a\"\r\n";
  const std::vector<Malformed> cases = {
      {"not multipart", "application/json", "{}", "must be multipart/form-data"},
      {"urlencoded", "application/x-www-form-urlencoded", "a=1", "must be multipart/form-data"},
      {"empty content type", "", "", "must be multipart/form-data"},
      {"no boundary", "multipart/form-data", kClose, "no boundary"},
      {"empty boundary", "multipart/form-data; boundary=\"\"", kClose, "1 to 70"},
      {"boundary too long", "multipart/form-data; boundary=" + std::string(71, 'b'), kClose, "1 to 70"},
      {"boundary with a bad character", "multipart/form-data; boundary=\"a@b\"", kClose, "1 to 70"},
      {"boundary ending in a space", "multipart/form-data; boundary=\"ab \"", kClose, "1 to 70"},
      {"unterminated quoted boundary", "multipart/form-data; boundary=\"XyZ", kClose, "unterminated quoted"},
      {"repeated boundary", kType + "; boundary=XyZ", kClose, "repeated"},
      {"parameter without value", "multipart/form-data; boundary", kClose, "has no value"},
      {"empty body", kType, "", "does not occur"},
      {"boundary never occurs", kType, "hello world", "does not occur"},
      {"other boundary", kType, "--Other\r\n" + cd + "\r\n1\r\n--Other--", "does not occur"},
      {"truncated after the first delimiter", kType, "--XyZ", "cut short"},
      {"delimiter followed by text", kType, "--XyZabc\r\n" + cd + "\r\n1\r\n" + kClose, "does not end in CRLF"},
      {"delimiter line ending in LF", kType, "--XyZ\n" + cd + "\r\n1\r\n" + kClose, "does not end in CRLF"},
      {"part never closed", kType, part(cd, "1"), "not closed"},
      {"data cut short", kType, "--XyZ\r\n" + cd + "\r\nabc", "not closed"},
      {"headers never end", kType, "--XyZ\r\n" + cd, "not followed by an empty line"},
      {"no Content-Disposition", kType, part("Content-Type: text/plain\r\n", "1") + kClose, "no Content-Disposition"},
      {"no headers at all", kType, "--XyZ\r\n\r\n1\r\n" + kClose, "no Content-Disposition"},
      {"attachment", kType, part("Content-Disposition: attachment; name=\"a\"\r\n", "1") + kClose, "not form-data"},
      {"no name", kType, part("Content-Disposition: form-data; filename=\"a\"\r\n", "1") + kClose, "no name"},
      {"header without colon", kType, part(cd + "Garbage\r\n", "1") + kClose, "no colon"},
      {"header name with a space", kType, part("Content Disposition: form-data; name=a\r\n", "1") + kClose,
       "invalid part header name"},
      {"bare LF in headers", kType, part("Content-Type: a\nContent-Disposition: form-data; name=a\r\n", "1") + kClose,
       "bare CR, LF or NUL"},
      {"bare CR in headers", kType, part(cd + "X-A: 1\r2\r\n", "1") + kClose, "bare CR, LF or NUL"},
      {"NUL in headers", kType, part(cd + std::string("X-A: 1\0", 7) + "\r\n", "1") + kClose, "bare CR, LF or NUL"},
      {"folded header", kType, part(cd + "X-A: 1\r\n 2\r\n", "1") + kClose, "folded"},
      {"repeated Content-Disposition", kType, part(cd + cd, "1") + kClose, "repeated Content-Disposition"},
      {"repeated Content-Type", kType, part(cd + "Content-Type: a\r\nContent-Type: b\r\n", "1") + kClose,
       "repeated Content-Type"},
      {"empty Content-Type", kType, part(cd + "Content-Type:\r\n", "1") + kClose, "empty Content-Type"},
      {"repeated name", kType, part("Content-Disposition: form-data; name=a; name=b\r\n", "1") + kClose, "repeated"},
      {"unterminated quoted name", kType, part("Content-Disposition: form-data; name=\"a\r\n", "1") + kClose,
       "unterminated quoted"},
      {"junk between parameters", kType, part("Content-Disposition: form-data; name=a b\r\n", "1") + kClose,
       "unexpected characters"},
      {"text after the closing delimiter", kType, field("a", "1") + "--XyZ--junk", "closing delimiter"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(status_of(c.content_type, c.body), 400) << c.what;
    EXPECT_NE(message_of(c.content_type, c.body).find(c.message), std::string::npos)
        << c.what << ": " << message_of(c.content_type, c.body);
  }
}

// ---- limits: 413 ---------------------------------------------------------------

TEST(Multipart, TotalSizeLimit) {
  const std::string body = field("a", std::string(100, 'x')) + kClose;
  Limits l;
  l.max_total_bytes = body.size();
  EXPECT_EQ(status_of(kType, body, l), 0);
  l.max_total_bytes = body.size() - 1;
  EXPECT_EQ(status_of(kType, body, l), 413);
}

TEST(Multipart, PartCountLimit) {
  Limits l;
  l.max_parts = 3;
  EXPECT_EQ(status_of(kType, field("a", "1") + field("b", "2") + field("c", "3") + kClose, l), 0);
  EXPECT_EQ(status_of(kType, field("a", "1") + field("b", "2") + field("c", "3") + field("d", "4") + kClose, l), 413);
}

TEST(Multipart, HeaderBlockLimit) {
  // The header block counts its lines and the CRLF CRLF that ends it.
  const std::string headers = "Content-Disposition: form-data; name=\"a\"\r\nX-Pad: " + std::string(50, 'p') + "\r\n";
  const std::string body = part(headers, "1") + kClose;
  Limits l;
  l.max_header_bytes = headers.size() + 2;
  EXPECT_EQ(status_of(kType, body, l), 0);
  l.max_header_bytes = headers.size() + 1;
  EXPECT_EQ(status_of(kType, body, l), 413);
}

TEST(Multipart, PartSizeLimit) {
  const std::string body = field("a", std::string(1000, 'x')) + field("b", "small") + kClose;
  Limits l;
  l.max_part_bytes = 1000;
  EXPECT_EQ(status_of(kType, body, l), 0);
  l.max_part_bytes = 999;
  EXPECT_EQ(status_of(kType, body, l), 413);
  EXPECT_NE(message_of(kType, body, l).find("\"a\""), std::string::npos);
}

TEST(Multipart, EveryTruncationOfAValidBodyParsesOrIs400) {
  const std::string full = "preamble\r\n" + field("a", "1\r\n2") +
                           part("Content-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n", "data") + kClose;
  for (std::size_t n = 0; n < full.size(); ++n) {
    const std::string body = full.substr(0, n);
    int status = status_of(kType, body);
    // Only cuts inside the closing delimiter's padding/CRLF or epilogue still parse.
    if (status == 0) {
      EXPECT_GE(n, full.size() - kClose.size() + 7) << n;
    } else {
      EXPECT_EQ(status, 400) << n;
    }
  }
  EXPECT_EQ(parse(kType, full, {}).parts.size(), 2u);
}

// ---- fuzz ------------------------------------------------------------------------

// A valid form of 1-5 parts with random (often binary) data.
std::string random_form(std::mt19937& rng) {
  std::uniform_int_distribution<int> parts(1, 5), len(0, 140), byte(0, 255), coin(0, 3);
  std::string body = coin(rng) == 0 ? "preamble\r\n" : "";
  for (int p = parts(rng); p > 0; --p) {
    std::string data;
    for (int n = len(rng); n > 0; --n) data += static_cast<char>(byte(rng));
    std::string headers = "Content-Disposition: form-data; name=\"f" + std::to_string(p) + "\"";
    if (coin(rng) == 0) headers += "; filename=\"x.csv\"\r\nContent-Type: text/csv";
    body += "--XyZ\r\n" + headers + "\r\n\r\n" + data + "\r\n";
  }
  return body + kClose;
}

// One random change of `s`: flip, insert, delete, truncate, duplicate, or
// splice in a fragment that the parser looks for.
void mutate(std::string& s, std::mt19937& rng) {
  static const std::vector<std::string> fragments = {"\r\n",
                                                     "\r",
                                                     "\n",
                                                     "--",
                                                     "--XyZ",
                                                     "\r\n--XyZ",
                                                     "--XyZ--",
                                                     "\r\n\r\n",
                                                     ":",
                                                     ";",
                                                     "\"",
                                                     "\\",
                                                     "Content-Disposition: form-data; name=\"z\"\r\n",
                                                     "name=",
                                                     std::string(1, '\0')};
  auto at = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n)(rng); };
  switch (std::uniform_int_distribution<int>(0, 5)(rng)) {
    case 0:
      if (!s.empty()) s[at(s.size() - 1)] = static_cast<char>(at(255));
      break;
    case 1:
      s.insert(at(s.size()), fragments[at(fragments.size() - 1)]);
      break;
    case 2:
      if (!s.empty()) {
        auto pos = at(s.size() - 1);
        s.erase(pos, at(16));
      }
      break;
    case 3:
      s.resize(at(s.size()));
      break;
    case 4:
      if (!s.empty()) {
        auto pos = at(s.size() - 1);
        s.insert(at(s.size()), s.substr(pos, at(64)));
      }
      break;
    default:
      for (auto n = at(8); n > 0; --n) s.insert(at(s.size()), 1, static_cast<char>(at(255)));
  }
}

TEST(Multipart, FuzzedBodiesParseOrThrowApiError) {
  Limits l;
  l.max_parts = 4;
  l.max_header_bytes = 128;
  l.max_part_bytes = 150;
  l.max_total_bytes = 2000;
  int parsed = 0, refused = 0;
  for (unsigned seed = 1; seed <= 6000; ++seed) {
    std::mt19937 rng(seed);
    std::string body = random_form(rng);
    std::string type = kType;
    for (int m = std::uniform_int_distribution<int>(0, 4)(rng); m > 0; --m) mutate(body, rng);
    if (seed % 10 == 0) mutate(type, rng);
    if (seed % 97 == 0) {  // pure garbage
      body.clear();
      for (int n = std::uniform_int_distribution<int>(0, 300)(rng); n > 0; --n) body += static_cast<char>(rng());
    }
    try {
      auto form = parse(type, body, l);
      ++parsed;
      ASSERT_LE(form.parts.size(), l.max_parts) << "seed " << seed;
      for (const auto& p : form.parts) {
        ASSERT_TRUE(inside(p.data, body)) << "seed " << seed;
        ASSERT_LE(p.data.size(), l.max_part_bytes) << "seed " << seed;
      }
    } catch (const ApiError& e) {
      ++refused;
      ASSERT_TRUE(e.status() == 400 || e.status() == 413) << "seed " << seed << ": " << e.status();
    }
  }
  // Both outcomes are exercised (the run is deterministic).
  EXPECT_GT(parsed, 300);
  EXPECT_GT(refused, 1000);
}

}  // namespace
}  // namespace wh::web::multipart
