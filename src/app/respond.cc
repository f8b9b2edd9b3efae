#include "app/respond.h"

#include <boost/json/serialize.hpp>

#include "core/error.h"
#include "core/json_text.h"

namespace wh::app {

http::Response ok_data(std::string_view data, int status) {
  std::string body = R"({"success":true,"data":)";
  body += compact_json(data);
  body += '}';
  return http::Response::json(std::move(body), status);
}

http::Response ok_data_object(const boost::json::object& data, int status) {
  return ok_data(boost::json::serialize(data), status);
}

void throw_not_found(std::string message) { throw ApiError::not_found(std::move(message)); }

}  // namespace wh::app
