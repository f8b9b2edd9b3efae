// Success envelopes of the old backend around JSON that is already serialised
// (usually built by PostgreSQL).
#pragma once
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "http/message.h"

namespace wh::app {

// {"success":true,"data":<data>}, with `data` compacted.
http::Response ok_data(std::string_view data, int status = 200);

// {"success":true,"data":<object>}
http::Response ok_data_object(const boost::json::object& data, int status = 200);

// The request's input was understood but names nothing that exists.
[[noreturn]] void throw_not_found(std::string message);

}  // namespace wh::app
