// Envelopes of the old backend: success around JSON that is already
// serialised (usually built by PostgreSQL), and the error body.
#pragma once
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/error.h"
#include "http/message.h"

namespace wh::web {

// {"success":true,"data":<data>}, with `data` compacted.
http::Response ok_data(std::string_view data, int status = 200);

// {"success":true,"data":<data>,"message":<message>}, with `data` compacted
// (no "message" when it is empty).
http::Response ok_data_message(std::string_view data, std::string_view message, int status = 200);

// {"success":true,"data":<object>}
http::Response ok_data_object(const boost::json::object& data, int status = 200);

// {"success":false,"error":{"type","message"[,"fields"]}} with the error's
// status, and Retry-After when it has one.
http::Response error_response(const ApiError& e);

// The request's input was understood but names nothing that exists.
[[noreturn]] void throw_not_found(std::string message);

}  // namespace wh::web
