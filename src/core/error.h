// Errors that cross module boundaries. A handler throws ApiError for any
// client-visible failure; the router turns it into the old backend's
// envelope: {"success":false,"error":{"type":..,"message":..[,"fields":[..]]}}.
#pragma once
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace wh {

struct FieldError {
  std::string field;
  std::string message;
};

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string type, const std::string& message)
      : std::runtime_error(message), status_(status), type_(std::move(type)) {}

  int status() const { return status_; }
  const std::string& type() const { return type_; }
  const std::vector<FieldError>& fields() const { return fields_; }
  int retry_after() const { return retry_after_; }

  ApiError& with_field(std::string field, std::string message) {
    fields_.push_back({std::move(field), std::move(message)});
    return *this;
  }
  ApiError& with_retry_after(int seconds) {
    retry_after_ = seconds;
    return *this;
  }

  static ApiError not_found(std::string message) { return {404, "NotFoundError", std::move(message)}; }
  static ApiError bad_request(std::string message) { return {400, "ValidationError", std::move(message)}; }
  static ApiError unavailable(std::string message) {
    return ApiError(503, "ServiceUnavailableError", std::move(message)).with_retry_after(5);
  }

 private:
  int status_;
  std::string type_;
  std::vector<FieldError> fields_;
  int retry_after_ = 0;
};

// Joi-style validation failure: 400 {type:'ValidationError', message:'Validation failed', fields}.
class ValidationErrors {
 public:
  void add(std::string field, std::string message) { fields_.push_back({std::move(field), std::move(message)}); }
  bool empty() const { return fields_.empty(); }
  // Throws the collected failures as one ApiError when there are any.
  void throw_if_any() const {
    if (fields_.empty()) return;
    ApiError e(400, "ValidationError", "Validation failed");
    for (const auto& f : fields_) e.with_field(f.field, f.message);
    throw e;
  }

 private:
  std::vector<FieldError> fields_;
};

}  // namespace wh
