#include "media/multipart_writer.h"

#include "core/ids.h"

namespace wh::media {
namespace {

std::string safe_filename(std::string_view name) {
  std::string out(name);
  for (auto& c : out) {
    if (c == '"' || c == '\\' || c == '\r' || c == '\n') c = '_';
  }
  return out;
}

// A boundary occurring in none of the parts (a random 128-bit one almost
// surely does not; the check makes it certain).
std::string pick_boundary(const std::vector<FormField>& fields, const std::optional<FormFile>& file) {
  for (;;) {
    std::string b = "----wighaven" + random_hex(16);
    bool clash = file && file->bytes.find(b) != std::string_view::npos;
    for (const auto& f : fields) clash = clash || f.value.find(b) != std::string_view::npos;
    if (!clash) return b;
  }
}

}  // namespace

MultipartBody build_multipart(const std::vector<FormField>& fields, const std::optional<FormFile>& file) {
  const std::string boundary = pick_boundary(fields, file);
  const std::string filename = file ? safe_filename(file->filename) : std::string();
  constexpr std::string_view kDisposition = "Content-Disposition: form-data; name=\"";

  // "--" boundary CRLF headers CRLF CRLF value CRLF, per part; then "--" boundary "--" CRLF.
  std::size_t size = boundary.size() + 6;
  for (const auto& f : fields)
    size += boundary.size() + 4 + kDisposition.size() + f.name.size() + 5 + f.value.size() + 2;
  if (file) {
    size += boundary.size() + 4 + kDisposition.size() + file->name.size() + 13 + filename.size() + 3 + 14 +
            file->content_type.size() + 4 + file->bytes.size() + 2;
  }

  MultipartBody out;
  out.content_type = "multipart/form-data; boundary=" + boundary;
  std::string& b = out.body;
  b.reserve(size);
  auto open_part = [&](std::string_view name) {
    b.append("--").append(boundary).append("\r\n").append(kDisposition).append(name).append("\"");
  };
  for (const auto& f : fields) {
    open_part(f.name);
    b.append("\r\n\r\n").append(f.value).append("\r\n");
  }
  if (file) {
    open_part(file->name);
    b.append("; filename=\"").append(filename).append("\"\r\n");
    b.append("Content-Type: ").append(file->content_type).append("\r\n\r\n");
    b.append(file->bytes).append("\r\n");
  }
  b.append("--").append(boundary).append("--\r\n");
  return out;
}

}  // namespace wh::media
