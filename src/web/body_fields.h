// Joi-style reading of a JSON request body for the admin write routes, with
// Joi's messages. Each reader checks one field and returns what it read; on
// bad input it records {field, message} and returns nothing, so finish()
// can answer one 400 listing every bad field (Joi's abortEarly: false).
// Fields the reader is not asked about are ignored (Joi's stripUnknown).
//
// Conversions follow Joi's defaults: an integer may come as a number or a
// string of digits, a boolean as true/false or "true"/"false". Lengths are
// counted in characters (code points), as PostgreSQL's VARCHAR(n) counts
// them, and text never contains NUL (PostgreSQL refuses it).
#pragma once
#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace wh::web {

// A field of a partial update: absent (keep the column), or present with a
// value or without one (null: clear the column).
template <typename T>
struct Patch {
  bool present = false;
  std::optional<T> value;
};

// An instant as stored in a timestamp(3) column: UTC, milliseconds.
struct Instant {
  std::int64_t unix_ms = 0;
  std::string sql;  // "2025-12-13 10:00:00.123": a timestamp parameter
};

// The ISO 8601 forms Joi's date().iso() is given in practice:
// YYYY-MM-DD, optionally followed by 'T' or a space and hh:mm[:ss[.fff]],
// optionally followed by 'Z' or an offset ±hh[[:]mm]. A date or time
// without an offset is UTC. Years 1000-9999; the date must exist.
std::optional<Instant> parse_iso_instant(std::string_view text);

// An absolute http or https URL with a host (what a browser can load).
bool is_web_url(std::string_view text);
// A path of this site: "/" followed by a relative reference, never "//".
bool is_site_path(std::string_view text);

// Characters (UTF-8 code points) in `text`.
std::size_t char_count(std::string_view text);

class BodyFields {
 public:
  explicit BodyFields(const boost::json::object& body) : body_(body) {}

  // True when the body has the field (null included).
  bool has(std::string_view field) const;
  // How many of `fields` the body has (Joi's object().min(1) counts these).
  int count_present(std::initializer_list<std::string_view> fields) const;

  // Joi string().min(1).max(max): absent → nullopt ('is required' when
  // `required`); null, "" or too long → an error.
  std::optional<std::string> text(std::string_view field, std::size_t max, bool required);
  // string().max(max).allow('', null): null and "" clear the column.
  Patch<std::string> nullable_text(std::string_view field, std::size_t max);
  // text() that must also be is_web_url() (Joi's uri()), at most `max`.
  std::optional<std::string> url(std::string_view field, std::size_t max, bool required);
  // nullable_text() that must be a web URL, or a site path when `site_paths`.
  Patch<std::string> nullable_url(std::string_view field, std::size_t max, bool site_paths);
  // number().integer().min(min).max(max).
  std::optional<std::int64_t> integer(std::string_view field, std::int64_t min, std::int64_t max);
  std::optional<bool> boolean(std::string_view field);
  // string().valid(...allowed).
  std::optional<std::string> one_of(std::string_view field, std::initializer_list<std::string_view> allowed);
  // date().iso() (see parse_iso_instant).
  std::optional<Instant> instant(std::string_view field, bool required);
  // Any JSON value but null.
  const boost::json::value* any(std::string_view field, bool required);

  // Records a rule of the caller's own.
  void add(std::string_view field, std::string message);
  bool ok() const { return errors_.empty(); }
  // Throws the 400 ValidationError listing every bad field, if any.
  void finish() const { errors_.throw_if_any(); }

 private:
  const boost::json::value* find(std::string_view field) const;
  // The string at `v`, checked for NUL and length; nullopt after an error.
  std::optional<std::string> checked_string(std::string_view field, const boost::json::value& v, std::size_t max);

  const boost::json::object& body_;
  ValidationErrors errors_;
};

}  // namespace wh::web
