// The bounded rings of recent log lines (core/log_ring.h) and what
// log::recent() answers from them.
#include "core/log_ring.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "core/log.h"
#include "support/log_capture.h"

namespace wh::log {
namespace {

std::string numbered(int i) { return R"({"msg":"line )" + std::to_string(i) + R"("})"; }

TEST(LineRingTest, KeepsTheNewestWholeLinesWithinItsCapacity) {
  LineRing ring(1024);
  for (int i = 0; i < 1000; ++i) {
    ring.append(numbered(i));
    ASSERT_LE(ring.bytes(), ring.capacity());
  }
  const std::string text = ring.contents();
  EXPECT_EQ(text.size(), ring.bytes());
  EXPECT_GT(ring.bytes(), 1024u - 20u);  // nearly full: only the oldest lines went
  const auto lines = last_lines(text, 10000);
  ASSERT_EQ(lines.size(), ring.lines());
  // Consecutive, newest last, every one whole.
  const int first = 1000 - static_cast<int>(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i], numbered(first + static_cast<int>(i)));
}

TEST(LineRingTest, LastLinesAnswersTheNewestOnes) {
  LineRing ring(4096);
  for (int i = 0; i < 20; ++i) ring.append(numbered(i));
  EXPECT_EQ(last_lines(ring.contents(), 3), (std::vector<std::string>{numbered(17), numbered(18), numbered(19)}));
  EXPECT_TRUE(last_lines(ring.contents(), 0).empty());
  EXPECT_EQ(last_lines(ring.contents(), 100).size(), 20u);
  EXPECT_TRUE(last_lines("", 5).empty());
}

TEST(LineRingTest, AHugeLineIsCutAndDoesNotEmptyTheRing) {
  LineRing ring(1000);
  ring.append("before");
  // 2-byte characters: the cut must not split one.
  std::string huge;
  for (int i = 0; i < 1000; ++i) huge += "\xC3\xA9";
  ring.append(huge);
  ring.append("after");
  const auto lines = last_lines(ring.contents(), 10);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "before");
  EXPECT_LE(lines[1].size(), ring.max_line());
  EXPECT_EQ(lines[1].size() % 2, 0u);
  EXPECT_EQ(lines[2], "after");
}

TEST(LineRingTest, WrapsAroundManyTimesWithLinesOfEverySize) {
  LineRing ring(257);
  std::vector<std::string> all;
  for (int i = 0; i < 5000; ++i) {
    std::string line(static_cast<std::size_t>(i % 60), static_cast<char>('a' + i % 26));
    line += std::to_string(i);
    ring.append(line);
    all.push_back(line);
    ASSERT_LE(ring.bytes(), ring.capacity());
  }
  const auto lines = last_lines(ring.contents(), 100000);
  ASSERT_FALSE(lines.empty());
  ASSERT_EQ(lines.size(), ring.lines());
  EXPECT_EQ(std::vector<std::string>(all.end() - static_cast<long>(lines.size()), all.end()), lines);
}

// The process's rings, through the synchronous writer (no init(true) here).
TEST(LogRecentTest, KeepsEveryLineAndWarningsApart) {
  test::StdoutCapture capture;  // keep the flood off the test's output
  info("ring probe info", {{"probe", 1}});
  warn("ring probe warn", {{"probe", 2}});
  error("ring probe error", {{"probe", 3}});
  for (int i = 0; i < 5000; ++i) info("ring filler", {{"i", i}});
  capture.restore();

  const auto all = recent(Recent::all, 100000);
  std::size_t bytes = 0;
  for (const auto& l : all) bytes += l.size() + 1;
  EXPECT_LE(bytes, kRecentBytes);
  ASSERT_FALSE(all.empty());
  EXPECT_NE(all.back().find(R"("i":4999)"), std::string::npos) << all.back();
  // The warnings were pushed out of the ring of every line by the filler...
  for (const auto& l : all) EXPECT_EQ(l.find("ring probe"), std::string::npos) << l;
  // ...but not out of the ring of warnings, which holds nothing else.
  const auto warnings = recent(Recent::warnings, 100000);
  ASSERT_GE(warnings.size(), 2u);
  EXPECT_NE(warnings[warnings.size() - 2].find("ring probe warn"), std::string::npos);
  EXPECT_NE(warnings.back().find("ring probe error"), std::string::npos);
  EXPECT_NE(warnings.back().find(R"("level":"error")"), std::string::npos);
  for (const auto& l : warnings) EXPECT_EQ(l.find(R"("level":"info")"), std::string::npos) << l;
  EXPECT_EQ(recent(Recent::all, 2).size(), 2u);
}

TEST(LogLineTest, IsTheSameJsonShapeAsInfoWithEscapedStringsAndPlainNumbers) {
  test::StdoutCapture capture;
  Line(Level::info, "line probe")
      .str("rid", "abc")
      .str("path", "/a \"quoted\"\\ path\n")
      .num("status", 200LL)
      .num("ms", 0.001)
      .num("db_ms", 0.0)
      .write();
  Line(Level::error, "line probe error").str("error", "boom").write();
  capture.restore();

  const auto all = recent(Recent::all, 2);
  ASSERT_EQ(all.size(), 2u);
  const auto v = boost::json::parse(all[0]).as_object();
  // The keys in info()'s order, then the fields in the order added.
  std::vector<std::string> keys;
  for (const auto& kv : v) keys.emplace_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"ts", "level", "msg", "rid", "path", "status", "ms", "db_ms"}));
  EXPECT_EQ(v.at("level"), "info");
  EXPECT_EQ(v.at("msg"), "line probe");
  EXPECT_EQ(v.at("path"), "/a \"quoted\"\\ path\n");
  EXPECT_EQ(v.at("status"), 200);
  EXPECT_DOUBLE_EQ(v.at("ms").to_number<double>(), 0.001);
  EXPECT_NE(all[0].find(R"("ms":0.001,"db_ms":0})"), std::string::npos) << all[0];
  // ts as iso_now() writes it: 2026-12-02T11:46:38.416Z.
  const std::string ts(v.at("ts").as_string());
  ASSERT_EQ(ts.size(), 24u) << ts;
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_EQ(ts.back(), 'Z');

  const auto e = boost::json::parse(all[1]).as_object();
  EXPECT_EQ(e.at("level"), "error");
  EXPECT_EQ(e.at("error"), "boom");
  EXPECT_NE(recent(Recent::warnings, 1).back().find("line probe error"), std::string::npos);
}

}  // namespace
}  // namespace wh::log
