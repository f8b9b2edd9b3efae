#include "tickets/ticket_input.h"

#include <boost/json.hpp>
#include <optional>
#include <string_view>

#include "accounts/validation.h"
#include "core/error.h"
#include "web/body_fields.h"

namespace wh::tickets {
namespace json = boost::json;

namespace {

std::string quoted(std::string_view field) { return "\"" + std::string(field) + "\""; }

std::string_view trimmed(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// Joi string().min(min).max(max).required() on the trimmed text.
std::optional<std::string> text(web::BodyFields& in, std::string_view field, std::size_t min, std::size_t max) {
  auto raw = in.text(field, max, true);
  if (!raw) return std::nullopt;
  std::string_view t = trimmed(*raw);
  if (t.empty()) {
    in.add(field, quoted(field) + " is not allowed to be empty");
    return std::nullopt;
  }
  if (web::char_count(t) < min) {
    in.add(field, quoted(field) + " length must be at least " + std::to_string(min) + " characters long");
    return std::nullopt;
  }
  return std::string(t);
}

std::string priority(web::BodyFields& in) {
  return in.one_of("priority", {"low", "medium", "high"}).value_or("medium");
}

// The e-mail rule of the auth routes, its errors added to `in`.
std::string email(const json::object& body, web::BodyFields& in) {
  accounts::BodyReader reader(body);
  auto email = reader.email("email");
  try {
    reader.finish();
  } catch (const ApiError& e) {
    for (const auto& f : e.fields()) in.add(f.field, f.message);
    return {};
  }
  if (email && email->find('\0') != std::string::npos) {
    in.add("email", "Please provide a valid email address");
    return {};
  }
  return email.value_or("");
}

}  // namespace

NewTicket read_customer_ticket(const json::object& body) {
  web::BodyFields in(body);
  NewTicket t;
  t.subject = text(in, "subject", 5, 255).value_or("");
  t.message = text(in, "message", 10, kMaxMessage).value_or("");
  t.priority = priority(in);
  in.finish();
  return t;
}

NewTicket read_guest_ticket(const json::object& body) {
  web::BodyFields in(body);
  NewTicket t;
  t.name = text(in, "name", 2, 100).value_or("");
  t.email = email(body, in);
  t.subject = text(in, "subject", 3, 255).value_or("");
  t.message = text(in, "message", 5, kMaxMessage).value_or("");
  t.priority = priority(in);
  in.finish();
  return t;
}

std::string read_reply(const json::object& body) {
  web::BodyFields in(body);
  auto message = text(in, "message", 1, kMaxMessage);
  in.finish();
  return *message;
}

std::string read_status(const json::object& body) {
  web::BodyFields in(body);
  std::optional<std::string> status;
  if (in.has("status")) {
    status = in.one_of("status", {"open", "pending", "closed"});
  } else {
    in.add("status", "\"status\" is required");
  }
  in.finish();
  return *status;
}

}  // namespace wh::tickets
