#include "core/json_text.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <limits>
#include <regex>

#include "content/public_content.h"
#include "core/time.h"

namespace wh {
namespace {

TEST(CompactJsonTest, RemovesWhitespaceOutsideStrings) {
  EXPECT_EQ(compact_json("{ \"a\" : 1, \"b\" : [1, 2,\n 3] }"), "{\"a\":1,\"b\":[1,2,3]}");
  EXPECT_EQ(compact_json("\t{\r\n}\n"), "{}");
}

TEST(CompactJsonTest, KeepsWhitespaceInsideStrings) {
  EXPECT_EQ(compact_json("{\"name\" : \"Body  Wave 18 in\"}"), "{\"name\":\"Body  Wave 18 in\"}");
  EXPECT_EQ(compact_json("[\"a\\tb\", \" \"]"), "[\"a\\tb\",\" \"]");
}

TEST(CompactJsonTest, EscapedQuotesDoNotEndTheString) {
  EXPECT_EQ(compact_json(R"({"q" : "say \"hi there\" now", "n" : 1})"), R"({"q":"say \"hi there\" now","n":1})");
  // An escaped backslash right before the closing quote does end it.
  EXPECT_EQ(compact_json(R"({"p" : "c:\\", "n" : 2})"), R"({"p":"c:\\","n":2})");
  // Output is still valid JSON with the same value.
  std::string in = R"({ "a" : "x \" y \\ z" , "b" : [ true , null ] })";
  EXPECT_EQ(boost::json::parse(compact_json(in)), boost::json::parse(in));
}

TEST(JsonNumberTest, PrintsLikeJavaScript) {
  EXPECT_EQ(json_number(100), "100");
  EXPECT_EQ(json_number(8.2), "8.2");
  EXPECT_EQ(json_number(0.1), "0.1");
  EXPECT_EQ(json_number(0), "0");
  EXPECT_EQ(json_number(-2.5), "-2.5");
  EXPECT_EQ(json_number(1250.75), "1250.75");
  EXPECT_EQ(json_number(123456789), "123456789");
  EXPECT_EQ(json_number(0.1 + 0.2), "0.30000000000000004");
}

TEST(JsonNumberTest, NonFiniteIsNull) {
  EXPECT_EQ(json_number(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(json_number(std::numeric_limits<double>::infinity()), "null");
}

TEST(IsoTimeTest, FormatsUtcWithMilliseconds) {
  using namespace std::chrono;
  sys_days day = year{2025} / December / 13;
  system_clock::time_point t = day + hours(10) + minutes(4) + seconds(5) + milliseconds(123);
  EXPECT_EQ(iso_time(t), "2025-12-13T10:04:05.123Z");
  EXPECT_EQ(iso_time(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
  // Sub-millisecond parts are truncated, not rounded into the next second.
  EXPECT_EQ(iso_time(day + microseconds(999999)), "2025-12-13T00:00:00.999Z");
}

TEST(IsoTimeTest, NowHasTheJavaScriptShape) {
  EXPECT_TRUE(std::regex_match(iso_now(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"))) << iso_now();
}

TEST(IsoTimeTest, PreEpochTimesFormatLikeJavaScript) {
  // new Date(-1).toJSON() === "1969-12-31T23:59:59.999Z"
  using namespace std::chrono;
  EXPECT_EQ(iso_time(system_clock::time_point{} - milliseconds(1)), "1969-12-31T23:59:59.999Z");
}

TEST(SettingValueJsonTest, BooleansObjectsArraysAndStrings) {
  using content::setting_value_json;
  EXPECT_EQ(setting_value_json("true"), "true");
  EXPECT_EQ(setting_value_json("false"), "false");
  EXPECT_EQ(boost::json::parse(setting_value_json("{\"a\":1}")), boost::json::parse("{\"a\":1}"));
  EXPECT_TRUE(boost::json::parse(setting_value_json("{\"a\":1}")).is_object());
  EXPECT_EQ(setting_value_json("{ \"a\" : [1, 2] }"), "{\"a\":[1,2]}");
  EXPECT_EQ(setting_value_json("[1, \"x\"]"), "[1,\"x\"]");
  // Numbers are stored as strings and stay strings (the old backend did the same).
  EXPECT_EQ(setting_value_json("10"), "\"10\"");
  // Invalid JSON is kept as the raw string.
  EXPECT_EQ(setting_value_json("{x"), "\"{x\"");
  EXPECT_EQ(setting_value_json("TRUE"), "\"TRUE\"");
  EXPECT_EQ(setting_value_json(""), "\"\"");
  // Quotes and backslashes are escaped.
  auto v = boost::json::parse(setting_value_json("say \"hi\" \\ bye"));
  ASSERT_TRUE(v.is_string());
  EXPECT_EQ(v.as_string(), "say \"hi\" \\ bye");
}

}  // namespace
}  // namespace wh
