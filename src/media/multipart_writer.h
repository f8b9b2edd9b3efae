// A multipart/form-data request body (RFC 7578) built in one string sized up
// front, so each value and the file's bytes are copied exactly once. The
// counterpart of web/multipart.h, which reads such bodies.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wh::media {

struct FormField {
  std::string_view name;   // a plain token chosen by the caller (no quotes, CR or LF)
  std::string_view value;  // any bytes
};

struct FormFile {
  std::string_view name;          // field name, as for FormField
  std::string_view filename;      // sent in Content-Disposition; '"', '\\', CR and LF become '_'
  std::string_view content_type;  // e.g. "image/jpeg"
  std::string_view bytes;
};

struct MultipartBody {
  std::string content_type;  // "multipart/form-data; boundary=..."
  std::string body;
};

// The fields in order, then the file when given. The boundary is random
// (128 bits) and checked absent from every value and the file.
MultipartBody build_multipart(const std::vector<FormField>& fields, const std::optional<FormFile>& file);

}  // namespace wh::media
