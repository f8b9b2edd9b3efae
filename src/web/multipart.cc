#include "web/multipart.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "core/error.h"

namespace wh::web::multipart {
namespace {

constexpr std::string_view kCrlf = "\r\n";

[[noreturn]] void malformed(const std::string& what) {
  throw ApiError(400, "BadRequestError", "Malformed multipart/form-data body: " + what);
}

[[noreturn]] void too_large(const std::string& what) { throw ApiError(413, "PayloadTooLargeError", what); }

// RFC 9110 token characters.
bool is_tchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lower(c);
  return out;
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

void skip_ows(std::string_view& s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
}

std::string_view trim_ows(std::string_view s) {
  skip_ows(s);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// A header value of the form `type *( ";" name "=" (token / quoted-string) )`.
struct HeaderValue {
  std::string_view type;
  std::vector<std::pair<std::string, std::string>> params;  // names lower-cased

  const std::string* param(std::string_view name) const {
    for (const auto& [k, v] : params) {
      if (k == name) return &v;
    }
    return nullptr;
  }
};

// A quoted-string starting at s[0] == '"'. A backslash escapes only `"` and
// `\`; before anything else it is kept (browsers send Windows paths as is).
std::string take_quoted(std::string_view& s, std::string_view header) {
  std::string out;
  std::size_t i = 1;
  for (; i < s.size() && s[i] != '"'; ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) ++i;
    out += s[i];
  }
  if (i >= s.size()) malformed("unterminated quoted string in " + std::string(header));
  s.remove_prefix(i + 1);
  return out;
}

HeaderValue parse_header_value(std::string_view s, std::string_view header) {
  HeaderValue out;
  auto semi = s.find(';');
  out.type = trim_ows(s.substr(0, semi));
  s = semi == std::string_view::npos ? std::string_view() : s.substr(semi);
  for (;;) {
    skip_ows(s);
    if (s.empty()) break;
    if (s.front() != ';') malformed("unexpected characters in the parameters of " + std::string(header));
    s.remove_prefix(1);
    skip_ows(s);
    if (s.empty()) break;  // a trailing ';'
    std::size_t n = 0;
    while (n < s.size() && is_tchar(s[n])) ++n;
    if (n == 0) malformed("a parameter of " + std::string(header) + " has no name");
    std::string name = lowered(s.substr(0, n));
    s.remove_prefix(n);
    skip_ows(s);
    if (s.empty() || s.front() != '=') malformed("parameter " + name + " of " + std::string(header) + " has no value");
    s.remove_prefix(1);
    skip_ows(s);
    std::string value;
    if (!s.empty() && s.front() == '"') {
      value = take_quoted(s, header);
    } else {
      std::size_t m = 0;
      while (m < s.size() && is_tchar(s[m])) ++m;
      if (m == 0) malformed("parameter " + name + " of " + std::string(header) + " has an empty or invalid value");
      value = std::string(s.substr(0, m));
      s.remove_prefix(m);
    }
    if (out.param(name) != nullptr) malformed("parameter " + name + " is repeated in " + std::string(header));
    out.params.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

// RFC 2046 bchars.
bool is_bchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// The header lines of one part, [begin of first line, before the empty line).
void read_headers(std::string_view block, Part& part) {
  bool disposition = false, type = false;
  while (!block.empty()) {
    auto eol = block.find(kCrlf);
    std::string_view line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view() : block.substr(eol + kCrlf.size());
    if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
      malformed("a part header contains a bare CR, LF or NUL");
    }
    if (line.empty() || is_ows(line.front())) malformed("folded or empty part header line");
    auto colon = line.find(':');
    if (colon == std::string_view::npos) malformed("a part header line has no colon");
    std::string_view name = line.substr(0, colon);
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_tchar)) malformed("invalid part header name");
    std::string_view value = trim_ows(line.substr(colon + 1));
    if (iequals(name, "content-disposition")) {
      if (disposition) malformed("repeated Content-Disposition header");
      disposition = true;
      auto v = parse_header_value(value, "Content-Disposition");
      if (!iequals(v.type, "form-data")) malformed("a part's Content-Disposition is not form-data");
      const std::string* field = v.param("name");
      if (field == nullptr) malformed("a part's Content-Disposition has no name");
      part.name = *field;
      if (const std::string* file = v.param("filename")) part.filename = *file;
    } else if (iequals(name, "content-type")) {
      if (type) malformed("repeated Content-Type header in a part");
      type = true;
      if (value.empty()) malformed("empty Content-Type header in a part");
      part.content_type = std::string(value);
    }
  }
  if (!disposition) malformed("a part has no Content-Disposition header");
  if (!type) part.content_type = "text/plain";
}

}  // namespace

const Part* Form::find(std::string_view name) const {
  for (const auto& p : parts) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::size_t Form::count(std::string_view name) const {
  return static_cast<std::size_t>(
      std::count_if(parts.begin(), parts.end(), [&](const Part& p) { return p.name == name; }));
}

std::string boundary_of(std::string_view content_type) {
  auto v = parse_header_value(content_type, "Content-Type");
  if (!iequals(v.type, "multipart/form-data")) {
    throw ApiError(400, "BadRequestError", "Content-Type must be multipart/form-data");
  }
  const std::string* b = v.param("boundary");
  if (b == nullptr) malformed("the Content-Type has no boundary");
  if (b->empty() || b->size() > 70 || b->back() == ' ' || !std::all_of(b->begin(), b->end(), is_bchar)) {
    malformed("the boundary must be 1 to 70 letters, digits or '()+_,-./:=? (not ending in a space)");
  }
  return *b;
}

Form parse(std::string_view content_type, std::string_view body, const Limits& limits) {
  if (body.size() > limits.max_total_bytes) {
    too_large("Request body too large: at most " + std::to_string(limits.max_total_bytes) + " bytes");
  }
  const std::string dash = "--" + boundary_of(content_type);
  const std::string delimiter = std::string(kCrlf) + dash;
  const std::boyer_moore_horspool_searcher find_delimiter(delimiter.begin(), delimiter.end());
  // Position of the next delimiter (CRLF--boundary) at or after `from`, or npos.
  auto next_delimiter = [&](std::size_t from) {
    auto it = std::search(body.begin() + static_cast<std::ptrdiff_t>(from), body.end(), find_delimiter);
    return it == body.end() ? std::string_view::npos : static_cast<std::size_t>(it - body.begin());
  };

  std::size_t pos;
  if (body.substr(0, dash.size()) == dash) {
    pos = dash.size();
  } else {
    auto first = next_delimiter(0);  // after a preamble
    if (first == std::string_view::npos) malformed("the boundary does not occur in the body");
    pos = first + delimiter.size();
  }

  Form form;
  for (;;) {
    // Just after a delimiter: "--" closes, otherwise padding and CRLF open a part.
    if (body.substr(pos, 2) == "--") {
      std::string_view rest = body.substr(pos + 2);
      skip_ows(rest);
      if (!rest.empty() && rest.substr(0, 2) != kCrlf) malformed("the closing delimiter is not followed by CRLF");
      return form;
    }
    std::string_view line_end = body.substr(pos);
    skip_ows(line_end);
    if (line_end.substr(0, 2) != kCrlf) malformed("a delimiter line does not end in CRLF, or the body is cut short");
    pos = body.size() - line_end.size() + kCrlf.size();
    if (form.parts.size() >= limits.max_parts) {
      too_large("Too many parts in the form: at most " + std::to_string(limits.max_parts));
    }

    Part part;
    std::size_t data_start;
    if (body.substr(pos, 2) == kCrlf) {  // no header lines
      read_headers({}, part);
      data_start = pos + kCrlf.size();
    } else {
      std::string_view window = body.substr(pos, limits.max_header_bytes);
      auto end = window.find("\r\n\r\n");
      if (end == std::string_view::npos) {
        if (body.size() - pos >= limits.max_header_bytes) {
          too_large("Part headers too large: at most " + std::to_string(limits.max_header_bytes) + " bytes");
        }
        malformed("a part's headers are not followed by an empty line");
      }
      read_headers(body.substr(pos, end), part);
      data_start = pos + end + 4;
    }

    auto next = next_delimiter(data_start);
    if (next == std::string_view::npos) malformed("a part is not closed by a delimiter");
    if (next - data_start > limits.max_part_bytes) {
      too_large("Form part \"" + part.name + "\" too large: at most " + std::to_string(limits.max_part_bytes) +
                " bytes");
    }
    part.data = body.substr(data_start, next - data_start);
    form.parts.push_back(std::move(part));
    pos = next + delimiter.size();
  }
}

}  // namespace wh::web::multipart
