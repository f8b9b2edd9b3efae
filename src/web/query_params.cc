#include "web/query_params.h"

#include "core/money.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace wh::web {

std::optional<std::string_view> QueryReader::single(std::string_view name) {
  std::optional<std::string_view> found;
  int count = 0;
  for (const auto& [k, v] : req_.query) {
    if (k == name) {
      ++count;
      found = v;
    }
  }
  if (count > 1) {
    errors_.add(std::string(name), "\"" + std::string(name) + "\" must be given once");
    return std::nullopt;
  }
  if (found && found->empty()) return std::nullopt;
  return found;
}

int QueryReader::integer(std::string_view name, int fallback, int max) {
  auto v = single(name);
  if (!v) return fallback;
  int n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size() || n < 1 || n > max) {
    errors_.add(std::string(name),
                "\"" + std::string(name) + "\" must be an integer between 1 and " + std::to_string(max));
    return fallback;
  }
  if (n != fallback) record(name, std::to_string(n));
  return n;
}

std::optional<std::string> QueryReader::money(std::string_view name) {
  auto v = single(name);
  if (!v) return std::nullopt;
  auto amount = parse_cedis(*v);
  if (!amount) {
    errors_.add(std::string(name), "\"" + std::string(name) + "\" must be a non-negative amount like 150 or 99.50");
    return std::nullopt;
  }
  std::string text = cedis_text(*amount);
  record(name, text);
  return text;
}

std::optional<bool> QueryReader::boolean(std::string_view name) {
  auto v = single(name);
  if (!v) return std::nullopt;
  if (*v == "true" || *v == "false") {
    record(name, std::string(*v));
    return *v == "true";
  }
  errors_.add(std::string(name), "\"" + std::string(name) + "\" must be true or false");
  return std::nullopt;
}

bool QueryReader::boolean_or(std::string_view name, bool fallback) {
  auto before = canonical_.size();
  bool value = boolean(name).value_or(fallback);
  if (value == fallback && canonical_.size() > before) canonical_.pop_back();
  return value;
}

std::string QueryReader::choice(std::string_view name, const std::vector<std::string_view>& allowed,
                                std::string_view fallback) {
  auto v = single(name);
  if (!v) return std::string(fallback);
  auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (auto a : allowed) {
    if (same(*v, a)) {
      if (a != fallback) record(name, std::string(a));
      return std::string(a);
    }
  }
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  errors_.add(std::string(name), "\"" + std::string(name) + "\" must be one of " + list);
  return std::string(fallback);
}

bool money_text(std::string_view v) { return parse_cedis(v).has_value(); }

bool valid_utf8(std::string_view s) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = byte(i);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF)
      n = 1;
    else if (c >= 0xE0 && c <= 0xEF)
      n = 2, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
      n = 3, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else
      return false;
    if (i + n >= s.size()) return false;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return false;
    for (std::size_t k = 2; k <= n; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

std::optional<std::string> QueryReader::text(std::string_view name, std::size_t max_len, Case letter_case) {
  auto v = single(name);
  if (!v) return std::nullopt;
  if (!valid_utf8(*v)) {
    errors_.add(std::string(name), "\"" + std::string(name) + "\" must be valid UTF-8 text");
    return std::nullopt;
  }
  std::string_view t = *v;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  if (t.empty()) return std::nullopt;
  std::size_t chars = 0;
  for (char c : t) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // count code points
  if (chars > max_len) {
    errors_.add(std::string(name),
                "\"" + std::string(name) + "\" must be at most " + std::to_string(max_len) + " characters");
    return std::nullopt;
  }
  std::string out(t);
  if (letter_case == Case::kLower) {
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  record(name, out);
  return out;
}

std::string contains_pattern(std::string_view text) {
  std::string p = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') p += '\\';
    p += c;
  }
  p += '%';
  return p;
}

bool plausible_id(std::string_view id) {
  if (id.empty() || id.size() > 30) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}
}  // namespace wh::web
