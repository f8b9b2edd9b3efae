#include "web/body_fields.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace wh::web {
namespace json = boost::json;

namespace {

std::string quoted(std::string_view field) { return "\"" + std::string(field) + "\""; }

// Reads `n` digits at `pos` of `s` into `out`; advances `pos`.
bool digits(std::string_view s, std::size_t& pos, int n, int& out) {
  if (pos + static_cast<std::size_t>(n) > s.size()) return false;
  out = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(n);
  return true;
}

bool take(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// The offset east of UTC in minutes at `pos` ("Z", "+hh", "+hh:mm",
// "+hhmm"), or nothing at the end of `s`.
std::optional<int> offset_minutes(std::string_view s, std::size_t& pos) {
  if (pos == s.size()) return 0;
  if (take(s, pos, 'Z')) return 0;
  int sign = take(s, pos, '+') ? 1 : (take(s, pos, '-') ? -1 : 0);
  int hh = 0, mm = 0;
  if (sign == 0 || !digits(s, pos, 2, hh) || hh > 23) return std::nullopt;
  if (pos < s.size()) {
    take(s, pos, ':');
    if (!digits(s, pos, 2, mm) || mm > 59) return std::nullopt;
  }
  return sign * (hh * 60 + mm);
}

std::string sql_timestamp(std::int64_t unix_ms) {
  using namespace std::chrono;
  sys_time<milliseconds> t{milliseconds(unix_ms)};
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<milliseconds> hms{t - day};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d.%03d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  return buf;
}

}  // namespace

std::optional<Instant> parse_iso_instant(std::string_view s) {
  using namespace std::chrono;
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (!digits(s, pos, 4, y) || !take(s, pos, '-') || !digits(s, pos, 2, mo) || !take(s, pos, '-') ||
      !digits(s, pos, 2, d)) {
    return std::nullopt;
  }
  year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (y < 1000 || !ymd.ok()) return std::nullopt;
  bool has_time = take(s, pos, 'T') || take(s, pos, ' ');
  if (has_time) {
    if (!digits(s, pos, 2, h) || h > 23 || !take(s, pos, ':') || !digits(s, pos, 2, mi) || mi > 59) {
      return std::nullopt;
    }
    if (take(s, pos, ':')) {
      if (!digits(s, pos, 2, sec) || sec > 59) return std::nullopt;
      if (take(s, pos, '.') || take(s, pos, ',')) {
        int scale = 100, n = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          ms += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
          ++n;
        }
        if (n == 0) return std::nullopt;
      }
    }
  }
  auto offset = has_time ? offset_minutes(s, pos) : std::optional<int>(0);
  if (!offset || pos != s.size()) return std::nullopt;
  auto local = sys_days(ymd) + hours(h) + minutes(mi) + seconds(sec) + milliseconds(ms);
  Instant out;
  out.unix_ms = duration_cast<milliseconds>((local - minutes(*offset)).time_since_epoch()).count();
  out.sql = sql_timestamp(out.unix_ms);
  return out;
}

bool is_web_url(std::string_view text) {
  auto u = boost::urls::parse_uri(text);
  if (!u) return false;
  auto scheme = u->scheme_id();
  return (scheme == boost::urls::scheme::http || scheme == boost::urls::scheme::https) && u->has_authority() &&
         !u->encoded_host().empty();
}

bool is_site_path(std::string_view text) {
  if (text.size() < 1 || text[0] != '/' || (text.size() > 1 && text[1] == '/')) return false;
  return static_cast<bool>(boost::urls::parse_relative_ref(text));
}

std::size_t char_count(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

const json::value* BodyFields::find(std::string_view field) const { return body_.if_contains(field); }

bool BodyFields::has(std::string_view field) const { return find(field) != nullptr; }

int BodyFields::count_present(std::initializer_list<std::string_view> fields) const {
  int n = 0;
  for (auto f : fields) n += has(f);
  return n;
}

void BodyFields::add(std::string_view field, std::string message) {
  errors_.add(std::string(field), std::move(message));
}

std::optional<std::string> BodyFields::checked_string(std::string_view field, const json::value& v, std::size_t max) {
  if (!v.is_string()) {
    add(field, quoted(field) + " must be a string");
    return std::nullopt;
  }
  std::string_view s = v.as_string();
  if (s.find('\0') != std::string_view::npos) {
    add(field, quoted(field) + " must not contain a NUL character");
    return std::nullopt;
  }
  if (char_count(s) > max) {
    add(field, quoted(field) + " length must be less than or equal to " + std::to_string(max) + " characters long");
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<std::string> BodyFields::text(std::string_view field, std::size_t max, bool required) {
  const json::value* v = find(field);
  if (v == nullptr) {
    if (required) add(field, quoted(field) + " is required");
    return std::nullopt;
  }
  if (v->is_string() && v->as_string().empty()) {
    add(field, quoted(field) + " is not allowed to be empty");
    return std::nullopt;
  }
  return checked_string(field, *v, max);
}

Patch<std::string> BodyFields::nullable_text(std::string_view field, std::size_t max) {
  Patch<std::string> out;
  const json::value* v = find(field);
  if (v == nullptr) return out;
  out.present = true;
  if (v->is_null() || (v->is_string() && v->as_string().empty())) return out;
  out.value = checked_string(field, *v, max);
  if (!out.value) out.present = false;
  return out;
}

std::optional<std::string> BodyFields::url(std::string_view field, std::size_t max, bool required) {
  auto s = text(field, max, required);
  if (s && !is_web_url(*s)) {
    add(field, quoted(field) + " must be a valid uri");
    return std::nullopt;
  }
  return s;
}

Patch<std::string> BodyFields::nullable_url(std::string_view field, std::size_t max, bool site_paths) {
  auto p = nullable_text(field, max);
  if (p.value && !is_web_url(*p.value) && !(site_paths && is_site_path(*p.value))) {
    add(field, quoted(field) + " must be a valid uri");
    return {};
  }
  return p;
}

std::optional<std::int64_t> BodyFields::integer(std::string_view field, std::int64_t min, std::int64_t max) {
  const json::value* v = find(field);
  if (v == nullptr) return std::nullopt;
  double n = 0;
  if (v->is_int64()) {
    n = static_cast<double>(v->as_int64());
  } else if (v->is_uint64()) {
    n = static_cast<double>(v->as_uint64());
  } else if (v->is_double()) {
    n = v->as_double();
  } else if (v->is_string() && !v->as_string().empty()) {
    // Joi converts numeric strings.
    std::string s(v->as_string());
    char* end = nullptr;
    n = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size()) {
      add(field, quoted(field) + " must be a number");
      return std::nullopt;
    }
  } else {
    add(field, quoted(field) + " must be a number");
    return std::nullopt;
  }
  if (!std::isfinite(n) || n != std::floor(n)) {
    add(field, quoted(field) + " must be an integer");
    return std::nullopt;
  }
  if (n < static_cast<double>(min)) {
    add(field, quoted(field) + " must be greater than or equal to " + std::to_string(min));
    return std::nullopt;
  }
  if (n > static_cast<double>(max)) {
    add(field, quoted(field) + " must be less than or equal to " + std::to_string(max));
    return std::nullopt;
  }
  return static_cast<std::int64_t>(n);
}

std::optional<bool> BodyFields::boolean(std::string_view field) {
  const json::value* v = find(field);
  if (v == nullptr) return std::nullopt;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string() && (v->as_string() == "true" || v->as_string() == "false")) return v->as_string() == "true";
  add(field, quoted(field) + " must be a boolean");
  return std::nullopt;
}

std::optional<std::string> BodyFields::one_of(std::string_view field, std::initializer_list<std::string_view> allowed) {
  const json::value* v = find(field);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) {
    for (auto a : allowed) {
      if (v->as_string() == a) return std::string(a);
    }
  }
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  add(field, quoted(field) + " must be one of [" + list + "]");
  return std::nullopt;
}

std::optional<Instant> BodyFields::instant(std::string_view field, bool required) {
  const json::value* v = find(field);
  if (v == nullptr) {
    if (required) add(field, quoted(field) + " is required");
    return std::nullopt;
  }
  std::optional<Instant> t;
  if (v->is_string()) t = parse_iso_instant(v->as_string());
  if (!t) add(field, quoted(field) + " must be in ISO 8601 date format");
  return t;
}

const json::value* BodyFields::any(std::string_view field, bool required) {
  const json::value* v = find(field);
  if (v == nullptr || v->is_null()) {
    if (required) add(field, quoted(field) + " is required");
    return nullptr;
  }
  return v;
}

}  // namespace wh::web
