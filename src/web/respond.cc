#include "web/respond.h"

#include <boost/json.hpp>

#include "core/json_text.h"

namespace wh::web {
namespace json = boost::json;

http::Response ok_data(std::string_view data, int status) { return ok_data_message(data, {}, status); }

http::Response ok_data_message(std::string_view data, std::string_view message, int status) {
  std::string body = R"({"success":true,"data":)";
  body += compact_json(data);
  if (!message.empty()) {
    body += R"(,"message":)";
    body += json::serialize(json::string(message));
  }
  body += '}';
  return http::Response::json(std::move(body), status);
}

http::Response ok_data_object(const json::object& data, int status) { return ok_data(json::serialize(data), status); }

http::Response error_response(const ApiError& e) {
  json::object err{{"type", e.type()}, {"message", e.what()}};
  if (!e.fields().empty()) {
    json::array fields;
    for (const auto& f : e.fields()) fields.push_back(json::object{{"field", f.field}, {"message", f.message}});
    err["fields"] = std::move(fields);
  }
  auto res =
      http::Response::json(json::serialize(json::object{{"success", false}, {"error", std::move(err)}}), e.status());
  if (e.retry_after() > 0) res.set_header("Retry-After", std::to_string(e.retry_after()));
  return res;
}

void throw_not_found(std::string message) { throw ApiError::not_found(std::move(message)); }

}  // namespace wh::web
