#include "media/imagekit_client.h"

#include <openssl/evp.h>

#include <boost/json.hpp>

#include "core/crypto.h"
#include "core/ids.h"
#include "http/client.h"
#include "media/multipart_writer.h"

namespace wh::media {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxAnswerBytes = 256 * 1024;
constexpr std::uint32_t kMaxListLimit = 1000;

std::string basic_auth(std::string_view user) {
  std::string plain = std::string(user) + ":";
  std::string out(4 * ((plain.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
  out.resize(static_cast<std::size_t>(n));
  return "Basic " + out;
}

std::string text_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// A non-negative integral JSON number at `key` that fits `max`.
std::optional<std::uint64_t> count_at(const json::object& o, std::string_view key, std::uint64_t max) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64() && v->as_int64() >= 0 && static_cast<std::uint64_t>(v->as_int64()) <= max) {
    return static_cast<std::uint64_t>(v->as_int64());
  }
  if (v->is_uint64() && v->as_uint64() <= max) return v->as_uint64();
  if (v->is_double() && v->as_double() >= 0 && v->as_double() <= static_cast<double>(max) &&
      v->as_double() == static_cast<double>(static_cast<std::uint64_t>(v->as_double()))) {
    return static_cast<std::uint64_t>(v->as_double());
  }
  return std::nullopt;
}

std::vector<std::string> strings_at(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const auto* v = o.if_contains(key); v != nullptr && v->is_array()) {
    for (const auto& e : v->as_array()) {
      if (e.is_string()) out.emplace_back(e.as_string());
    }
  }
  return out;
}

ImageKitFile read_file(const json::object& o) {
  ImageKitFile f;
  f.file_id = text_at(o, "fileId");
  f.name = text_at(o, "name");
  f.file_path = text_at(o, "filePath");
  f.url = text_at(o, "url");
  f.thumbnail_url = text_at(o, "thumbnailUrl");
  if (f.thumbnail_url.empty()) f.thumbnail_url = text_at(o, "thumbnail");
  f.file_type = text_at(o, "fileType");
  f.mime = text_at(o, "mime");
  if (auto w = count_at(o, "width", UINT32_MAX)) f.width = static_cast<std::uint32_t>(*w);
  if (auto h = count_at(o, "height", UINT32_MAX)) f.height = static_cast<std::uint32_t>(*h);
  f.size = count_at(o, "size", UINT64_MAX >> 1);
  if (const auto* m = o.if_contains("metadata"); m != nullptr && m->is_object()) {
    f.phash = text_at(m->as_object(), "pHash");
  }
  f.created_at = text_at(o, "createdAt");
  f.updated_at = text_at(o, "updatedAt");
  return f;
}

ImageKitFolder read_folder(const json::object& o) {
  return {text_at(o, "folderId"), text_at(o, "name"), text_at(o, "folderPath"), text_at(o, "createdAt"),
          text_at(o, "updatedAt")};
}

// A listing's entries: "folder" entries as folders, "file" entries (and,
// from an older API without `type`, anything with a fileId) as files;
// file versions and anything else left out.
std::vector<ImageKitEntry> read_entries(const json::array& items) {
  std::vector<ImageKitEntry> out;
  out.reserve(items.size());
  for (const auto& item : items) {
    if (!item.is_object()) continue;
    const auto& o = item.as_object();
    const auto type = text_at(o, "type");
    if (type == "folder") {
      out.emplace_back(read_folder(o));
    } else if (type == "file" || (type.empty() && !text_at(o, "fileId").empty())) {
      out.emplace_back(read_file(o));
    }
  }
  return out;
}

// RFC 3986 percent-encoding of a query value (unreserved characters kept).
std::string query_value(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                c == '.' || c == '~';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// ImageKit paths are absolute; the client sends nothing else.
bool absolute_path(std::string_view path) { return !path.empty() && path.front() == '/'; }

// What a successful answer's body must be.
enum class Want { anything, object, array };

// One call's answer: the status and the parsed JSON object (empty when the
// body is empty or not an object) or array (a listing), or the error that
// classifies it.
struct Answer {
  ImageKitError error;
  json::object body;
  json::array list;
};

// 2xx is success; 404 not_found; other 4xx rejected with ImageKit's
// {"message","help"} message; 5xx, a transport failure or a 2xx body that
// is not the JSON `want`ed are unavailable.
Answer classify(int status, const std::string& raw, Want want) {
  Answer a;
  a.error.status = status;
  boost::system::error_code ec;
  auto v = raw.empty() ? json::value() : json::parse(raw, ec);
  const bool is_object = !ec && v.is_object();
  const bool is_array = !ec && v.is_array();
  if (is_object) a.body = std::move(v.as_object());
  if (is_array) a.list = std::move(v.as_array());
  if (status >= 200 && status < 300) {
    if ((want == Want::object && !is_object) || (want == Want::array && !is_array)) {
      a.error.kind = ImageKitError::Kind::unavailable;
      a.error.message = "ImageKit answered HTTP " + std::to_string(status) + " without a JSON " +
                        (want == Want::object ? "object" : "array");
    }
    return a;
  }
  std::string message = is_object ? text_at(a.body, "message") : std::string();
  if (message.empty()) message = "ImageKit answered HTTP " + std::to_string(status);
  a.error.message = std::move(message);
  if (status >= 500 || status < 400) {
    a.error.kind = ImageKitError::Kind::unavailable;
  } else if (status == 404) {
    a.error.kind = ImageKitError::Kind::not_found;
  } else {
    a.error.kind = ImageKitError::Kind::rejected;
  }
  return a;
}

ImageKitError local_error(ImageKitError::Kind kind, std::string message) {
  ImageKitError e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

}  // namespace

std::string upload_signature(std::string_view private_key, std::string_view token, std::int64_t expire) {
  return to_hex(hmac_sha1(private_key, std::string(token) + std::to_string(expire)));
}

bool plausible_file_id(std::string_view id) {
  if (id.empty() || id.size() > 100) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

ImageKitClient::ImageKitClient(http::OutboundClient& client, const Config& config)
    : client_(client),
      private_key_(config.imagekit_private_key),
      public_key_(config.imagekit_public_key),
      upload_base_(config.imagekit_upload_base_url),
      api_base_(config.imagekit_api_base_url),
      authorization_(basic_auth(config.imagekit_private_key)),
      timeout_(config.imagekit_timeout),
      auth_ttl_(config.imagekit_upload_auth_ttl) {}

namespace {

Task<Answer> call(http::OutboundClient& client, http::OutboundRequest req, Want want) {
  Answer a;
  try {
    auto res = co_await client.send(std::move(req));
    a = classify(res.status, res.body, want);
  } catch (const std::exception& e) {
    a.error.kind = ImageKitError::Kind::unavailable;
    a.error.message = std::string("ImageKit unreachable: ") + e.what();
  }
  co_return a;
}

}  // namespace

http::OutboundRequest ImageKitClient::request(std::string method, std::string url, std::string content_type,
                                              std::string body) const {
  http::OutboundRequest req;
  req.method = std::move(method);
  req.url = std::move(url);
  req.headers.emplace_back("Authorization", authorization_);
  req.headers.emplace_back("Accept", "application/json");
  if (!content_type.empty()) req.headers.emplace_back("Content-Type", std::move(content_type));
  req.body = std::move(body);
  req.timeout = timeout_;
  req.max_body_bytes = kMaxAnswerBytes;
  return req;
}

Task<FileResult> ImageKitClient::upload(const UploadRequest& r) {
  FileResult out;
  if (!configured()) {
    out.error = local_error(ImageKitError::Kind::not_configured, "ImageKit is not configured");
    co_return out;
  }
  if (r.file_name.empty() || (r.bytes.empty() == r.source_url.empty())) {
    out.error = local_error(ImageKitError::Kind::invalid, "an upload needs a file name and either bytes or a URL");
    co_return out;
  }
  std::string tags;
  for (const auto& t : r.tags) tags += (tags.empty() ? "" : ",") + t;
  std::vector<FormField> fields{{"fileName", r.file_name},
                                {"useUniqueFileName", r.use_unique_file_name ? "true" : "false"}};
  if (!r.folder.empty()) fields.push_back({"folder", r.folder});
  if (!tags.empty()) fields.push_back({"tags", tags});
  std::optional<FormFile> file;
  if (r.source_url.empty()) {
    file = FormFile{"file", r.file_name, r.content_type, r.bytes};
  } else {
    fields.push_back({"file", r.source_url});
  }
  auto form = build_multipart(fields, file);

  auto req = request("POST", upload_base_ + "/api/v1/files/upload", std::move(form.content_type), std::move(form.body));
  auto a = co_await call(client_, std::move(req), Want::object);
  out.error = std::move(a.error);
  if (out.error.ok()) out.file = read_file(a.body);
  if (out.error.ok() && out.file.file_id.empty()) {
    out.error = local_error(ImageKitError::Kind::unavailable, "ImageKit's upload answer has no fileId");
  }
  co_return out;
}

Task<FileResult> ImageKitClient::details(const std::string& file_id) {
  FileResult out;
  if (!configured()) {
    out.error = local_error(ImageKitError::Kind::not_configured, "ImageKit is not configured");
    co_return out;
  }
  if (!plausible_file_id(file_id)) {
    out.error = local_error(ImageKitError::Kind::invalid, "not an ImageKit file id");
    co_return out;
  }
  auto req = request("GET", api_base_ + "/v1/files/" + file_id + "/details");
  auto a = co_await call(client_, std::move(req), Want::object);
  out.error = std::move(a.error);
  if (out.error.ok()) out.file = read_file(a.body);
  co_return out;
}

Task<ImageKitError> ImageKitClient::remove(const std::string& file_id) {
  if (!configured()) co_return local_error(ImageKitError::Kind::not_configured, "ImageKit is not configured");
  if (!plausible_file_id(file_id)) co_return local_error(ImageKitError::Kind::invalid, "not an ImageKit file id");
  auto req = request("DELETE", api_base_ + "/v1/files/" + file_id);
  auto a = co_await call(client_, std::move(req), Want::anything);
  co_return a.error;
}

Task<BulkDeleteResult> ImageKitClient::remove_many(const std::vector<std::string>& file_ids) {
  BulkDeleteResult out;
  if (!configured()) {
    out.error = local_error(ImageKitError::Kind::not_configured, "ImageKit is not configured");
    co_return out;
  }
  json::array ids;
  for (const auto& id : file_ids) {
    if (!plausible_file_id(id)) {
      out.error = local_error(ImageKitError::Kind::invalid, "not an ImageKit file id");
      co_return out;
    }
    ids.emplace_back(id);
  }
  json::object body;
  body["fileIds"] = std::move(ids);
  auto req = request("POST", api_base_ + "/v1/files/batch/deleteByFileIds", "application/json", json::serialize(body));
  auto a = co_await call(client_, std::move(req), Want::object);
  out.error = std::move(a.error);
  out.deleted = strings_at(a.body, "successfullyDeletedFileIds");
  out.missing = strings_at(a.body, "missingFileIds");
  co_return out;
}

Task<ImageKitError> ImageKitClient::move(const std::string& source_file_path, const std::string& destination_path) {
  if (!configured()) co_return local_error(ImageKitError::Kind::not_configured, "ImageKit is not configured");
  if (source_file_path.empty() || destination_path.empty()) {
    co_return local_error(ImageKitError::Kind::invalid, "a move needs a source file path and a destination");
  }
  json::object body{{"sourceFilePath", source_file_path}, {"destinationPath", destination_path}};
  auto req = request("POST", api_base_ + "/v1/files/move", "application/json", json::serialize(body));
  auto a = co_await call(client_, std::move(req), Want::anything);
  co_return a.error;
}

Task<ImageKitError> ImageKitClient::copy(const std::string& source_file_path, const std::string& destination_path) {
  if (!configured()) co_return local_error(ImageKitError::Kind::not_configured, "ImageKit is not configured");
  if (!absolute_path(source_file_path) || !absolute_path(destination_path)) {
    co_return local_error(ImageKitError::Kind::invalid, "a copy needs an absolute source file path and destination");
  }
  json::object body{
      {"sourceFilePath", source_file_path}, {"destinationPath", destination_path}, {"includeFileVersions", false}};
  auto req = request("POST", api_base_ + "/v1/files/copy", "application/json", json::serialize(body));
  auto a = co_await call(client_, std::move(req), Want::anything);
  co_return a.error;
}

Task<ListResult> ImageKitClient::list_files(const ListRequest& r) {
  ListResult out;
  if (!configured()) {
    out.error = local_error(ImageKitError::Kind::not_configured, "ImageKit is not configured");
    co_return out;
  }
  const bool known_type = r.type == "file" || r.type == "folder" || r.type == "all";
  if (!absolute_path(r.path) || !known_type || r.limit < 1 || r.limit > kMaxListLimit) {
    out.error = local_error(ImageKitError::Kind::invalid,
                            "a listing needs an absolute path, a known type and a limit of 1-1000");
    co_return out;
  }
  std::string url = api_base_ + "/v1/files?path=" + query_value(r.path) + "&type=" + r.type +
                    "&sort=DESC_CREATED&skip=" + std::to_string(r.skip) + "&limit=" + std::to_string(r.limit);
  if (!r.search_query.empty()) url += "&searchQuery=" + query_value(r.search_query);
  auto req = request("GET", std::move(url));
  req.max_body_bytes = kMaxListAnswerBytes;
  auto a = co_await call(client_, std::move(req), Want::array);
  out.error = std::move(a.error);
  if (out.error.ok()) out.entries = read_entries(a.list);
  co_return out;
}

Task<ImageKitError> ImageKitClient::create_folder(const std::string& folder_name,
                                                  const std::string& parent_folder_path) {
  if (!configured()) co_return local_error(ImageKitError::Kind::not_configured, "ImageKit is not configured");
  if (folder_name.empty() || !absolute_path(parent_folder_path)) {
    co_return local_error(ImageKitError::Kind::invalid, "a folder needs a name and an absolute parent path");
  }
  json::object body{{"folderName", folder_name}, {"parentFolderPath", parent_folder_path}};
  auto req = request("POST", api_base_ + "/v1/folder", "application/json", json::serialize(body));
  auto a = co_await call(client_, std::move(req), Want::anything);
  co_return a.error;
}

Task<ImageKitError> ImageKitClient::delete_folder(const std::string& folder_path) {
  if (!configured()) co_return local_error(ImageKitError::Kind::not_configured, "ImageKit is not configured");
  if (!absolute_path(folder_path)) co_return local_error(ImageKitError::Kind::invalid, "not an absolute folder path");
  json::object body{{"folderPath", folder_path}};
  auto req = request("DELETE", api_base_ + "/v1/folder", "application/json", json::serialize(body));
  auto a = co_await call(client_, std::move(req), Want::anything);
  co_return a.error;
}

UploadAuth ImageKitClient::upload_auth(std::chrono::system_clock::time_point now) const {
  UploadAuth a;
  a.token = new_uuid();
  a.expire = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() + auth_ttl_.count();
  a.signature = upload_signature(private_key_, a.token, a.expire);
  a.public_key = public_key_;
  return a;
}

}  // namespace wh::media
