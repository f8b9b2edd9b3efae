#include "catalog/csv_import.h"

#include <csv.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <unordered_map>

#include "core/error.h"
#include "db/seed_generate.h"
#include "web/query_params.h"

namespace wh::catalog {
namespace {

enum Col { kName, kDescription, kPrice, kCategory, kSku, kStock, kColor, kLength, kTexture, kSize, kCols };
constexpr std::array<std::string_view, kCols> kColumns = {"name",  "description", "price",  "category", "sku",
                                                          "stock", "color",       "length", "texture",  "size"};
constexpr std::array<Col, 4> kRequired = {kName, kPrice, kCategory, kSku};

constexpr std::size_t kMaxListedErrors = 100;
constexpr std::size_t kMaxListedRows = 20;
constexpr int kMaxStock = 1000000;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// ---- libcsv -------------------------------------------------------------------

using Record = std::vector<std::string>;

// What libcsv reports, record by record. Records whose cells are all blank
// are dropped; beyond `keep` records only the count goes on.
struct Records {
  std::vector<Record> kept;
  Record current;
  std::size_t keep = 0;
  std::size_t count = 0;
};

void on_cell(void* cell, std::size_t len, void* data) {
  auto* r = static_cast<Records*>(data);
  r->current.emplace_back(cell == nullptr ? std::string() : std::string(static_cast<const char*>(cell), len));
}

void on_record(int /*terminator*/, void* data) {
  auto* r = static_cast<Records*>(data);
  bool blank = std::all_of(r->current.begin(), r->current.end(), [](const auto& c) { return trim(c).empty(); });
  if (!blank) {
    ++r->count;
    if (r->kept.size() < r->keep) r->kept.push_back(std::move(r->current));
  }
  r->current.clear();
}

[[noreturn]] void refuse(std::string message, std::string field) {
  ApiError e(400, "ValidationError", message);
  e.with_field(std::move(field), std::move(message));
  throw e;
}

// Strict RFC 4180 (a quote inside an unquoted cell, text after a closing
// quote or an unterminated quoted cell is an error).
Records read_records(std::string_view csv, std::size_t keep) {
  Records out;
  out.keep = keep;
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) throw std::runtime_error("csv_init failed");
  struct Free {
    csv_parser* p;
    ~Free() { csv_free(p); }
  } free_parser{&parser};
  bool ok = csv_parse(&parser, csv.data(), csv.size(), on_cell, on_record, &out) == csv.size() &&
            csv_fini(&parser, on_cell, on_record, &out) == 0;
  if (!ok) {
    if (csv_error(&parser) != CSV_EPARSE) throw std::runtime_error(csv_strerror(csv_error(&parser)));
    refuse("Malformed CSV on row " + std::to_string(out.count + 1) +
               ": a quote inside an unquoted cell, text after a closing quote, or a quoted cell that never ends",
           "row " + std::to_string(out.count + 1));
  }
  return out;
}

// ---- header -------------------------------------------------------------------

using ColumnIndex = std::array<std::optional<std::size_t>, kCols>;

// "Stock " and " S K U" are "stock" and "sku".
std::string header_key(std::string_view h) {
  std::string key;
  for (char c : h) {
    if (!is_space(c)) key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return key;
}

ColumnIndex read_header(const Record& header) {
  ColumnIndex at;
  ValidationErrors errors;
  std::string repeated;
  for (std::size_t i = 0; i < header.size(); ++i) {
    auto it = std::find(kColumns.begin(), kColumns.end(), header_key(header[i]));
    if (it == kColumns.end()) continue;
    auto col = static_cast<std::size_t>(it - kColumns.begin());
    if (at[col]) {
      repeated += (repeated.empty() ? "" : ", ") + std::string(*it);
    } else {
      at[col] = i;
    }
  }
  std::string missing;
  for (Col c : kRequired) {
    if (!at[c]) missing += (missing.empty() ? "" : ", ") + std::string(kColumns[c]);
  }
  if (!missing.empty()) refuse("Missing required headers: " + missing, "headers");
  if (!repeated.empty()) refuse("Repeated headers: " + repeated, "headers");
  return at;
}

// ---- rows ---------------------------------------------------------------------

// The checks of one row.
class RowCheck {
 public:
  RowCheck(int row, std::vector<RowError>& errors) : row_(row), errors_(errors) {}

  void fail(std::string_view column, std::string message) {
    errors_.push_back({row_, std::string(column), std::move(message)});
    ok_ = false;
  }
  bool ok() const { return ok_; }

  // Trimmed UTF-8 text of at most `max` characters; nullopt when empty or bad.
  std::optional<std::string> text(Col col, std::string_view value, std::size_t max, std::string_view label,
                                  bool required) {
    const std::string_view column = kColumns[col];
    if (!web::valid_utf8(value)) {
      fail(column, std::string(label) + " must be valid UTF-8 text");
      return std::nullopt;
    }
    if (value.empty()) {
      if (required) fail(column, std::string(label) + " is required");
      return std::nullopt;
    }
    if (code_points(value) > max) {
      fail(column, std::string(label) + " must not exceed " + std::to_string(max) + " characters");
      return std::nullopt;
    }
    return std::string(value);
  }

  std::optional<std::string> price(std::string_view value) {
    if (value.empty()) {
      fail("price", "Price is required");
      return std::nullopt;
    }
    bool positive = std::any_of(value.begin(), value.end(), [](char c) { return c >= '1' && c <= '9'; });
    if (!web::money_text(value) || !positive) {
      fail("price", "Price must be a number greater than 0 with at most 2 decimals, like 149 or 149.99");
      return std::nullopt;
    }
    return std::string(value);
  }

  int stock(std::string_view value) {
    if (value.empty()) return 0;
    bool digits =
        value.size() <= 7 && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
    int n = digits ? std::stoi(std::string(value)) : -1;
    if (n < 0 || n > kMaxStock) {
      fail("stock", "Stock must be a whole number from 0 to " + std::to_string(kMaxStock));
      return 0;
    }
    return n;
  }

 private:
  int row_;
  std::vector<RowError>& errors_;
  bool ok_ = true;
};

// The product of one record, or nullopt with its errors added.
std::optional<CsvProduct> read_row(const Record& rec, int row, std::size_t columns, const ColumnIndex& at,
                                   std::unordered_map<std::string, int>& skus, std::vector<RowError>& errors) {
  RowCheck check(row, errors);
  if (rec.size() != columns) {
    check.fail("cells", "Has " + std::to_string(rec.size()) + " cells, the header has " + std::to_string(columns));
    return std::nullopt;
  }
  auto cell = [&](Col c) { return at[c] ? trim(rec[*at[c]]) : std::string_view(); };
  CsvProduct p;
  p.row = row;
  auto name = check.text(kName, cell(kName), 255, "Product name", true);
  auto description = check.text(kDescription, cell(kDescription), 10000, "Description", false);
  auto price = check.price(cell(kPrice));
  auto category = check.text(kCategory, cell(kCategory), 100, "Category", true);
  auto sku = check.text(kSku, cell(kSku), 100, "SKU", true);
  p.stock = check.stock(cell(kStock));
  p.color = check.text(kColor, cell(kColor), 50, "Color", false);
  p.length = check.text(kLength, cell(kLength), 50, "Length", false);
  p.texture = check.text(kTexture, cell(kTexture), 50, "Texture", false);
  p.size = check.text(kSize, cell(kSize), 50, "Size", false);
  if (category) {
    p.category_slug = db::demo::slugify(*category);
    if (p.category_slug.empty()) check.fail("category", "Category must contain a letter or a digit");
  }
  if (sku) {
    auto [first, inserted] = skus.emplace(*sku, row);
    if (!inserted)
      check.fail("sku", "SKU \"" + *sku + "\" is repeated (first on row " + std::to_string(first->second) + ")");
  }
  if (!check.ok()) return std::nullopt;
  p.name = std::move(*name);
  p.description = description.value_or("");
  p.price = std::move(*price);
  p.category = std::move(*category);
  p.sku = std::move(*sku);
  return p;
}

}  // namespace

void refuse_rows(const std::vector<RowError>& errors) {
  std::vector<int> rows;
  for (const auto& e : errors) {
    if (rows.empty() || rows.back() != e.row) rows.push_back(e.row);
  }
  std::string list;
  for (std::size_t i = 0; i < rows.size() && i < kMaxListedRows; ++i) {
    list += (i == 0 ? "" : ", ") + std::to_string(rows[i]);
  }
  if (rows.size() > kMaxListedRows) list += " and " + std::to_string(rows.size() - kMaxListedRows) + " more";
  ApiError e(400, "ValidationError",
             std::string(rows.size() == 1 ? "Invalid row: " : "Invalid rows: ") + list + ". Nothing was imported");
  for (std::size_t i = 0; i < errors.size() && i < kMaxListedErrors; ++i) {
    e.with_field("row " + std::to_string(errors[i].row) + ": " + errors[i].column, errors[i].message);
  }
  if (errors.size() > kMaxListedErrors) {
    e.with_field("rows", std::to_string(errors.size() - kMaxListedErrors) + " more errors not listed");
  }
  throw e;
}

std::vector<CsvProduct> parse_product_csv(std::string_view csv, std::size_t max_rows) {
  if (csv.substr(0, 3) == "\xEF\xBB\xBF") csv.remove_prefix(3);
  Records records = read_records(csv, max_rows + 1);
  if (records.count == 0) refuse("The file is empty: expected a header row and product rows", "file");
  if (records.count > max_rows + 1) {
    refuse("Too many rows: at most " + std::to_string(max_rows) + " products per file", "file");
  }
  const Record& header = records.kept.front();
  ColumnIndex at = read_header(header);
  if (records.count == 1) refuse("The file has a header but no product rows", "file");

  std::vector<CsvProduct> products;
  products.reserve(records.kept.size() - 1);
  std::unordered_map<std::string, int> skus;
  std::vector<RowError> errors;
  for (std::size_t i = 1; i < records.kept.size(); ++i) {
    const int row = static_cast<int>(i) + 1;
    if (auto p = read_row(records.kept[i], row, header.size(), at, skus, errors)) products.push_back(std::move(*p));
  }
  if (!errors.empty()) refuse_rows(errors);
  return products;
}

}  // namespace wh::catalog
