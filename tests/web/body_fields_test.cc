// BodyFields and its parsers: Joi's rules and messages, one field at a time.
#include "web/body_fields.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace wh::web {
namespace {

namespace json = boost::json;

std::string sql_of(std::string_view text) {
  auto t = parse_iso_instant(text);
  return t ? t->sql : "invalid";
}

TEST(IsoInstant, AcceptsTheFormsJoiIsGiven) {
  EXPECT_EQ(sql_of("2025-12-13"), "2025-12-13 00:00:00.000");
  EXPECT_EQ(sql_of("2025-12-13T10:20"), "2025-12-13 10:20:00.000");
  EXPECT_EQ(sql_of("2025-12-13T10:20:30Z"), "2025-12-13 10:20:30.000");
  EXPECT_EQ(sql_of("2025-12-13T10:20:30.123Z"), "2025-12-13 10:20:30.123");
  EXPECT_EQ(sql_of("2025-12-13T10:20:30.1239Z"), "2025-12-13 10:20:30.123") << "timestamp(3) keeps milliseconds";
  EXPECT_EQ(sql_of("2025-12-13 10:20:30.5"), "2025-12-13 10:20:30.500");
  EXPECT_EQ(sql_of("2025-12-13T01:00:00+02:00"), "2025-12-12 23:00:00.000");
  EXPECT_EQ(sql_of("2025-12-31T23:30:00-0100"), "2026-01-01 00:30:00.000");
  EXPECT_EQ(sql_of("2024-02-29T00:00:00+05"), "2024-02-28 19:00:00.000");
  EXPECT_EQ(parse_iso_instant("1970-01-01T00:00:01.5Z")->unix_ms, 1500);
}

TEST(IsoInstant, RefusesEverythingElse) {
  for (const char* bad : {"", "yesterday", "2025-13-01", "2025-02-30", "2023-02-29", "2025-1-01", "25-01-01",
                          "2025-01-01T", "2025-01-01T24:00", "2025-01-01T10", "2025-01-01T10:60", "2025-01-01T10:00:61",
                          "2025-01-01T10:00:00.", "2025-01-01T10:00Zjunk", "2025-01-01Z", "2025-01-01T10:00+24:00",
                          "0999-01-01", "1735689600000", "2025-01-01T10:00:00 +01:00"}) {
    EXPECT_FALSE(parse_iso_instant(bad).has_value()) << bad;
  }
}

TEST(Urls, WebUrlsAndSitePaths) {
  EXPECT_TRUE(is_web_url("https://ik.imagekit.io/wighaven/a.jpg?tr=w-300"));
  EXPECT_TRUE(is_web_url("http://localhost:5173/x"));
  for (const char* bad : {"javascript:alert(1)", "ftp://x.com/a", "https://", "//x.com/a", "/a", "a b", ""}) {
    EXPECT_FALSE(is_web_url(bad)) << bad;
  }
  EXPECT_TRUE(is_site_path("/products?category=wigs"));
  EXPECT_TRUE(is_site_path("/"));
  for (const char* bad : {"//evil.com/x", "products", "/a b", "", "https://x.com"}) {
    EXPECT_FALSE(is_site_path(bad)) << bad;
  }
}

std::string error_of(const BodyFields& in) {
  try {
    in.finish();
  } catch (const ApiError& e) {
    return e.fields().empty() ? "" : e.fields().back().message;
  }
  return "";
}

TEST(BodyFieldsTest, TextLengthIsCountedInCharacters) {
  json::object body{{"a", "ééé"}, {"b", "éééé"}};
  BodyFields in(body);
  EXPECT_EQ(in.text("a", 3, true).value_or(""), "ééé");
  EXPECT_FALSE(in.text("b", 3, true).has_value());
  EXPECT_EQ(error_of(in), "\"b\" length must be less than or equal to 3 characters long");
}

TEST(BodyFieldsTest, NullableTextTellsAbsentFromCleared) {
  json::object body{{"gone", nullptr}, {"empty", ""}, {"set", "x"}};
  BodyFields in(body);
  auto absent = in.nullable_text("missing", 10);
  auto gone = in.nullable_text("gone", 10);
  auto empty = in.nullable_text("empty", 10);
  auto set = in.nullable_text("set", 10);
  EXPECT_FALSE(absent.present);
  EXPECT_TRUE(gone.present && !gone.value);
  EXPECT_TRUE(empty.present && !empty.value);
  EXPECT_TRUE(set.present && set.value == "x");
  EXPECT_TRUE(in.ok());
}

TEST(BodyFieldsTest, IntegersConvertLikeJoi) {
  json::object body{{"n", 5}, {"s", "7"}, {"d", 2.0}, {"f", 2.5}, {"t", "x"}, {"b", true}, {"big", 1e300}};
  BodyFields in(body);
  EXPECT_EQ(in.integer("n", 0, 10), 5);
  EXPECT_EQ(in.integer("s", 0, 10), 7);
  EXPECT_EQ(in.integer("d", 0, 10), 2);
  EXPECT_FALSE(in.integer("missing", 0, 10).has_value());
  EXPECT_TRUE(in.ok());
  EXPECT_FALSE(in.integer("f", 0, 10).has_value());
  EXPECT_EQ(error_of(in), "\"f\" must be an integer");
  EXPECT_FALSE(in.integer("t", 0, 10).has_value());
  EXPECT_EQ(error_of(in), "\"t\" must be a number");
  EXPECT_FALSE(in.integer("b", 0, 10).has_value());
  EXPECT_EQ(error_of(in), "\"b\" must be a number");
  EXPECT_FALSE(in.integer("big", 0, 10).has_value());
  EXPECT_EQ(error_of(in), "\"big\" must be less than or equal to 10");
}

TEST(BodyFieldsTest, BooleansAcceptJoisStrings) {
  json::object body{{"a", true}, {"b", "false"}, {"c", 1}};
  BodyFields in(body);
  EXPECT_EQ(in.boolean("a"), true);
  EXPECT_EQ(in.boolean("b"), false);
  EXPECT_FALSE(in.boolean("c").has_value());
  EXPECT_EQ(error_of(in), "\"c\" must be a boolean");
}

}  // namespace
}  // namespace wh::web
