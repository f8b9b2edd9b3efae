// The body of POST /api/orders with the old Joi schema's rules and messages
// (reference §1.7: every bad field listed in one 400, unknown fields
// dropped), plus the mobile-money rules the old backend only checked after
// creating the order: customer_phone must be a Ghana mobile number
// (^(\+233|0)[2-5][0-9]{8}$ without spaces; stored as 0XXXXXXXXX) and
// payment_provider (mtn | vod | tgo) is required.
#pragma once
#include <boost/json/object.hpp>
#include <optional>
#include <string>

namespace wh::orders {

struct CheckoutInput {
  boost::json::object shipping_address;  // {name,address,city,state,zip_code?,country,phone}
  boost::json::object billing_address;   // the shipping address when not given
  std::string customer_email;
  std::string customer_phone;  // normalised 0XXXXXXXXX
  std::string payment_provider;
  std::optional<std::string> notes;
};

// Throws the 400 ValidationError listing every bad field.
CheckoutInput read_checkout(const boost::json::object& body);

// Joi's string().email() in practice: local@domain.tld, no spaces, <= 255.
bool plausible_email(std::string_view email);

}  // namespace wh::orders
