// Deterministic demo shop (see seed.h).
//
// Everything is generated from a fixed-seed splitmix64 PRNG (one independent
// stream per entity, keyed by its number), so the same options give the same
// catalog, and the first N products are the same whatever --products is.
// Ids are cuid-shaped but derived from the PRNG; timestamps are offsets from a
// fixed epoch (2025-06-01T00:00:00Z). Rows are written in batches of ~500 with
// `INSERT ... SELECT ... FROM unnest($1::text[], ...)`, all in one transaction.
//
// --force on a database that already has products adds a second, disjoint
// catalog: SKUs continue after the highest existing `WH-<n>-<m>` number and the
// id stream is salted with that number. Categories, users, settings and currency
// rates that already exist (same slug/name, email, key, pair) are reused and never
// modified; banners are only added when no banner with the same title exists.
#include "db/seed.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/password.h"

namespace wh::db {
namespace {

// ---------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------

constexpr std::uint64_t kSeed = 0x5749474841564E31ULL;  // "WIGHAVN1"

constexpr std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

enum class Stream : std::uint64_t {
  kCategory = 1,
  kProduct,
  kCustomer,
  kOrder,
  kOrderRetry,
  kIds,
};

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  // An independent stream for entity `index` of kind `stream`.
  Rng(Stream stream, std::uint64_t index, std::uint64_t salt = 0)
      : state_(splitmix(kSeed ^ splitmix(static_cast<std::uint64_t>(stream) * 0xD1B54A32D192ED03ULL ^
                                         splitmix(index + 0x632BE59BD9B4E019ULL) ^ salt))) {}

  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi] (inclusive); the modulo bias is irrelevant here.
  std::int64_t range(std::int64_t lo, std::int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  std::size_t index(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform() < p; }
  template <class T, std::size_t N>
  const T& pick(const T (&arr)[N]) {
    return arr[index(N)];
  }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[index(v.size())];
  }

 private:
  std::uint64_t state_;
};

// ---------------------------------------------------------------------------
// Time: milliseconds since the Unix epoch, formatted as UTC TIMESTAMP(3) text.
// ---------------------------------------------------------------------------

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t y;
  unsigned m, d;
};

constexpr Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

constexpr std::int64_t utc_ms(std::int64_t y, unsigned m, unsigned d) { return days_from_civil(y, m, d) * kDay; }

constexpr std::int64_t kEpoch = utc_ms(2025, 6, 1);  // the seed's "now"
static_assert(kEpoch == 1748736000000LL);

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string timestamp(std::int64_t ms) {
  const std::int64_t days = floor_div(ms, kDay);
  const std::int64_t rem = ms - days * kDay;
  const Civil c = civil_from_days(days);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02lld:%02lld:%02lld.%03lld", static_cast<long long>(c.y), c.m, c.d,
                static_cast<long long>(rem / kHour), static_cast<long long>(rem / kMinute % 60),
                static_cast<long long>(rem / kSecond % 60), static_cast<long long>(rem % kSecond));
  return buf;
}

std::string yyyymmdd(std::int64_t ms) {
  const Civil c = civil_from_days(floor_div(ms, kDay));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld%02u%02u", static_cast<long long>(c.y), c.m, c.d);
  return buf;
}

// ---------------------------------------------------------------------------
// Small formatting helpers
// ---------------------------------------------------------------------------

// Money is handled in integer pesewas and rendered with two decimals.
std::string money(std::int64_t cents) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%lld.%02lld", cents < 0 ? "-" : "", static_cast<long long>(std::llabs(cents) / 100),
                static_cast<long long>(std::llabs(cents) % 100));
  return buf;
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string slugify(std::string_view name) {
  std::string out;
  bool dash = false;
  for (char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
    if (alnum) {
      if (dash && !out.empty()) out += '-';
      dash = false;
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    } else {
      dash = true;
    }
  }
  return out;
}

std::string hex(std::uint64_t v, int digits, bool upper) {
  static constexpr char lo[] = "0123456789abcdef";
  static constexpr char up[] = "0123456789ABCDEF";
  std::string out(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = (upper ? up : lo)[v & 15];
    v >>= 4;
  }
  return out;
}

void append_base36(std::string& out, std::uint64_t v, int width) {
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string tmp(static_cast<std::size_t>(width), '0');
  for (int i = width - 1; i >= 0; --i) {
    tmp[static_cast<std::size_t>(i)] = digits[v % 36];
    v /= 36;
  }
  out += tmp;
}

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

using Field = std::optional<std::string>;

// {"k":"v",...} from (key, value) pairs; std::nullopt values become null.
std::string json_object(std::initializer_list<std::pair<std::string_view, const Field*>> kv) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : kv) {
    if (!first) out += ',';
    first = false;
    json_string(out, k);
    out += ':';
    if (v->has_value()) {
      json_string(out, **v);
    } else {
      out += "null";
    }
  }
  out += '}';
  return out;
}

// PostgreSQL array literal: every element double-quoted with `"` and `\`
// backslash-escaped; NULL elements as the bare word NULL. The element text is
// parsed by the element type's input function, so this works for text, numeric,
// int, bool ("t"/"f"), timestamp and nested array literals alike.
class ArrayLiteral {
 public:
  void add(const Field& v) {
    buf_ += buf_.empty() ? '{' : ',';
    if (!v) {
      buf_ += "NULL";
      return;
    }
    buf_ += '"';
    for (char c : *v) {
      if (c == '"' || c == '\\') buf_ += '\\';
      buf_ += c;
    }
    buf_ += '"';
  }
  std::string take() {
    std::string out = buf_.empty() ? std::string("{}") : std::move(buf_) + '}';
    buf_.clear();
    return out;
  }

 private:
  std::string buf_;
};

std::string array_literal(const std::vector<std::string>& items) {
  ArrayLiteral a;
  for (const auto& s : items) a.add(s);
  return a.take();
}

Field text(std::string s) { return Field(std::move(s)); }
Field boolean(bool b) { return Field(b ? "t" : "f"); }
Field integer(std::int64_t v) { return Field(std::to_string(v)); }

// ---------------------------------------------------------------------------
// libpq plumbing
// ---------------------------------------------------------------------------

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnDeleter>;
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

Result exec(PGconn* conn, const char* sql, const std::vector<Field>& params = {}) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  Result res(PQexecParams(conn, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
  if (!res) throw std::runtime_error("seed: " + trimmed(PQerrorMessage(conn)));
  const auto status = PQresultStatus(res.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("seed: " + trimmed(PQresultErrorMessage(res.get())));
  }
  return res;
}

long affected(const Result& res) {
  const char* n = PQcmdTuples(res.get());
  return (n && *n) ? std::stol(n) : 0;
}

std::string cell(const Result& res, int row, int col) {
  return PQgetisnull(res.get(), row, col) ? std::string() : std::string(PQgetvalue(res.get(), row, col));
}

// Accumulates rows column-wise into array literals and runs `sql` (which reads
// $1..$ncols through unnest, then any `extra` scalars as $ncols+1..) every
// `batch_rows` rows.
class BulkInsert {
 public:
  BulkInsert(PGconn* conn, const char* sql, std::size_t ncols, std::vector<Field> extra = {},
             std::size_t batch_rows = 500)
      : conn_(conn), sql_(sql), cols_(ncols), extra_(std::move(extra)), batch_rows_(batch_rows) {}

  void add(const std::vector<Field>& row) {
    if (row.size() != cols_.size()) throw std::logic_error("seed: BulkInsert row has the wrong number of columns");
    for (std::size_t i = 0; i < row.size(); ++i) cols_[i].add(row[i]);
    if (++pending_ >= batch_rows_) flush();
  }

  void flush() {
    if (pending_ == 0) return;
    std::vector<Field> params;
    params.reserve(cols_.size());
    for (auto& c : cols_) params.emplace_back(c.take());
    params.insert(params.end(), extra_.begin(), extra_.end());
    pending_ = 0;
    inserted_ += affected(exec(conn_, sql_, params));
  }

  long inserted() const { return inserted_; }

 private:
  PGconn* conn_;
  const char* sql_;
  std::vector<ArrayLiteral> cols_;
  std::vector<Field> extra_;
  std::size_t batch_rows_;
  std::size_t pending_ = 0;
  long inserted_ = 0;
};

// Cuid-shaped ids ('c' + 24 lower-case base36 chars, like new_cuid()) from a
// deterministic stream: 8 chars of the row's timestamp, a 4-char counter and
// 12 pseudo-random chars.
class IdGen {
 public:
  explicit IdGen(std::uint64_t salt) : rng_(Stream::kIds, 0, salt) {}
  std::string next(std::int64_t ms) {
    std::string id = "c";
    id.reserve(25);
    append_base36(id, static_cast<std::uint64_t>(ms < 0 ? 0 : ms), 8);
    append_base36(id, counter_++ % 1679616ULL, 4);                // 36^4
    append_base36(id, rng_.next() % 4738381338321616896ULL, 12);  // 36^12
    return id;
  }

 private:
  Rng rng_;
  std::uint64_t counter_ = 0;
};

// ---------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------

constexpr const char* kAllTextures[] = {"Straight", "Body Wave", "Deep Wave", "Kinky Curly", "Water Wave"};
constexpr const char* kHairColors[] = {"Natural Black", "1B",          "Jet Black",       "Dark Brown",
                                       "Burgundy",      "99J",         "Honey Blonde",    "613 Blonde",
                                       "Ombre 1B/27",   "Ombre 1B/30", "Highlight P4/27", "Ginger"};
constexpr const char* kBrightColors[] = {"Burgundy",    "99J",         "Honey Blonde",    "613 Blonde", "Ginger",
                                         "Ombre 1B/27", "Ombre 1B/30", "Highlight P4/27", "Ash Grey",   "Pink"};
constexpr const char* kAccessoryColors[] = {"Black", "Dark Brown", "Nude", "Beige", "Pink", "Leopard Print"};
constexpr const char* kSizes[] = {"Small", "Medium", "Large"};
constexpr const char* kOrigins[] = {"Brazilian",  "Peruvian",  "Malaysian", "Indian",
                                    "Vietnamese", "Cambodian", "Mongolian", "Burmese"};
constexpr const char* kGrades[] = {"Raw", "Virgin", "Remy", "Premium", "Luxury", "12A Grade"};
constexpr const char* kSyntheticPrefixes[] = {"Everyday", "Heat Resistant", "Classic",
                                              "Glam",     "Easy Wear",      "Soft Touch"};

enum class Kind { kHair, kSynthetic, kBraided, kNonHair };

struct CategoryDef {
  const char* name;
  const char* description;
  Kind kind;
  std::vector<const char*> nouns;     // product noun phrase(s); for kNonHair the full item names
  std::vector<const char*> textures;  // empty: all of kAllTextures
  int min_len, max_len;               // inches (even numbers)
  int price_lo, price_hi;             // GHS
  bool has_size;                      // cap size (wigs) / item size (accessories)
  bool bright_colors;
  int weight;  // relative share of the catalog
};

const std::vector<CategoryDef>& category_defs() {
  static const std::vector<CategoryDef> defs = {
      {"Lace Front Wigs",
       "Natural-looking hairlines with a sheer lace front, ready to wear and style.",
       Kind::kHair,
       {"Lace Front Wig", "HD Lace Front Wig", "13x4 Lace Front Wig"},
       {},
       12,
       30,
       900,
       4500,
       true,
       false,
       14},
      {"Bob Wigs",
       "Sleek and bouncy bob cuts for an effortless everyday look.",
       Kind::kHair,
       {"Bob Wig", "Lace Front Bob Wig", "Blunt Cut Bob Wig"},
       {"Straight", "Body Wave", "Deep Wave", "Water Wave"},
       8,
       14,
       400,
       1800,
       true,
       false,
       10},
      {"Curly Wigs",
       "Bold, bouncy curls full of volume and definition.",
       Kind::kHair,
       {"Curly Wig", "Curly Lace Front Wig"},
       {"Deep Wave", "Kinky Curly", "Water Wave"},
       12,
       26,
       700,
       3500,
       true,
       false,
       9},
      {"Braided Wigs",
       "Handmade braided wigs that save you hours in the salon chair.",
       Kind::kBraided,
       {"Braided Wig", "Full Lace Braided Wig"},
       {"Knotless Braids", "Box Braids", "Passion Twists", "Cornrows"},
       16,
       30,
       600,
       2500,
       true,
       false,
       6},
      {"Human Hair Bundles",
       "100% human hair weaves for sew-ins and custom wig units.",
       Kind::kHair,
       {"Hair Bundle", "Bundles (3 Pack)", "Double Drawn Bundle"},
       {},
       10,
       30,
       300,
       2000,
       false,
       false,
       9},
      {"Closures & Frontals",
       "Lace closures and frontals to finish any install seamlessly.",
       Kind::kHair,
       {"4x4 Lace Closure", "5x5 HD Lace Closure", "13x4 Lace Frontal", "13x6 HD Lace Frontal"},
       {},
       10,
       22,
       500,
       2500,
       false,
       false,
       6},
      {"Headband Wigs",
       "Glueless, beginner-friendly wigs you can put on in minutes.",
       Kind::kHair,
       {"Headband Wig"},
       {},
       12,
       28,
       500,
       2000,
       true,
       false,
       5},
      {"Synthetic Wigs",
       "Affordable, pre-styled synthetic wigs in trendy cuts and colours.",
       Kind::kSynthetic,
       {"Synthetic Wig", "Synthetic Lace Front Wig"},
       {"Straight", "Body Wave", "Kinky Curly", "Water Wave"},
       8,
       26,
       150,
       900,
       true,
       false,
       7},
      {"Ponytails",
       "Instant length and volume with clip-in and drawstring ponytails.",
       Kind::kHair,
       {"Drawstring Ponytail", "Wrap Around Ponytail"},
       {},
       12,
       30,
       200,
       900,
       false,
       false,
       4},
      {"Kinky Straight",
       "Textured, blow-out style hair that blends with natural hair.",
       Kind::kHair,
       {"Kinky Straight Wig", "Kinky Straight Bundle"},
       {"Kinky Straight"},
       12,
       28,
       800,
       3500,
       true,
       false,
       4},
      {"Body Wave",
       "Soft, glamorous S-waves that hold their pattern.",
       Kind::kHair,
       {"Body Wave Wig"},
       {"Body Wave"},
       12,
       30,
       800,
       3800,
       true,
       false,
       5},
      {"Accessories",
       "Everything you need to install, secure and care for your wigs.",
       Kind::kNonHair,
       {"Elastic Wig Grip Band", "Satin Lined Bonnet", "Stocking Wig Caps (2 Pack)", "Adjustable Wig Band",
        "Mannequin Wig Stand", "Silk Edge Scarf", "Wide Tooth Detangling Comb", "Wig Storage Bag"},
       {},
       0,
       0,
       150,
       400,
       true,
       false,
       4},
      {"Full Lace Wigs",
       "Fully hand-tied lace caps you can part and style any way.",
       Kind::kHair,
       {"Full Lace Wig"},
       {},
       14,
       30,
       1500,
       4500,
       true,
       false,
       4},
      {"Glueless Wigs",
       "Pre-cut lace and elastic bands for a glue-free install.",
       Kind::kHair,
       {"Glueless Wig", "Wear and Go Glueless Wig"},
       {},
       12,
       26,
       900,
       3500,
       true,
       false,
       5},
      {"Pixie Cut Wigs",
       "Short, chic pixie cuts with zero maintenance.",
       Kind::kHair,
       {"Pixie Cut Wig"},
       {"Straight", "Body Wave", "Kinky Curly"},
       8,
       10,
       300,
       1200,
       true,
       false,
       3},
      {"Straight Wigs",
       "Silky, bone-straight hair with natural movement.",
       Kind::kHair,
       {"Straight Wig", "Bone Straight Wig"},
       {"Straight"},
       10,
       30,
       700,
       4000,
       true,
       false,
       5},
      {"Deep Wave",
       "Defined deep-wave curls that stay bouncy wash after wash.",
       Kind::kHair,
       {"Deep Wave Wig"},
       {"Deep Wave"},
       12,
       30,
       800,
       3800,
       true,
       false,
       3},
      {"Water Wave",
       "Wet-and-wavy texture with a natural, beachy finish.",
       Kind::kHair,
       {"Water Wave Wig"},
       {"Water Wave"},
       12,
       30,
       800,
       3800,
       true,
       false,
       3},
      {"Colored Wigs",
       "Statement shades from honey blonde to burgundy and 613.",
       Kind::kHair,
       {"Colored Lace Front Wig", "Colored Bob Wig"},
       {},
       10,
       28,
       800,
       3500,
       true,
       true,
       4},
      {"Clip-In Extensions",
       "Add instant length and fullness without commitment.",
       Kind::kHair,
       {"Clip-In Extensions (7 Pieces)", "Seamless Clip-In Extensions"},
       {},
       14,
       26,
       400,
       1800,
       false,
       false,
       3},
      {"U-Part Wigs",
       "Leave-out wigs that blend with your natural hair.",
       Kind::kHair,
       {"U-Part Wig", "V-Part Wig"},
       {},
       12,
       26,
       600,
       2200,
       true,
       false,
       3},
      {"360 Lace Wigs",
       "Lace all around the perimeter for high ponytails and updos.",
       Kind::kHair,
       {"360 Lace Wig"},
       {},
       14,
       28,
       1200,
       4200,
       true,
       false,
       3},
      {"Wig Care",
       "Shampoos, conditioners and styling products made for wigs.",
       Kind::kNonHair,
       {"Argan Oil Wig Shampoo", "Leave-In Wig Conditioner", "Heat Protectant Spray", "Lace Tint Spray",
        "Bold Hold Lace Glue", "Edge Control Gel", "Lace Glue Remover", "Wig Shine Spray"},
       {},
       0,
       0,
       150,
       350,
       false,
       false,
       3},
      {"Short Wigs",
       "Easy short styles for a fresh, low-maintenance look.",
       Kind::kHair,
       {"Short Cut Wig", "Short Curly Wig"},
       {},
       8,
       12,
       300,
       1500,
       true,
       false,
       3},
  };
  return defs;
}

constexpr const char* kCategoryPrefixes[] = {"Premium", "Luxury", "Everyday", "Budget", "Celebrity", "Signature"};

std::string category_name(std::size_t i) {
  const auto& defs = category_defs();
  const std::size_t round = i / defs.size();
  std::string base = defs[i % defs.size()].name;
  if (round == 0) return base;
  constexpr std::size_t np = std::size(kCategoryPrefixes);
  if (round <= np) return std::string(kCategoryPrefixes[round - 1]) + " " + base;
  return base + " Collection " + std::to_string(round - np + 1);
}

constexpr const char* kFirstNames[] = {"Ama",    "Kwame", "Akosua", "Kofi", "Abena",  "Yaw",     "Efua",   "Kojo",
                                       "Adwoa",  "Kwesi", "Esi",    "Nana", "Afia",   "Kwabena", "Akua",   "Yaa",
                                       "Serwaa", "Fiifi", "Dede",   "Naa",  "Selorm", "Elikem",  "Mawuli", "Ewurabena"};
constexpr const char* kLastNames[] = {"Mensah", "Owusu", "Boateng",    "Asante",   "Osei",    "Agyeman", "Appiah",
                                      "Addo",   "Darko", "Ofori",      "Amoah",    "Quaye",   "Tetteh",  "Annan",
                                      "Adjei",  "Bonsu", "Acheampong", "Frimpong", "Sarpong", "Ansah",   "Nkrumah"};

struct City {
  const char* city;
  const char* region;
  const char* gps_prefix;
  std::vector<const char*> streets;
};

const std::vector<City>& cities() {
  static const std::vector<City> list = {
      {"Accra",
       "Greater Accra",
       "GA",
       {"Oxford Street, Osu", "Spintex Road", "Liberation Road", "Ring Road Central", "Lagos Avenue, East Legon",
        "Kanda Highway"}},
      {"Tema", "Greater Accra", "GT", {"Community 11 Main Road", "Harbour Road", "Sakumono Broadway"}},
      {"Kumasi", "Ashanti", "AK", {"Adum High Street", "Harper Road", "Bantama High Street", "Ahodwo Roundabout Road"}},
      {"Tamale", "Northern", "NT", {"Bolgatanga Road", "Hospital Road", "Lamashegu Road"}},
      {"Takoradi", "Western", "WS", {"Liberation Road", "Market Circle Road", "Axim Road"}},
      {"Cape Coast", "Central", "CC", {"Commercial Street", "Kotokuraba Road", "University Avenue"}},
      {"Ho", "Volta", "VH", {"Civic Centre Road", "Ho-Aflao Road"}},
      {"Koforidua", "Eastern", "EN", {"Jackson Park Road", "Hospital Road"}},
      {"Sunyani", "Bono", "BS", {"Berekum Road", "Fiapre Road"}},
  };
  return list;
}

// Guest phone numbers on the main Ghanaian networks (registered customers all get +23324XXXXXXX).
std::string phone_number(Rng& rng) {
  static constexpr const char* kPrefixes[] = {"24", "54", "55", "20", "50", "26"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "+233%s%07lld", rng.pick(kPrefixes), static_cast<long long>(rng.range(0, 9999999)));
  return buf;
}

std::string length_str(int inches) { return std::to_string(inches) + "\""; }

// ---------------------------------------------------------------------------
// Generated rows kept in memory for the order generator
// ---------------------------------------------------------------------------

struct VariantInfo {
  std::string id, sku;
  std::int64_t price_cents;
  Field length, color, texture, size;
  bool active;
};

// Orders draw from the first kOrderableProducts products only, so memory stays
// bounded for huge catalogs (the Zipf tail beyond that is negligible anyway).
constexpr int kOrderableProducts = 50000;

struct ProductInfo {
  std::string name;
  std::int64_t created_ms;
  std::vector<VariantInfo> variants;
};

struct CustomerInfo {
  std::string email, first, last, phone;
  std::int64_t created_ms;
};

// ---------------------------------------------------------------------------
// Product generation
// ---------------------------------------------------------------------------

struct GeneratedProduct {
  std::string id, name, description;
  std::int64_t base_cents;
  bool active, featured;
  std::int64_t created_ms;
  std::size_t category;
  std::vector<VariantInfo> variants;
  std::vector<int> stock;
  std::vector<std::string> images;  // array literal per variant
};

std::string describe(Rng& rng, const CategoryDef& def, std::string_view origin, std::string_view texture) {
  std::vector<std::string> pool;
  switch (def.kind) {
    case Kind::kHair:
      pool = {"Made from 100% " + std::string(origin.empty() ? "virgin" : origin) + " human hair with a natural " +
                  lower(std::string(texture)) + " pattern.",
              "Can be dyed, bleached, straightened and restyled like your own hair.",
              "Tangle-free with minimal shedding when cared for properly.", "Soft, full and bouncy from root to tip.",
              "Double wefted for a full look that lasts for years with proper care."};
      if (def.has_size) {
        pool.push_back("Pre-plucked hairline with baby hair for a natural look.");
        pool.push_back("Breathable cap with adjustable straps and combs for a secure fit.");
      }
      break;
    case Kind::kSynthetic:
      pool = {"Heat-resistant synthetic fibre that holds its style wash after wash.",
              "Lightweight and breathable for all-day comfort in the Ghanaian heat.",
              "Pre-styled and ready to wear straight out of the box.",
              "An affordable way to switch up your look for any occasion."};
      break;
    case Kind::kBraided:
      pool = {"Hand-braided " + lower(std::string(texture)) + " on a breathable lace cap.",
              "Saves you hours in the salon and protects your natural hair.",
              "Lightweight and neat, with a natural-looking parting.",
              "Perfect for work, church, weddings and everyday wear."};
      break;
    case Kind::kNonHair:
      pool = {"A must-have for every wig wearer.", "Gentle on your edges and natural hair.",
              "Salon quality at an everyday price.", "Keeps your units looking fresh for longer."};
      break;
  }
  const int sentences = static_cast<int>(rng.range(1, 3));
  std::string out;
  std::vector<bool> used(pool.size(), false);
  for (int s = 0; s < sentences; ++s) {
    std::size_t k = rng.index(pool.size());
    for (std::size_t tries = 0; used[k] && tries < pool.size(); ++tries) k = (k + 1) % pool.size();
    if (used[k]) break;
    used[k] = true;
    if (!out.empty()) out += ' ';
    out += pool[k];
  }
  return out;
}

int pick_length(Rng& rng, const CategoryDef& def) {
  const int steps = (def.max_len - def.min_len) / 2;
  return def.min_len + 2 * static_cast<int>(rng.range(0, steps));
}

GeneratedProduct generate_product(std::int64_t number, std::size_t category, const CategoryDef& def, IdGen& ids) {
  Rng rng(Stream::kProduct, static_cast<std::uint64_t>(number));
  GeneratedProduct p;
  p.category = category;
  p.created_ms = kEpoch - rng.range(1, 365 * kDay);
  p.id = ids.next(p.created_ms);
  p.active = !rng.chance(0.05);
  p.featured = p.active && rng.chance(0.105);

  // Base price: mostly whole cedis, some .99 / .50, some arbitrary pesewas.
  std::int64_t cents = rng.range(def.price_lo, def.price_hi) * 100;
  const double ending = rng.uniform();
  if (ending < 0.25) {
    cents -= 1;  // xx9.99
  } else if (ending < 0.35) {
    cents += 50;
  } else if (ending < 0.45) {
    cents += rng.range(1, 98);
  }
  p.base_cents = std::clamp<std::int64_t>(cents, 15000, 450000);

  const std::vector<const char*> textures =
      def.textures.empty() ? std::vector<const char*>(std::begin(kAllTextures), std::end(kAllTextures)) : def.textures;
  const bool hair = def.kind != Kind::kNonHair;
  const std::string noun = rng.pick(def.nouns);
  const std::string main_texture = hair ? rng.pick(textures) : std::string();
  const bool vary_texture = hair && textures.size() > 1 && rng.chance(0.15);
  const bool fixed_length = hair && rng.chance(0.4);
  const int main_length = hair ? pick_length(rng, def) : 0;
  std::string origin;

  // Name.
  std::string name;
  switch (def.kind) {
    case Kind::kHair:
      origin = rng.pick(kOrigins);
      if (rng.chance(0.3)) name = std::string(rng.pick(kGrades)) + " ";
      name += origin;
      if (!vary_texture && noun.find(main_texture) == std::string::npos) name += " " + main_texture;
      name += " " + noun;
      break;
    case Kind::kSynthetic:
      name = rng.pick(kSyntheticPrefixes);
      if (!vary_texture) name += " " + main_texture;
      name += " " + noun;
      break;
    case Kind::kBraided:
      name = vary_texture ? std::string("Handmade") : main_texture;
      name += " " + noun;
      break;
    case Kind::kNonHair:
      name = noun;
      break;
  }
  if (fixed_length) name += " " + length_str(main_length);
  p.name = std::move(name);
  p.description = describe(rng, def, origin, main_texture);

  // Variants: unique (color, length, texture, size) tuples.
  static constexpr int kCountWeights[] = {15, 20, 25, 20, 10, 10};  // 1..6 variants
  int roll = static_cast<int>(rng.range(0, 99));
  int count = 1;
  for (int w : kCountWeights) {
    if (roll < w) break;
    roll -= w;
    ++count;
  }

  const auto color_pool = [&]() -> std::vector<const char*> {
    if (!hair) return {std::begin(kAccessoryColors), std::end(kAccessoryColors)};
    if (def.bright_colors) return {std::begin(kBrightColors), std::end(kBrightColors)};
    return {std::begin(kHairColors), std::end(kHairColors)};
  }();
  std::string main_color;
  if (hair && !def.bright_colors) {
    const double r = rng.uniform();
    main_color = r < 0.5 ? "Natural Black" : r < 0.8 ? "1B" : rng.pick(color_pool);
  } else {
    main_color = rng.pick(color_pool);
  }

  struct Attrs {
    std::string color, texture, size;
    int length;
    bool operator==(const Attrs&) const = default;
  };
  std::vector<Attrs> tuples;
  tuples.push_back({main_color, main_texture, def.has_size ? "Medium" : "", main_length});
  for (int attempts = 0; static_cast<int>(tuples.size()) < count && attempts < 60; ++attempts) {
    Attrs a = tuples.front();
    const int changes = static_cast<int>(rng.range(1, 2));
    for (int c = 0; c < changes; ++c) {
      switch (rng.range(0, 3)) {
        case 0:
          a.color = rng.pick(color_pool);
          break;
        case 1:
          if (hair && !fixed_length) a.length = pick_length(rng, def);
          break;
        case 2:
          if (vary_texture) a.texture = rng.pick(textures);
          break;
        default:
          if (def.has_size) a.size = rng.pick(kSizes);
          break;
      }
    }
    if (std::find(tuples.begin(), tuples.end(), a) == tuples.end()) tuples.push_back(std::move(a));
  }

  for (std::size_t v = 0; v < tuples.size(); ++v) {
    const Attrs& a = tuples[v];
    VariantInfo vi;
    vi.sku = "WH-" + std::to_string(number) + "-" + std::to_string(v + 1);
    vi.id = ids.next(p.created_ms + static_cast<std::int64_t>(v) * kSecond);
    vi.color = a.color;
    vi.length = hair ? Field(length_str(a.length)) : std::nullopt;
    vi.texture = hair ? Field(a.texture) : std::nullopt;
    vi.size = a.size.empty() ? std::nullopt : Field(a.size);
    std::int64_t delta = 0;
    if (v > 0 && !rng.chance(0.4)) {
      static constexpr std::int64_t kDeltas[] = {10, 20, 25, 50, 75, 100, 150};
      delta = rng.pick(kDeltas) * 100 + std::max(0, a.length - main_length) * 2500;
    }
    vi.price_cents = p.base_cents + delta;
    vi.active = v == 0 || !rng.chance(0.075);  // ~5% overall (the main variant stays active)

    const double s = rng.uniform();
    p.stock.push_back(s < 0.12   ? 0
                      : s < 0.27 ? static_cast<int>(rng.range(1, 5))
                                 : static_cast<int>(rng.range(6, 120)));

    std::vector<std::string> imgs;
    const int n_images = static_cast<int>(rng.range(1, 3));
    for (int k = 1; k <= n_images; ++k) {
      imgs.push_back("https://ik.imagekit.io/wighaven/products/" + lower(vi.sku) + "-" + std::to_string(k) + ".jpg");
    }
    p.images.push_back(array_literal(imgs));
    p.variants.push_back(std::move(vi));
  }
  return p;
}

// ---------------------------------------------------------------------------
// SQL
// ---------------------------------------------------------------------------

constexpr const char* kInsertCategories = R"SQL(
INSERT INTO categories (id, name, slug, description, image, is_active, is_featured, type, created_at, updated_at)
SELECT id, name, slug, description, image, is_active, is_featured, 'standard', created_at, updated_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::bool[],
            $8::timestamp(3)[], $9::timestamp(3)[])
     AS t(id, name, slug, description, image, is_active, is_featured, created_at, updated_at)
ON CONFLICT DO NOTHING)SQL";

constexpr const char* kInsertUsers = R"SQL(
INSERT INTO users (id, email, password, first_name, last_name, phone, role, email_verified, is_active,
                   created_at, updated_at)
SELECT id, email, password, first_name, last_name, phone, role, email_verified, true, created_at, updated_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bool[],
            $9::timestamp(3)[], $10::timestamp(3)[])
     AS t(id, email, password, first_name, last_name, phone, role, email_verified, created_at, updated_at)
ON CONFLICT (email) DO NOTHING)SQL";

constexpr const char* kInsertProducts = R"SQL(
INSERT INTO products (id, name, description, base_price, category_id, images, is_active, is_featured,
                      created_at, updated_at)
SELECT id, name, description, base_price, category_id, '{}'::text[], is_active, is_featured, created_at, updated_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::text[], $6::bool[], $7::bool[],
            $8::timestamp(3)[], $9::timestamp(3)[])
     AS t(id, name, description, base_price, category_id, is_active, is_featured, created_at, updated_at))SQL";

constexpr const char* kInsertVariants = R"SQL(
INSERT INTO variants (id, product_id, sku, price, stock, length, color, texture, size, images, is_active,
                      created_at, updated_at, reserved_stock)
SELECT id, product_id, sku, price, stock, length, color, texture, size, images::text[], is_active,
       created_at, updated_at, 0
FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::int[], $6::text[], $7::text[], $8::text[],
            $9::text[], $10::text[], $11::bool[], $12::timestamp(3)[], $13::timestamp(3)[])
     AS t(id, product_id, sku, price, stock, length, color, texture, size, images, is_active,
          created_at, updated_at))SQL";

constexpr const char* kInsertOrders = R"SQL(
INSERT INTO orders (id, user_id, order_number, status, payment_status, payment_method, paystack_reference,
                    subtotal, shipping, tax, discount, total, customer_email, customer_phone,
                    shipping_address, billing_address, tracking_number, notes, created_at, updated_at, paid_at)
SELECT id, user_id, order_number, status, payment_status, payment_method, paystack_reference,
       subtotal, shipping, 0, 0, subtotal + shipping, customer_email, customer_phone,
       shipping_address::jsonb, shipping_address::jsonb, tracking_number, notes, created_at, updated_at, paid_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
            $8::numeric[], $9::numeric[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
            $15::timestamp(3)[], $16::timestamp(3)[], $17::timestamp(3)[])
     AS t(id, user_id, order_number, status, payment_status, payment_method, paystack_reference,
          subtotal, shipping, customer_email, customer_phone, shipping_address, tracking_number, notes,
          created_at, updated_at, paid_at))SQL";

constexpr const char* kInsertOrderItems = R"SQL(
INSERT INTO order_items (id, order_id, variant_id, product_name, variant_sku, attributes, quantity,
                         unit_price, subtotal, created_at)
SELECT id, order_id, variant_id, product_name, variant_sku, attributes::jsonb, quantity,
       unit_price, unit_price * quantity, created_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
            $8::numeric[], $9::timestamp(3)[])
     AS t(id, order_id, variant_id, product_name, variant_sku, attributes, quantity, unit_price, created_at))SQL";

constexpr const char* kInsertBanners = R"SQL(
INSERT INTO promotional_banners (id, title, description, image_url, link_url, start_date, end_date, is_active,
                                 priority, created_by, created_at, updated_at)
SELECT t.id, t.title, t.description, t.image_url, t.link_url, t.start_date, t.end_date, true,
       t.priority, $10, t.created_at, t.created_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamp(3)[], $7::timestamp(3)[],
            $8::int[], $9::timestamp(3)[])
     AS t(id, title, description, image_url, link_url, start_date, end_date, priority, created_at)
WHERE NOT EXISTS (SELECT 1 FROM promotional_banners b WHERE b.title = t.title))SQL";

constexpr const char* kInsertSettings = R"SQL(
INSERT INTO system_settings (id, key, value, description, updated_at)
SELECT id, key, value, description, $5::timestamp(3)
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, key, value, description)
ON CONFLICT (key) DO NOTHING)SQL";

constexpr const char* kInsertRates = R"SQL(
INSERT INTO currency_rates (id, base_currency, currency, rate, last_updated, created_at)
SELECT id, 'GHS', currency, rate, $4::timestamp(3), $4::timestamp(3)
FROM unnest($1::text[], $2::text[], $3::numeric[]) AS t(id, currency, rate)
ON CONFLICT (base_currency, currency) DO NOTHING)SQL";

// ---------------------------------------------------------------------------
// The seed itself
// ---------------------------------------------------------------------------

class Seeder {
 public:
  Seeder(PGconn* conn, const SeedOptions& o, std::int64_t sku_offset)
      : conn_(conn), opt_(o), offset_(sku_offset), ids_(static_cast<std::uint64_t>(sku_offset)) {}

  SeedSummary run() {
    SeedSummary s;
    s.categories = seed_categories();
    s.customers = seed_users();
    seed_products(s);
    s.orders = seed_orders();
    s.banners = seed_banners();
    seed_settings();
    return s;
  }

 private:
  // ---- categories ---------------------------------------------------------
  int seed_categories() {
    const auto& defs = category_defs();
    const auto n = static_cast<std::size_t>(opt_.categories);
    BulkInsert ins(conn_, kInsertCategories, 9);
    std::vector<std::string> names, slugs;
    for (std::size_t i = 0; i < n; ++i) {
      const CategoryDef& def = defs[i % defs.size()];
      std::string name = category_name(i);
      std::string slug = slugify(name);
      const std::int64_t created = kEpoch - 400 * kDay + static_cast<std::int64_t>(i) * kHour;
      const bool active = !(n >= 10 && i == 8);
      const bool featured = i == 0 || i == 1 || i == 2 || i == 4;
      ins.add({text(ids_.next(created)), text(name), text(slug), text(def.description),
               text("https://ik.imagekit.io/wighaven/categories/" + slug + ".jpg"), boolean(active), boolean(featured),
               text(timestamp(created)), text(timestamp(created))});
      names.push_back(std::move(name));
      slugs.push_back(std::move(slug));
    }
    ins.flush();
    category_slugs_ = slugs;
    // Map to the ids actually in the table (pre-existing rows are reused).
    category_ids_.assign(n, "");
    if (n > 0) {
      auto res =
          exec(conn_, "SELECT id, slug, name FROM categories WHERE slug = ANY($1::text[]) OR name = ANY($2::text[])",
               {text(array_literal(slugs)), text(array_literal(names))});
      std::unordered_map<std::string, std::string> by_slug, by_name;
      for (int r = 0; r < PQntuples(res.get()); ++r) {
        by_slug[cell(res, r, 1)] = cell(res, r, 0);
        by_name[cell(res, r, 2)] = cell(res, r, 0);
      }
      for (std::size_t i = 0; i < n; ++i) {
        if (auto it = by_slug.find(slugs[i]); it != by_slug.end()) {
          category_ids_[i] = it->second;
        } else if (auto jt = by_name.find(names[i]); jt != by_name.end()) {
          category_ids_[i] = jt->second;
        } else {
          throw std::runtime_error("seed: category '" + names[i] + "' could not be created or found");
        }
      }
    }
    return static_cast<int>(ins.inserted());
  }

  // ---- users --------------------------------------------------------------
  int seed_users() {
    const std::string admin_hash = password::hash(kDemoAdminPassword, 10);
    const std::string super_hash = password::hash(kDemoAdminPassword, 10);
    const std::string customer_hash = opt_.customers > 0 ? password::hash(kDemoCustomerPassword, 10) : std::string();

    BulkInsert ins(conn_, kInsertUsers, 10);
    std::vector<std::string> emails;
    const std::int64_t staff_created = kEpoch - 400 * kDay;
    auto add_staff = [&](const char* email, const std::string& hash, const char* first, const char* last,
                         const char* phone, const char* role, std::int64_t created) {
      ins.add({text(ids_.next(created)), text(email), text(hash), text(first), text(last), text(phone), text(role),
               boolean(true), text(timestamp(created)), text(timestamp(created))});
      emails.emplace_back(email);
    };
    add_staff(kDemoAdminEmail, admin_hash, "Adjoa", "Mensah", "+233244000001", "admin", staff_created);
    add_staff("super@wighaven.local", super_hash, "Kwame", "Asante", "+233244000002", "super_admin",
              staff_created - kHour);
    ins.flush();
    const long staff_inserted = ins.inserted();

    customers_.clear();
    for (int c = 1; c <= opt_.customers; ++c) {
      Rng rng(Stream::kCustomer, static_cast<std::uint64_t>(c));
      CustomerInfo ci;
      ci.email = "customer" + std::to_string(c) + "@example.com";
      ci.first = rng.pick(kFirstNames);
      ci.last = rng.pick(kLastNames);
      char phone[64];
      std::snprintf(phone, sizeof phone, "+23324%07lld", static_cast<long long>(rng.range(0, 9999999)));
      ci.phone = phone;
      ci.created_ms = kEpoch - rng.range(kDay, 365 * kDay);
      const bool verified = rng.chance(0.9);
      ins.add({text(ids_.next(ci.created_ms)), text(ci.email), text(customer_hash), text(ci.first), text(ci.last),
               text(ci.phone), text("customer"), boolean(verified), text(timestamp(ci.created_ms)),
               text(timestamp(ci.created_ms))});
      emails.push_back(ci.email);
      customers_.push_back(std::move(ci));
    }
    ins.flush();

    // Resolve ids (existing accounts are reused untouched).
    auto res = exec(conn_, "SELECT id, email FROM users WHERE email = ANY($1::text[])", {text(array_literal(emails))});
    std::unordered_map<std::string, std::string> by_email;
    for (int r = 0; r < PQntuples(res.get()); ++r) by_email[cell(res, r, 1)] = cell(res, r, 0);
    admin_id_ = by_email.at(kDemoAdminEmail);
    customer_ids_.clear();
    for (const auto& c : customers_) customer_ids_.push_back(by_email.at(c.email));
    return static_cast<int>(ins.inserted() - staff_inserted);
  }

  // ---- products & variants ------------------------------------------------
  void seed_products(SeedSummary& s) {
    const int total = opt_.products;
    if (total <= 0) return;
    const auto& defs = category_defs();
    const std::size_t ncat = category_ids_.size();
    std::vector<std::int64_t> cum;  // cumulative category weights
    std::int64_t wsum = 0;
    for (std::size_t i = 0; i < ncat; ++i) {
      wsum += defs[i % defs.size()].weight;
      cum.push_back(wsum);
    }
    const bool progress = opt_.progress && total > 2000;
    BulkInsert products(conn_, kInsertProducts, 9);
    BulkInsert variants(conn_, kInsertVariants, 13);
    products_.clear();
    products_.reserve(static_cast<std::size_t>(std::min(total, kOrderableProducts)));
    constexpr int kChunk = 500;
    for (int start = 0; start < total; start += kChunk) {
      const int end = std::min(total, start + kChunk);
      std::vector<GeneratedProduct> chunk;
      chunk.reserve(static_cast<std::size_t>(end - start));
      for (int i = start; i < end; ++i) {
        const std::int64_t number = offset_ + i + 1;
        Rng crng(Stream::kCategory, static_cast<std::uint64_t>(number));
        const std::int64_t roll = crng.range(0, wsum - 1);
        const auto cat = static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), roll) - cum.begin());
        chunk.push_back(generate_product(number, cat, defs[cat % defs.size()], ids_));
        const GeneratedProduct& p = chunk.back();
        products.add({text(p.id), text(p.name), text(p.description), text(money(p.base_cents)),
                      text(category_ids_[cat]), boolean(p.active), boolean(p.featured), text(timestamp(p.created_ms)),
                      text(timestamp(p.created_ms))});
      }
      products.flush();  // variants reference the products: insert those first
      for (auto& p : chunk) {
        for (std::size_t v = 0; v < p.variants.size(); ++v) {
          const VariantInfo& vi = p.variants[v];
          const std::string ts = timestamp(p.created_ms + static_cast<std::int64_t>(v) * kSecond);
          variants.add({text(vi.id), text(p.id), text(vi.sku), text(money(vi.price_cents)), integer(p.stock[v]),
                        vi.length, vi.color, vi.texture, vi.size, text(p.images[v]), boolean(vi.active), text(ts),
                        text(ts)});
        }
        if (products_.size() < static_cast<std::size_t>(kOrderableProducts)) {
          products_.push_back({std::move(p.name), p.created_ms, std::move(p.variants)});
        }
      }
      if (progress) {
        std::fprintf(stderr, "\rseed: products %d/%d (%d%%)", end, total,
                     static_cast<int>(static_cast<std::int64_t>(end) * 100 / total));
        std::fflush(stderr);
      }
    }
    variants.flush();
    if (progress) std::fputc('\n', stderr);
    s.products = static_cast<int>(products.inserted());
    s.variants = static_cast<int>(variants.inserted());
  }

  // ---- orders -------------------------------------------------------------
  struct OrderRow {
    std::string id, number;
    Field user_id, reference, payment_method, tracking, notes, paid_at;
    std::string status, payment_status, email, phone, address_json;
    std::int64_t created_ms, updated_ms, subtotal, shipping;
    struct Item {
      std::size_t product, variant;
      int quantity;
    };
    std::vector<Item> items;
  };

  int seed_orders() {
    const int total = opt_.orders;
    if (total <= 0 || products_.empty()) return 0;

    // Zipf(s=1) popularity over product positions: product 1 sells most.
    std::vector<double> cdf(products_.size());
    double acc = 0;
    for (std::size_t i = 0; i < products_.size(); ++i) cdf[i] = acc += 1.0 / static_cast<double>(i + 1);

    std::vector<OrderRow> orders;
    orders.reserve(static_cast<std::size_t>(total));
    std::unordered_set<std::string> numbers, references;
    for (int j = 0; j < total; ++j) {
      Rng rng(Stream::kOrder, static_cast<std::uint64_t>(j), static_cast<std::uint64_t>(offset_));
      OrderRow o;
      std::int64_t ts = kEpoch - rng.range(10 * kMinute, 120 * kDay);

      // Customer or guest.
      std::string first, last;
      const bool guest = customers_.empty() || rng.chance(0.15);
      if (guest) {
        first = rng.pick(kFirstNames);
        last = rng.pick(kLastNames);
        o.email = lower(first) + "." + lower(last) + std::to_string(rng.range(1, 999)) + "@example.com";
        o.phone = phone_number(rng);
      } else {
        const double u = rng.uniform();
        const auto ci = static_cast<std::size_t>(u * u * static_cast<double>(customers_.size()));
        const CustomerInfo& c = customers_[std::min(ci, customers_.size() - 1)];
        o.user_id = customer_ids_[std::min(ci, customers_.size() - 1)];
        first = c.first;
        last = c.last;
        o.email = c.email;
        o.phone = c.phone;
        ts = std::max(ts, c.created_ms + kHour);
      }

      // Items: 1-4 distinct variants, products drawn by popularity, preferring
      // products that already existed when the order was placed.
      static constexpr int kItemWeights[] = {45, 30, 15, 10};
      int roll = static_cast<int>(rng.range(0, 99));
      int n_items = 1;
      for (int w : kItemWeights) {
        if (roll < w) break;
        roll -= w;
        ++n_items;
      }
      for (int k = 0; k < n_items; ++k) {
        std::size_t pi = 0;
        for (int tries = 0; tries < 20; ++tries) {
          const double target = rng.uniform() * acc;
          pi = static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), target) - cdf.begin());
          pi = std::min(pi, products_.size() - 1);
          if (products_[pi].created_ms < ts) break;
        }
        const auto& vars = products_[pi].variants;
        std::vector<std::size_t> active;
        for (std::size_t v = 0; v < vars.size(); ++v) {
          if (vars[v].active) active.push_back(v);
        }
        const std::size_t vi = active.empty() ? rng.index(vars.size()) : active[rng.index(active.size())];
        const bool dup = std::any_of(o.items.begin(), o.items.end(),
                                     [&](const OrderRow::Item& it) { return it.product == pi && it.variant == vi; });
        if (dup) continue;
        const double q = rng.uniform();
        o.items.push_back({pi, vi, q < 0.75 ? 1 : q < 0.95 ? 2 : 3});
        ts = std::max(ts, products_[pi].created_ms + kHour);
      }
      ts = std::min(ts, kEpoch - kMinute);
      o.created_ms = ts;

      o.subtotal = 0;
      for (const auto& it : o.items) {
        o.subtotal += products_[it.product].variants[it.variant].price_cents * it.quantity;
      }
      o.shipping = o.subtotal >= 10000 ? 0 : 1000;  // free from GHS 100, else the flat GHS 10

      // Status: older orders are mostly delivered, recent ones still in flight.
      const std::int64_t age_days = (kEpoch - ts) / kDay;
      const double r = rng.uniform();
      if (age_days > 14) {
        o.status = r < 0.68   ? "delivered"
                   : r < 0.76 ? "shipped"
                   : r < 0.82 ? "processing"
                   : r < 0.87 ? "pending"
                   : r < 0.96 ? "cancelled"
                              : "refunded";
      } else {
        o.status = r < 0.25   ? "delivered"
                   : r < 0.45 ? "shipped"
                   : r < 0.75 ? "processing"
                   : r < 0.9  ? "pending"
                              : "cancelled";
      }
      bool paid = false;
      if (o.status == "delivered" || o.status == "shipped" || o.status == "processing") {
        o.payment_status = "paid";
        paid = true;
      } else if (o.status == "refunded") {
        o.payment_status = "refunded";
        paid = true;
      } else if (o.status == "pending") {
        o.payment_status = rng.chance(0.8) ? "pending" : "failed";
      } else {  // cancelled
        const double c = rng.uniform();
        o.payment_status = c < 0.4 ? "failed" : c < 0.8 ? "pending" : "refunded";
        paid = o.payment_status == "refunded";
        if (o.payment_status == "pending") o.notes = "Automatically cancelled: payment was not completed in time.";
      }
      const bool has_reference = paid || o.payment_status == "failed" || rng.chance(0.6);
      if (has_reference) o.reference = make_reference(rng, ts, references);
      if (paid) {
        o.paid_at = timestamp(ts + rng.range(1 * kMinute, 30 * kMinute));
        o.payment_method = rng.chance(0.55) ? "card" : "mobile_money";
      }
      if (o.status == "shipped" || o.status == "delivered") {
        char buf[64];
        std::snprintf(buf, sizeof buf, "GH%010lld", static_cast<long long>(rng.range(0, 9999999999LL)));
        o.tracking = std::string(buf);
      }
      if (!o.notes && rng.chance(0.08)) o.notes = "Please call before delivery.";
      const std::int64_t settle = o.status == "delivered" ? rng.range(2 * kDay, 8 * kDay)
                                  : o.status == "pending" ? 0
                                                          : rng.range(30 * kMinute, 2 * kDay);
      o.updated_ms = std::min(ts + settle, kEpoch);

      o.number = make_order_number(rng, ts, numbers);
      o.id = ids_.next(ts);

      const City& city = cities()[rng.index(cities().size())];
      char gps[64];
      std::snprintf(gps, sizeof gps, "%s-%03lld-%04lld", city.gps_prefix, static_cast<long long>(rng.range(1, 999)),
                    static_cast<long long>(rng.range(1, 9999)));
      const Field name = first + " " + last;
      const Field street = std::to_string(rng.range(1, 120)) + " " + rng.pick(city.streets);
      const Field city_f = std::string(city.city), state = std::string(city.region), zip = std::string(gps),
                  country = std::string("Ghana"), phone = o.phone;
      o.address_json = json_object({{"name", &name},
                                    {"address", &street},
                                    {"city", &city_f},
                                    {"state", &state},
                                    {"zip_code", &zip},
                                    {"country", &country},
                                    {"phone", &phone}});
      orders.push_back(std::move(o));
    }

    resolve_collisions(orders, numbers, references);

    BulkInsert ins(conn_, kInsertOrders, 17);
    for (const auto& o : orders) {
      ins.add({text(o.id), o.user_id, text(o.number), text(o.status), text(o.payment_status), o.payment_method,
               o.reference, text(money(o.subtotal)), text(money(o.shipping)), text(o.email), text(o.phone),
               text(o.address_json), o.tracking, o.notes, text(timestamp(o.created_ms)), text(timestamp(o.updated_ms)),
               o.paid_at});
    }
    ins.flush();

    BulkInsert items(conn_, kInsertOrderItems, 9);
    for (const auto& o : orders) {
      for (const auto& it : o.items) {
        const ProductInfo& p = products_[it.product];
        const VariantInfo& v = p.variants[it.variant];
        items.add({text(ids_.next(o.created_ms)), text(o.id), text(v.id), text(p.name), text(v.sku),
                   text(json_object(
                       {{"length", &v.length}, {"color", &v.color}, {"texture", &v.texture}, {"size", &v.size}})),
                   integer(it.quantity), text(money(v.price_cents)), text(timestamp(o.created_ms))});
      }
    }
    items.flush();
    return static_cast<int>(ins.inserted());
  }

  static std::string make_order_number(Rng& rng, std::int64_t ts, std::unordered_set<std::string>& taken) {
    for (;;) {
      std::string n = "ORD-" + yyyymmdd(ts) + "-" + hex(rng.next(), 6, true);
      if (taken.insert(n).second) return n;
    }
  }

  static std::string make_reference(Rng& rng, std::int64_t ts, std::unordered_set<std::string>& taken) {
    for (;;) {
      std::string r = "ref_" + std::to_string(ts + rng.range(0, 5000)) + "_" + hex(rng.next(), 9, false);
      if (taken.insert(r).second) return r;
    }
  }

  // Order numbers / references are unique within this run; make sure they also
  // do not clash with orders already in the database (only possible with --force).
  void resolve_collisions(std::vector<OrderRow>& orders, std::unordered_set<std::string>& numbers,
                          std::unordered_set<std::string>& references) {
    std::vector<std::string> all_numbers, all_refs;
    for (const auto& o : orders) {
      all_numbers.push_back(o.number);
      if (o.reference) all_refs.push_back(*o.reference);
    }
    auto existing = [&](const char* sql, const std::vector<std::string>& values) {
      std::unordered_set<std::string> out;
      auto res = exec(conn_, sql, {text(array_literal(values))});
      for (int r = 0; r < PQntuples(res.get()); ++r) out.insert(cell(res, r, 0));
      return out;
    };
    const auto taken_numbers =
        existing("SELECT order_number FROM orders WHERE order_number = ANY($1::text[])", all_numbers);
    const auto taken_refs =
        existing("SELECT paystack_reference FROM orders WHERE paystack_reference = ANY($1::text[])", all_refs);
    if (taken_numbers.empty() && taken_refs.empty()) return;
    for (auto& n : taken_numbers) numbers.insert(n);
    for (auto& r : taken_refs) references.insert(r);
    Rng rng(Stream::kOrderRetry, 0, static_cast<std::uint64_t>(offset_));
    for (auto& o : orders) {
      if (taken_numbers.count(o.number)) o.number = make_order_number(rng, o.created_ms, numbers);
      if (o.reference && taken_refs.count(*o.reference)) o.reference = make_reference(rng, o.created_ms, references);
    }
    // Extremely unlikely second-order clashes are left to the unique indexes.
  }

  // ---- banners ------------------------------------------------------------
  int seed_banners() {
    const std::string cat_link =
        category_slugs_.empty() ? std::string("/products") : "/products?category=" + category_slugs_.front();
    struct Banner {
      const char* title;
      const char* description;
      const char* image;
      std::string link;
      std::int64_t start, end;
      int priority;
    };
    const std::vector<Banner> banners = {
        {"Lace Front Favourites: Up to 20% Off", "Our best-selling lace front wigs at their lowest prices.",
         "lace-front-favourites", cat_link, utc_ms(2025, 1, 1), utc_ms(2030, 1, 1), 10},
        {"Free Delivery Nationwide", "Free delivery on every order above GHS 100, from Accra to Tamale.",
         "free-delivery", "/products", utc_ms(2025, 1, 1), utc_ms(2030, 1, 1), 5},
        {"Black Friday Wig Sale", "Our biggest sale of the year has ended. Thank you for shopping with us!",
         "black-friday-2024", "/products?sort=popular", utc_ms(2024, 11, 22), utc_ms(2024, 12, 2), 8},
        {"Valentine's Collection", "Fall in love with our new Valentine's collection.", "valentines-collection",
         "/products?sort=newest", utc_ms(2030, 1, 15), utc_ms(2030, 2, 20), 3},
    };
    BulkInsert ins(conn_, kInsertBanners, 9, {text(admin_id_)});
    for (const auto& b : banners) {
      const std::int64_t created = std::min(b.start, kEpoch) - 7 * kDay;
      ins.add({text(ids_.next(created)), text(b.title), text(b.description),
               text(std::string("https://ik.imagekit.io/wighaven/banners/") + b.image + ".jpg"), text(b.link),
               text(timestamp(b.start)), text(timestamp(b.end)), integer(b.priority), text(timestamp(created))});
    }
    ins.flush();
    return static_cast<int>(ins.inserted());
  }

  // ---- settings & currency rates ------------------------------------------
  void seed_settings() {
    struct Setting {
      const char* key;
      const char* value;
      const char* description;
    };
    static constexpr Setting kSettings[] = {
        {"siteName", "WigHaven", "Store name shown in the storefront and emails"},
        {"supportEmail", "support@wighaven.com", "Customer support email address"},
        {"socialLinks",
         R"({"instagram":"https://instagram.com/wighaven","facebook":"https://facebook.com/wighaven","twitter":"https://twitter.com/wighaven"})",
         "Social media profile links"},
        {"paymentMethods", R"({"card":true,"cash":false,"mobileMoney":true})", "Enabled payment methods"},
        {"shippingFlatRate", "10", "Flat shipping fee in GHS"},
        {"freeShippingThreshold", "100", "Order subtotal (GHS) from which shipping is free"},
        {"maintenanceMode", "false", "Put the storefront into maintenance mode"},
        {"currency", "GHS", "Store currency"},
        {"taxRate", "0", "Tax rate in percent"},
        {"enable_payments", "true", "Accept online payments"},
        {"orderConfirmationEmail", "true", "Send order confirmation emails"},
        {"review_auto_approve", "false", "Publish reviews without moderation"},
        {"minReviewLength", "10", "Minimum review length in characters"},
    };
    BulkInsert settings(conn_, kInsertSettings, 4, {text(timestamp(kEpoch))});
    for (const auto& s : kSettings) {
      settings.add({text(ids_.next(kEpoch)), text(s.key), text(s.value), text(s.description)});
    }
    settings.flush();

    struct RateRow {
      const char* currency;
      const char* rate;
    };
    static constexpr RateRow kRates[] = {{"USD", "0.082"}, {"EUR", "0.076"}, {"GBP", "0.065"}, {"NGN", "120.5"}};
    BulkInsert rates(conn_, kInsertRates, 3, {text(timestamp(kEpoch))});
    for (const auto& r : kRates) rates.add({text(ids_.next(kEpoch)), text(r.currency), text(r.rate)});
    rates.flush();
  }

  PGconn* conn_;
  const SeedOptions& opt_;
  std::int64_t offset_;
  IdGen ids_;
  std::vector<std::string> category_ids_, category_slugs_;
  std::string admin_id_;
  std::vector<CustomerInfo> customers_;
  std::vector<std::string> customer_ids_;
  std::vector<ProductInfo> products_;
};

}  // namespace

SeedSummary seed(const std::string& url, const SeedOptions& options) {
  if (options.categories < 0 || options.products < 0 || options.customers < 0 || options.orders < 0) {
    throw std::runtime_error("seed: counts must not be negative");
  }
  if (options.products > 0 && options.categories == 0) {
    throw std::runtime_error("seed: at least one category is needed to seed products");
  }

  Conn conn(PQconnectdb(url.c_str()));
  if (!conn) throw std::runtime_error("seed: out of memory creating the connection");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("seed: cannot connect: " + trimmed(PQerrorMessage(conn.get())));
  }

  bool in_tx = false;
  try {
    exec(conn.get(), "BEGIN");
    in_tx = true;
    // Serialise concurrent seeders: the second one waits, then sees the catalog.
    exec(conn.get(), "SELECT pg_advisory_xact_lock(7305871262374811185)");
    auto has = exec(conn.get(), "SELECT EXISTS (SELECT 1 FROM products)");
    if (cell(has, 0, 0) == "t" && !options.force) {
      exec(conn.get(), "ROLLBACK");
      in_tx = false;
      SeedSummary s;
      s.skipped = true;
      return s;
    }
    auto off = exec(conn.get(),
                    "SELECT COALESCE(max(split_part(sku, '-', 2)::bigint), 0) FROM variants "
                    "WHERE sku ~ '^WH-[0-9]{1,15}-[0-9]+$'");
    const std::int64_t offset = std::stoll(cell(off, 0, 0));

    Seeder seeder(conn.get(), options, offset);
    SeedSummary summary = seeder.run();
    exec(conn.get(), "COMMIT");
    in_tx = false;
    return summary;
  } catch (...) {
    if (in_tx) Result(PQexec(conn.get(), "ROLLBACK"));
    throw;
  }
}

}  // namespace wh::db
