// The request bodies of the ticket routes, checked like the old Joi schemas:
// one 400 ValidationError listing every bad field, with Joi's messages.
// Text is trimmed first; lengths count characters (code points) of the
// trimmed text, so whitespace alone is "not allowed to be empty". Text never
// holds NUL (PostgreSQL refuses it).
#pragma once
#include <boost/json/object.hpp>
#include <cstddef>
#include <string>

namespace wh::tickets {

inline constexpr std::size_t kMaxMessage = 5000;

struct NewTicket {
  std::string subject;
  std::string message;
  std::string priority;  // low | medium | high; medium when absent
  std::string name;      // guest tickets only
  std::string email;     // guest tickets only: lower-cased
};

// POST /api/support: {subject 5-255, message 10-5000, priority}.
NewTicket read_customer_ticket(const boost::json::object& body);
// POST /api/support/guest: {name 2-100, email, subject 3-255, message
// 5-5000, priority}.
NewTicket read_guest_ticket(const boost::json::object& body);
// A reply: {message 1-5000}.
std::string read_reply(const boost::json::object& body);
// An admin's status change: {status open | pending | closed}.
std::string read_status(const boost::json::object& body);

}  // namespace wh::tickets
