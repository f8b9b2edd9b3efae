// The product CSV parser and validator of the bulk upload, without a
// database: header rules, RFC 4180 quoting, and one 400 listing every bad
// row.
#include "catalog/csv_import.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"

namespace wh::catalog {
namespace {

// The 400 that parsing `csv` throws (a failed expectation when it parses).
ApiError refusal(const std::string& csv, std::size_t max_rows = kMaxCsvRows) {
  try {
    parse_product_csv(csv, max_rows);
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted: " << csv;
  return ApiError(0, "", "");
}

bool has_field(const ApiError& e, const std::string& field, const std::string& message_part) {
  for (const auto& f : e.fields()) {
    if (f.field == field && f.message.find(message_part) != std::string::npos) return true;
  }
  return false;
}

std::string fields_of(const ApiError& e) {
  std::string out = e.what();
  for (const auto& f : e.fields()) out += "\n  " + f.field + ": " + f.message;
  return out;
}

const std::string kHeader = "name,description,price,category,sku,stock,color,length,texture,size\n";

TEST(CsvImport, ReadsEveryColumn) {
  auto rows = parse_product_csv(kHeader +
                                "Body Wave Wig,Soft hair,149.99,Lace Front Wigs,BW-1,12,Natural Black,18 inch,"
                                "Body Wave,M\n"
                                "Bob,,80,Bob Wigs,BOB-1,,,,,\n");
  ASSERT_EQ(rows.size(), 2u);
  const auto& a = rows[0];
  EXPECT_EQ(a.row, 2);
  EXPECT_EQ(a.name, "Body Wave Wig");
  EXPECT_EQ(a.description, "Soft hair");
  EXPECT_EQ(a.price, "149.99");
  EXPECT_EQ(a.category, "Lace Front Wigs");
  EXPECT_EQ(a.category_slug, "lace-front-wigs");
  EXPECT_EQ(a.sku, "BW-1");
  EXPECT_EQ(a.stock, 12);
  EXPECT_EQ(a.color, "Natural Black");
  EXPECT_EQ(a.length, "18 inch");
  EXPECT_EQ(a.texture, "Body Wave");
  EXPECT_EQ(a.size, "M");
  const auto& b = rows[1];
  EXPECT_EQ(b.row, 3);
  EXPECT_EQ(b.description, "");
  EXPECT_EQ(b.stock, 0);
  EXPECT_FALSE(b.color);
  EXPECT_FALSE(b.size);
}

TEST(CsvImport, HeadersInAnyOrderCaseAndSpacingOnlyRequiredOnesNeeded) {
  auto rows =
      parse_product_csv("\xEF\xBB\xBF SKU , Price,CATEGORY,Na me,Unknown Column\r\nS-1, 10 ,Wigs, A wig ,x\r\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].sku, "S-1");
  EXPECT_EQ(rows[0].price, "10");
  EXPECT_EQ(rows[0].category, "Wigs");
  EXPECT_EQ(rows[0].name, "A wig");
}

TEST(CsvImport, QuotedCellsKeepCommasQuotesAndLineBreaks) {
  auto rows = parse_product_csv(
      "name,description,price,category,sku\n"
      "\"Wig, \"\"Deluxe\"\"\",\"Line one,\nline two\r\nline three\",10,Wigs,Q-1\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].name, "Wig, \"Deluxe\"");
  EXPECT_EQ(rows[0].description, "Line one,\nline two\r\nline three");
}

TEST(CsvImport, BlankRowsAreSkippedAndALastRowNeedsNoNewline) {
  auto rows = parse_product_csv("name,price,category,sku\n\nA,1,W,S-1\n,,,\n\nB,2,W,S-2");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].sku, "S-2");
  EXPECT_EQ(rows[1].row, 3);  // records, blank ones not counted
}

TEST(CsvImport, MissingRequiredHeadersAreNamed) {
  auto e = refusal("name,category,description\nA,W,d\n");
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(std::string(e.what()), "Missing required headers: price, sku");
  EXPECT_TRUE(has_field(e, "headers", "price, sku"));
}

TEST(CsvImport, RepeatedHeadersAreRefused) {
  auto e = refusal("name,price,category,sku,Price\nA,1,W,S,2\n");
  EXPECT_TRUE(has_field(e, "headers", "Repeated headers: price")) << fields_of(e);
}

TEST(CsvImport, EmptyFileAndHeaderOnlyAreRefused) {
  EXPECT_TRUE(has_field(refusal(""), "file", "empty"));
  EXPECT_TRUE(has_field(refusal("\n\r\n"), "file", "empty"));
  EXPECT_TRUE(has_field(refusal("name,price,category,sku\n"), "file", "no product rows"));
}

TEST(CsvImport, MalformedQuotingNamesTheRow) {
  auto e = refusal("name,price,category,sku\nA,1,W,S-1\n\"B,2,W,S-2\n");  // never closed
  EXPECT_TRUE(has_field(e, "row 3", "Malformed CSV")) << fields_of(e);
  auto inner = refusal("name,price,category,sku\nA\"b,1,W,S-1\n");  // quote inside an unquoted cell
  EXPECT_TRUE(has_field(inner, "row 2", "Malformed CSV")) << fields_of(inner);
  auto after = refusal("name,price,category,sku\n\"A\"x,1,W,S-1\n");  // text after a closing quote
  EXPECT_TRUE(has_field(after, "row 2", "Malformed CSV")) << fields_of(after);
}

TEST(CsvImport, EveryBadCellOfEveryRowIsListedAtOnce) {
  auto e = refusal(kHeader +
                   "Good,,10,W,G-1,1,,,,\n"                             // row 2: fine
                   ",,0,W,B-1,-3,,,,\n"                                 // row 3: name, price, stock
                   "A,,12.345,!!!,B-2,1.5,,,,\n"                        // row 4: price, category, stock
                   "A,,abc,,,,,,,\n"                                    // row 5: price, category, sku
                   "A,,1,W,G-1,,,,,\n"                                  // row 6: SKU repeated from row 2
                   "A,,1,W,B-6,,,,\n"                                   // row 7: one cell short
                   + "A,,1,W,B-7,," + std::string(51, 'c') + ",,,\n");  // row 8: color too long
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.type(), "ValidationError");
  EXPECT_EQ(std::string(e.what()), "Invalid rows: 3, 4, 5, 6, 7, 8. Nothing was imported");
  EXPECT_TRUE(has_field(e, "row 3: name", "Product name is required")) << fields_of(e);
  EXPECT_TRUE(has_field(e, "row 3: price", "greater than 0"));
  EXPECT_TRUE(has_field(e, "row 3: stock", "whole number"));
  EXPECT_TRUE(has_field(e, "row 4: price", "at most 2 decimals"));
  EXPECT_TRUE(has_field(e, "row 4: category", "letter or a digit"));
  EXPECT_TRUE(has_field(e, "row 4: stock", "whole number"));
  EXPECT_TRUE(has_field(e, "row 5: price", "greater than 0"));
  EXPECT_TRUE(has_field(e, "row 5: category", "Category is required"));
  EXPECT_TRUE(has_field(e, "row 5: sku", "SKU is required"));
  EXPECT_TRUE(has_field(e, "row 6: sku", "SKU \"G-1\" is repeated (first on row 2)"));
  EXPECT_TRUE(has_field(e, "row 7: cells", "Has 9 cells, the header has 10"));
  EXPECT_TRUE(has_field(e, "row 8: color", "must not exceed 50 characters"));
  EXPECT_EQ(e.fields().size(), 12u) << fields_of(e);
}

TEST(CsvImport, LengthsCountCharactersNotBytes) {
  std::string name;
  for (int i = 0; i < 255; ++i) name += "é";  // 510 bytes, 255 characters
  EXPECT_EQ(parse_product_csv("name,price,category,sku\n" + name + ",1,W,S\n").size(), 1u);
  auto e = refusal("name,price,category,sku\n" + name + "é,1,W,S\n");
  EXPECT_TRUE(has_field(e, "row 2: name", "must not exceed 255 characters")) << fields_of(e);
}

TEST(CsvImport, InvalidUtf8AndNulAreRefused) {
  static constexpr char kCsv[] = "name,price,category,sku\nBad\xff,1,W,S-1\nN\0ul,1,W,S-2\n";
  auto e = refusal(std::string(kCsv, sizeof kCsv - 1));
  EXPECT_TRUE(has_field(e, "row 2: name", "valid UTF-8")) << fields_of(e);
  EXPECT_TRUE(has_field(e, "row 3: name", "valid UTF-8")) << fields_of(e);
}

TEST(CsvImport, PriceAndStockBounds) {
  EXPECT_EQ(parse_product_csv("name,price,category,sku,stock\nA,99999999.99,W,S,1000000\n")[0].stock, 1000000);
  auto e = refusal("name,price,category,sku,stock\nA,100000000,W,S-1,1000001\nB,0.00,W,S-2,\nC,+5,W,S-3,\n");
  EXPECT_TRUE(has_field(e, "row 2: price", "greater than 0")) << fields_of(e);
  EXPECT_TRUE(has_field(e, "row 2: stock", "0 to 1000000"));
  EXPECT_TRUE(has_field(e, "row 3: price", "greater than 0"));
  EXPECT_TRUE(has_field(e, "row 4: price", "greater than 0"));
}

TEST(CsvImport, RowLimit) {
  std::string csv = "name,price,category,sku\n";
  for (int i = 0; i < 3; ++i) csv += "A,1,W,S-" + std::to_string(i) + "\n";
  EXPECT_EQ(parse_product_csv(csv, 3).size(), 3u);
  auto e = refusal(csv + "A,1,W,S-9\n", 3);
  EXPECT_TRUE(has_field(e, "file", "at most 3 products")) << fields_of(e);
}

TEST(CsvImport, ManyBadRowsAreSummarised) {
  std::string csv = "name,price,category,sku\n";
  for (int i = 0; i < 150; ++i) csv += "A,0,W,S-" + std::to_string(i) + "\n";
  auto e = refusal(csv);
  EXPECT_NE(std::string(e.what()).find("Invalid rows: 2, 3, 4,"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("and 130 more"), std::string::npos) << e.what();
  ASSERT_EQ(e.fields().size(), 101u);
  EXPECT_EQ(e.fields().back().field, "rows");
  EXPECT_EQ(e.fields().back().message, "50 more errors not listed");
}

}  // namespace
}  // namespace wh::catalog
