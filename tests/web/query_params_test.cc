#include "web/query_params.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace wh::web {
namespace {

http::Request with_query(http::HeaderList q) {
  http::Request r;
  r.method = "GET";
  r.query = std::move(q);
  return r;
}

// The names of the fields reported by finish(); fails when it does not throw.
std::vector<std::string> bad_fields(const QueryReader& in) {
  try {
    in.finish();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.type(), "ValidationError");
    std::vector<std::string> out;
    for (const auto& f : e.fields()) {
      EXPECT_FALSE(f.message.empty());
      out.push_back(f.field);
    }
    return out;
  }
  ADD_FAILURE() << "finish() did not throw";
  return {};
}

TEST(QueryReaderTest, IntegerWithinBounds) {
  auto req = with_query({{"page", "3"}, {"limit", "100"}, {"one", "1"}});
  QueryReader in(req);
  EXPECT_EQ(in.integer("page", 1, 1000), 3);
  EXPECT_EQ(in.integer("limit", 20, 100), 100);
  EXPECT_EQ(in.integer("one", 5, 10), 1);
  EXPECT_EQ(in.integer("absent", 7, 10), 7);
  EXPECT_NO_THROW(in.finish());
}

TEST(QueryReaderTest, EmptyIntegerMeansFallback) {
  auto req = with_query({{"page", ""}});
  QueryReader in(req);
  EXPECT_EQ(in.integer("page", 4, 10), 4);
  EXPECT_NO_THROW(in.finish());
}

TEST(QueryReaderTest, IntegerOutOfBoundsOrNotANumber) {
  for (const char* bad : {"0", "101", "-5", "3abc", "abc", " 3", "2.0", "99999999999"}) {
    auto req = with_query({{"limit", bad}});
    QueryReader in(req);
    EXPECT_EQ(in.integer("limit", 20, 100), 20) << bad;
    EXPECT_EQ(bad_fields(in), std::vector<std::string>{"limit"}) << bad;
  }
}

TEST(QueryReaderTest, MoneyFormat) {
  auto req = with_query({{"a", "150"}, {"b", "99.5"}, {"c", "99.50"}, {"d", "0"}, {"e", "12345678.99"}});
  QueryReader in(req);
  // One spelling per amount: two decimals, no leading zeros.
  EXPECT_EQ(in.money("a"), "150.00");
  EXPECT_EQ(in.money("b"), "99.50");
  EXPECT_EQ(in.money("c"), "99.50");
  EXPECT_EQ(in.money("d"), "0.00");
  EXPECT_EQ(in.money("e"), "12345678.99");
  EXPECT_EQ(in.money("absent"), std::nullopt);
  EXPECT_NO_THROW(in.finish());
}

TEST(QueryReaderTest, MoneyRejectsBadAmounts) {
  for (const char* bad : {"99.555", "-1", "abc", "1.", ".5", "123456789", "1e3", "1,5", "+1", "1.5x"}) {
    auto req = with_query({{"minPrice", bad}});
    QueryReader in(req);
    EXPECT_EQ(in.money("minPrice"), std::nullopt) << bad;
    EXPECT_EQ(bad_fields(in), std::vector<std::string>{"minPrice"}) << bad;
  }
}

TEST(QueryReaderTest, Boolean) {
  auto req = with_query({{"t", "true"}, {"f", "false"}, {"e", ""}});
  QueryReader in(req);
  EXPECT_EQ(in.boolean("t"), true);
  EXPECT_EQ(in.boolean("f"), false);
  EXPECT_EQ(in.boolean("e"), std::nullopt);
  EXPECT_EQ(in.boolean("absent"), std::nullopt);
  EXPECT_NO_THROW(in.finish());
  for (const char* bad : {"1", "TRUE", "yes", "0"}) {
    auto r2 = with_query({{"inStock", bad}});
    QueryReader in2(r2);
    EXPECT_EQ(in2.boolean("inStock"), std::nullopt) << bad;
    EXPECT_EQ(bad_fields(in2), std::vector<std::string>{"inStock"}) << bad;
  }
}

TEST(QueryReaderTest, Choice) {
  std::vector<std::string_view> allowed{"newest", "price_asc", "price_desc"};
  auto req = with_query({{"sort", "price_asc"}});
  QueryReader in(req);
  EXPECT_EQ(in.choice("sort", allowed, "newest"), "price_asc");
  EXPECT_EQ(in.choice("absent", allowed, "newest"), "newest");
  EXPECT_NO_THROW(in.finish());

  auto upper = with_query({{"sort", "Price_Asc"}});
  QueryReader in1(upper);
  EXPECT_EQ(in1.choice("sort", allowed, "newest"), "price_asc") << "case is not meaningful";
  EXPECT_NO_THROW(in1.finish());

  auto bad = with_query({{"sort", "cheapest"}});
  QueryReader in2(bad);
  EXPECT_EQ(in2.choice("sort", allowed, "newest"), "newest");
  EXPECT_EQ(bad_fields(in2), std::vector<std::string>{"sort"});
}

TEST(QueryReaderTest, CanonicalIsWhatWasReadInOneSpellingWithoutDefaults) {
  auto req = with_query({{"utm", "x"},
                         {"search", "  Lace FRONT "},
                         {"sort", "NEWEST"},
                         {"page", "2"},
                         {"limit", "20"},
                         {"minPrice", "075.5"},
                         {"inStock", "false"},
                         {"isActive", "false"}});
  QueryReader in(req);
  in.integer("page", 1, 100);
  in.integer("limit", 20, 100);
  in.choice("sort", {"newest", "popular"}, "newest");
  in.money("minPrice");
  in.boolean("inStock", false);
  in.boolean("isActive");
  in.text("search", 100, QueryReader::Case::kLower);
  in.text("absent", 100);
  in.finish();
  http::HeaderList expected{{"page", "2"}, {"minPrice", "75.50"}, {"isActive", "false"}, {"search", "lace front"}};
  EXPECT_EQ(in.canonical(), expected);
}

TEST(QueryReaderTest, DuplicateParameterIsRejected) {
  auto req = with_query({{"page", "1"}, {"page", "2"}});
  QueryReader in(req);
  EXPECT_EQ(in.integer("page", 9, 100), 9);
  EXPECT_EQ(bad_fields(in), std::vector<std::string>{"page"});
}

TEST(QueryReaderTest, DuplicateEvenIfOneIsEmpty) {
  auto req = with_query({{"search", "wig"}, {"search", ""}});
  QueryReader in(req);
  EXPECT_EQ(in.text("search", 100), std::nullopt);
  EXPECT_EQ(bad_fields(in), std::vector<std::string>{"search"});
}

TEST(QueryReaderTest, TextIsTrimmed) {
  auto req = with_query({{"q", "  body wave \t"}, {"blank", "   "}, {"utf", "caf\xC3\xA9"}});
  QueryReader in(req);
  EXPECT_EQ(in.text("q", 100), "body wave");
  EXPECT_EQ(in.text("blank", 100), std::nullopt);
  EXPECT_EQ(in.text("utf", 100), "caf\xC3\xA9");
  EXPECT_EQ(in.text("absent", 100), std::nullopt);
  EXPECT_NO_THROW(in.finish());
}

TEST(QueryReaderTest, TextRejectsInvalidUtf8) {
  const std::string bad[] = {
      "\xC3\x28",          // invalid continuation byte
      "\xC0\xAF",          // overlong '/'
      "\xE0\x80\xAF",      // overlong 3-byte
      "\xED\xA0\x80",      // UTF-16 surrogate
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "ab\xE2\x82",        // truncated at the end
      "\xFF",
      std::string("a\0b", 3),  // NUL
  };
  for (const auto& s : bad) {
    auto req = with_query({{"search", s}});
    QueryReader in(req);
    EXPECT_EQ(in.text("search", 100), std::nullopt);
    EXPECT_EQ(bad_fields(in), std::vector<std::string>{"search"});
  }
  // Valid multi-byte sequences at the very end are accepted.
  auto ok = with_query({{"search", "\xE2\x82\xAC"}, {"four", "x\xF0\x9F\x98\x80"}});
  QueryReader in(ok);
  EXPECT_EQ(in.text("search", 100), "\xE2\x82\xAC");
  EXPECT_EQ(in.text("four", 100), "x\xF0\x9F\x98\x80");
  EXPECT_NO_THROW(in.finish());
}

TEST(QueryReaderTest, TextTooLong) {
  auto req = with_query({{"q", std::string(101, 'a')}, {"ok", std::string(100, 'a')}});
  QueryReader in(req);
  EXPECT_EQ(in.text("ok", 100), std::string(100, 'a'));
  EXPECT_EQ(in.text("q", 100), std::nullopt);
  EXPECT_EQ(bad_fields(in), std::vector<std::string>{"q"});
}

TEST(QueryReaderTest, TextLimitCountsCharactersNotBytes) {
  // "at most max_len characters" (query_params.h): five 2-byte characters fit in 5.
  auto req = with_query({{"q", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"}});
  QueryReader in(req);
  EXPECT_EQ(in.text("q", 5), "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9");
  EXPECT_NO_THROW(in.finish());
}

TEST(QueryReaderTest, FinishReportsOneFieldPerBadParameter) {
  auto req = with_query({{"page", "0"},
                         {"limit", "abc"},
                         {"minPrice", "-1"},
                         {"inStock", "maybe"},
                         {"sort", "cheapest"},
                         {"search", "\xC0\xAF"},
                         {"category", "wigs"}});
  QueryReader in(req);
  in.integer("page", 1, 100);
  in.integer("limit", 20, 100);
  in.money("minPrice");
  in.money("maxPrice");
  in.boolean("inStock");
  in.choice("sort", {"newest"}, "newest");
  in.text("search", 100);
  EXPECT_EQ(in.text("category", 100), "wigs");
  auto fields = bad_fields(in);
  EXPECT_EQ(fields.size(), 6u);
  EXPECT_EQ(std::set<std::string>(fields.begin(), fields.end()),
            (std::set<std::string>{"page", "limit", "minPrice", "inStock", "sort", "search"}));
  try {
    in.finish();
  } catch (const ApiError& e) {
    EXPECT_STREQ(e.what(), "Validation failed");
  }
}

TEST(ContainsPatternTest, EscapesLikeMetacharacters) {
  EXPECT_EQ(contains_pattern("wig"), "%wig%");
  EXPECT_EQ(contains_pattern(""), "%%");
  EXPECT_EQ(contains_pattern("50%"), "%50\\%%");
  EXPECT_EQ(contains_pattern("a_b"), "%a\\_b%");
  EXPECT_EQ(contains_pattern("c:\\x"), "%c:\\\\x%");
  EXPECT_EQ(contains_pattern("%_\\"), "%\\%\\_\\\\%");
}

TEST(PlausibleIdTest, AcceptsCuidShapedIds) {
  EXPECT_TRUE(plausible_id("ckleg0000prd000000000001"));
  EXPECT_TRUE(plausible_id("abc-DEF_123"));
  EXPECT_TRUE(plausible_id(std::string(30, 'a')));
  EXPECT_FALSE(plausible_id(std::string(31, 'a')));
  EXPECT_FALSE(plausible_id(""));
  EXPECT_FALSE(plausible_id("abc def"));
  EXPECT_FALSE(plausible_id("a'b"));
  EXPECT_FALSE(plausible_id("a/b"));
  EXPECT_FALSE(plausible_id("caf\xC3\xA9"));
  EXPECT_FALSE(plausible_id("1;DROP"));
}

}  // namespace
}  // namespace wh::web
