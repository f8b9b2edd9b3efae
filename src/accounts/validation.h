// Request-body validation for the auth routes, with the old backend's Joi
// rules and messages (reference §1.2, notes on registerSchema etc.).
#pragma once
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "http/message.h"

namespace wh::accounts {

// The JSON object body of the request; 400 for malformed JSON or a
// non-object body.
boost::json::object json_body(const http::Request& req);

// Reads fields of a JSON body, collecting field errors like Joi
// (abortEarly: false). Missing/empty required fields use `required_message`.
class BodyReader {
 public:
  explicit BodyReader(const boost::json::object& body) : body_(body) {}

  std::optional<std::string> string(std::string_view field, bool required, std::string_view required_message);
  // Lower-cased, trimmed e-mail, max 255; "Please provide a valid email address".
  std::optional<std::string> email(std::string_view field = "email");
  // The password policy for passwords we set (register, reset, change): 8-72
  // characters, only [A-Za-z0-9@$!%*?&#] (so no NUL byte), with a lower-case
  // letter, an upper-case letter, a digit and one of @$!%*?&#.
  std::optional<std::string> new_password(std::string_view field, std::string_view label);
  // A password to check against a stored hash: any characters but NUL, which
  // bcrypt would silently treat as the end of the password. Passwords set
  // through other paths (old backend, admin tools) keep working.
  std::optional<std::string> password(std::string_view field, std::string_view required_message);
  // Letters, spaces and hyphens, 1-100 characters.
  std::optional<std::string> name(std::string_view field);
  // Optional E.164 phone; "" and null mean none.
  std::optional<std::string> phone(std::string_view field = "phone");
  bool boolean(std::string_view field, bool fallback);

  void finish() const { errors_.throw_if_any(); }

 private:
  const boost::json::object& body_;
  ValidationErrors errors_;
};

// Lower-cases ASCII and trims; the old backend also applied NFKC.
std::string normalize_email(std::string_view email);

}  // namespace wh::accounts
