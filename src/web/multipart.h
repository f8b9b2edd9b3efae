// A multipart/form-data reader (RFC 7578 over RFC 2046) for request bodies
// already read into memory. Part data are views into the body, never copies:
// the body must outlive the Form.
//
// Accepted: a boundary parameter given as a token or a quoted string (1-70
// characters of RFC 2046's bchars); a preamble before the first delimiter and
// an epilogue after the closing one; transport padding (spaces, tabs) after a
// delimiter; part headers ending in CRLF; any bytes (CR, LF, NUL included)
// inside part data. Each part needs `Content-Disposition: form-data` with a
// `name`; `filename` and `Content-Type` are optional (text/plain by default).
//
// Refused with ApiError 400 "BadRequestError": a Content-Type that is not
// multipart/form-data or has no valid boundary, a missing first delimiter or
// closing delimiter, a delimiter line not ending in CRLF, a header line
// without a colon, with a bare CR or LF, a NUL or obsolete folding, a
// missing or non-form-data Content-Disposition, a missing name, an
// unterminated quoted parameter, a repeated parameter or header. Refused
// with 413 "PayloadTooLargeError": a body over max_total_bytes, more parts
// than max_parts, a header block over max_header_bytes, part data over
// max_part_bytes. Work is linear in the body size.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wh::web::multipart {

struct Limits {
  std::size_t max_parts = 10;
  std::size_t max_header_bytes = 4 * 1024;        // one part's header lines, CRLFs included
  std::size_t max_part_bytes = 5 * 1024 * 1024;   // one part's data
  std::size_t max_total_bytes = 6 * 1024 * 1024;  // the whole body
};

struct Part {
  std::string name;
  std::optional<std::string> filename;  // set for file fields (may be "")
  std::string content_type;             // "text/plain" when the part has none
  std::string_view data;                // into the parsed body
};

struct Form {
  std::vector<Part> parts;  // in body order

  // The first part called `name`, or nullptr.
  const Part* find(std::string_view name) const;
  // How many parts are called `name`.
  std::size_t count(std::string_view name) const;
};

// The boundary of a multipart/form-data Content-Type value, or ApiError 400.
std::string boundary_of(std::string_view content_type);

// Parses `body` sent with `content_type`; see the header comment for what is
// accepted and refused.
Form parse(std::string_view content_type, std::string_view body, const Limits& limits);

}  // namespace wh::web::multipart
