// The product CSV of the admin bulk upload (reference §1.3 "bulk-upload"),
// parsed with libcsv (RFC 4180: quoted fields may hold commas, quotes and
// line breaks) and validated whole, without a database.
//
// Columns: name, description, price, category, sku, stock, color, length,
// texture, size; name, price, category and sku are required. Header names
// are matched in any order, case and surrounding/inner spaces ignored;
// unknown columns are ignored. A UTF-8 byte order mark is skipped, rows whose
// cells are all empty are skipped, values are trimmed.
//
// Rows are numbered as records: the header is row 1, the first product row
// 2 (a spreadsheet's row numbers when the file has no blank lines).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wh::catalog {

inline constexpr std::size_t kMaxCsvRows = 5000;

// One valid product row: one product and its one variant.
struct CsvProduct {
  int row = 0;
  std::string name, description, category, category_slug, sku;
  std::string price;  // numeric(10,2) text, > 0
  int stock = 0;
  std::optional<std::string> color, length, texture, size;  // nullopt when empty
};

// A problem with one cell of a row.
struct RowError {
  int row = 0;
  std::string column;  // "cells" when the row's cell count is wrong
  std::string message;
};

// ApiError 400 "ValidationError" for a file with invalid rows: the message
// names the rows, each error is a field "row <n>: <column>" (at most 100
// listed). `errors` are in row order.
[[noreturn]] void refuse_rows(const std::vector<RowError>& errors);

// The rows of `csv`, or ApiError 400 "ValidationError" that lists every
// problem at once: malformed CSV, missing or repeated columns, no product
// row, more than `max_rows` rows, and each invalid cell with field
// "row <n>: <column>" (a SKU repeated in the file included). Nothing is
// accepted from a file with any error.
std::vector<CsvProduct> parse_product_csv(std::string_view csv, std::size_t max_rows = kMaxCsvRows);

}  // namespace wh::catalog
