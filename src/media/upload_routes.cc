#include "media/upload_routes.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "core/error.h"
#include "core/ids.h"
#include "db/result.h"
#include "db/sql_now.h"
#include "http/client.h"
#include "media/image_probe.h"
#include "media/image_urls.h"
#include "media/imagekit_client.h"
#include "media/imagekit_http.h"
#include "media/media_paths.h"
#include "security/client_ip.h"
#include "security/http_policy.h"
#include "web/body_fields.h"
#include "web/multipart.h"

namespace wh::media {
namespace json = boost::json;
namespace {

// $1 the SHA-256: the oldest active media row with those bytes.
constexpr const char* kFindByHash =
    "SELECT id, \"fileId\", \"fileName\", url, size, width, height, mime_type,"
    " to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    " FROM media WHERE file_hash = $1 AND status = 'active' ORDER BY created_at, id LIMIT 1";

// $1..$12 the row; $13 the admin activity (media.upload).
constexpr const char* kInsertMedia = R"(
WITH m AS (
  INSERT INTO media (id, "fileId", "fileName", "filePath", url, file_hash, type, mime_type, size, width, height,
                     uploaded_by, status, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::int, $10::int, $11::int, $12, 'active', )" WH_SQL_NOW ", " WH_SQL_NOW
                                     R"()
  RETURNING id),
)" WH_ADMIN_ACTIVITY("m", "$13") R"(
SELECT id FROM m)";

// $1 a public URL (without ?v=): the ImageKit file id of its media row.
constexpr const char* kFileIdByUrl =
    "SELECT \"fileId\" FROM media WHERE url = $1 AND status <> 'deleted' ORDER BY created_at DESC LIMIT 1";

// $1 the ImageKit file id, $2 the admin activity (media.delete).
constexpr const char* kMarkDeleted = R"(
WITH d AS (
  UPDATE media SET status = 'deleted', used_by = NULL, usage_type = NULL, updated_at = )" WH_SQL_NOW R"(
  WHERE "fileId" = $1 AND status <> 'deleted'
  RETURNING id),
)" WH_ADMIN_ACTIVITY("d", "$2") R"(
SELECT count(*) FROM d)";

// $1 a stored URL: its newest media row that is not deleted (the old
// /upload/url answered an ImageKit URL already recorded with that row).
constexpr const char* kFindByUrl =
    "SELECT id, \"fileId\", \"fileName\", url, size, width, height, mime_type, \"filePath\""
    " FROM media WHERE url = $1 AND status <> 'deleted' ORDER BY created_at DESC, id DESC LIMIT 1";

// $1 an ImageKit file id: its media row, if any.
constexpr const char* kFindByFileId =
    "SELECT id, \"fileId\", \"fileName\", url, size, width, height, mime_type, \"filePath\", status"
    " FROM media WHERE \"fileId\" = $1";

// As kInsertMedia, but a file id registered meanwhile (media_fileId_key)
// inserts nothing and records nothing: no row comes back.
constexpr const char* kRegisterMedia = R"(
WITH m AS (
  INSERT INTO media (id, "fileId", "fileName", "filePath", url, file_hash, type, mime_type, size, width, height,
                     uploaded_by, status, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::int, $10::int, $11::int, $12, 'active', )" WH_SQL_NOW ", " WH_SQL_NOW
                                       R"()
  ON CONFLICT ("fileId") DO NOTHING
  RETURNING id),
)" WH_ADMIN_ACTIVITY("m", "$13") R"(
SELECT id FROM m)";

constexpr std::size_t kMaxBatchFiles = security::upload::kImageBatchFiles;

// The upload type's folder (media_paths.h); "general" (no type given) is the root.
using Kind = MediaKind;
constexpr Kind kGeneral{"general", "/"};

Kind kind_of(const std::optional<std::string>& type) {
  if (!type || type->empty() || *type == "general") return kGeneral;
  if (const auto* k = find_kind(*type)) return *k;
  throw ApiError(400, "ValidationError", "Invalid upload type")
      .with_field("type", "type must be one of product, review, variant, user, category, banner");
}

Kind upload_kind(const web::Context& ctx) {
  auto type = ctx.req.query_param("type");
  return kind_of(type ? std::optional<std::string>(std::string(*type)) : std::nullopt);
}

web::multipart::Limits form_limits(std::size_t files) {
  web::multipart::Limits l;
  l.max_parts = files + 4;  // room for a few text fields a browser may add
  l.max_part_bytes = security::upload::kImageFileBytes;
  l.max_total_bytes = files * security::upload::kImageFileBytes + security::upload::kFormOverheadBytes;
  return l;
}

web::multipart::Form parse_form(const web::Context& ctx, std::size_t files) {
  auto content_type = ctx.req.header("content-type");
  if (!content_type) throw ApiError(400, "BadRequestError", "Content-Type must be multipart/form-data");
  return web::multipart::parse(*content_type, ctx.req.body, form_limits(files));
}

// The one part called `field`, or 400.
const web::multipart::Part& single_file(const web::multipart::Form& form, std::string_view field) {
  auto n = form.count(field);
  if (n != 1) {
    std::string message = n == 0 ? "No file uploaded" : "Upload one file only";
    throw ApiError(400, "ValidationError", message)
        .with_field(std::string(field), message + ": send the image in the field \"" + std::string(field) + "\"");
  }
  const auto* part = form.find(field);
  if (part->data.empty())
    throw ApiError(400, "ValidationError", "No file uploaded").with_field(std::string(field), "The file is empty");
  return *part;
}

// What the bytes are, or a sentence why they are refused (type, structure,
// the pixel cap).
struct Checked {
  ImageInfo info;
  std::string error;  // "" when fine
};

Checked check_image(std::string_view bytes) {
  auto probe = probe_image(bytes);
  if (!probe.ok()) return {{}, std::string(describe(probe.error))};
  if (!within_pixel_cap(probe.info)) {
    return {probe.info, "Image resolution " + std::to_string(probe.info.width) + "x" +
                            std::to_string(probe.info.height) + " exceeds the 25 megapixel limit"};
  }
  return {probe.info, ""};
}

ImageInfo checked_or_400(std::string_view bytes) {
  auto c = check_image(bytes);
  if (!c.error.empty()) throw ApiError(400, "ValidationError", c.error).with_field("file", c.error);
  return c.info;
}

json::value int_or_null(const db::Result& r, int row, int col) {
  return r.is_null(row, col) ? json::value(nullptr) : json::value(r.get_int(row, col));
}

// The old `existingFile` object of a media row read by kFindByHash.
json::object existing_file(const db::Result& r) {
  return {{"id", r.get(0, 0)},
          {"fileId", r.get(0, 1)},
          {"fileName", r.get(0, 2)},
          {"url", r.get(0, 3)},
          {"size", r.get_int(0, 4)},
          {"width", int_or_null(r, 0, 5)},
          {"height", int_or_null(r, 0, 6)},
          {"mimetype", r.get(0, 7)},
          {"uploadedAt", r.get(0, 8)}};
}

Task<std::optional<json::object>> find_duplicate(web::Context& ctx, const std::string& hash) {
  db::Params params{hash};
  auto r = co_await ctx.db().query(kFindByHash, std::move(params));
  if (r.empty()) co_return std::nullopt;
  co_return existing_file(r);
}

// The URL the old backend answered: the stored URL with ?v=<ms>, so a
// browser never shows an older image cached under the same path.
std::string versioned(const std::string& url) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  return url + (url.find('?') == std::string::npos ? "?v=" : "&v=") + std::to_string(ms.count());
}

// "<type>-<the declared name's stem, [a-z0-9-] only, <= 50>.<probed extension>";
// ImageKit appends its unique suffix. The extension follows the bytes.
std::string upload_file_name(std::string_view type, const std::optional<std::string>& declared,
                             std::string_view extension) {
  std::string stem;
  if (declared) {
    std::string_view d = *declared;
    if (auto slash = d.find_last_of("/\\"); slash != std::string_view::npos) d.remove_prefix(slash + 1);
    if (auto dot = d.rfind('.'); dot != std::string_view::npos) d = d.substr(0, dot);
    for (char c : d) {
      if (stem.size() >= 50) break;
      bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (c >= 'A' && c <= 'Z')
        stem += static_cast<char>(c - 'A' + 'a');
      else
        stem += alnum ? c : '-';
    }
  }
  if (stem.empty()) stem = "image";
  return std::string(type) + "-" + stem + "." + std::string(extension);
}

struct Stored {
  std::string media_id;
  ImageKitFile file;
};

// Uploads checked bytes to ImageKit, then writes the media row and its
// activity in one statement. If the write fails the ImageKit file is
// removed (best effort) and the error propagates.
Task<Stored> store(web::Context& ctx, ImageKitClient& ik, const Kind& kind, const web::multipart::Part& part,
                   const ImageInfo& info, const std::string& hash) {
  const auto& user = accounts::require_user(ctx);
  UploadRequest req;
  req.bytes = part.data;
  req.file_name = upload_file_name(kind.type, part.filename, info.extension);
  req.folder = std::string(kind.folder);
  req.content_type = std::string(info.mime);
  req.tags = {std::string(kind.type), "wighaven"};
  auto up = co_await ik.upload(req);
  if (!up.error.ok()) throw imagekit_error(up.error);

  Stored s{new_cuid(), std::move(up.file)};
  const auto activity = admin::activity_param(
      ctx, {"media.upload",
            "media",
            {{"fileName", s.file.name}, {"type", kind.type}, {"size", static_cast<std::int64_t>(part.data.size())}}});
  std::exception_ptr failed;
  try {
    db::Params params{s.media_id,
                      s.file.file_id,
                      s.file.name,
                      s.file.file_path,
                      s.file.url,
                      hash,
                      std::string(kind.type),
                      std::string(info.mime),
                      static_cast<long long>(part.data.size()),
                      static_cast<long long>(info.width),
                      static_cast<long long>(info.height),
                      user.id,
                      activity};
    co_await ctx.db().query(kInsertMedia, std::move(params));
  } catch (...) {
    failed = std::current_exception();
  }
  if (failed) {
    co_await ik.remove(s.file.file_id);  // an orphan otherwise; its outcome changes nothing here
    std::rethrow_exception(failed);
  }
  co_return s;
}

// The old success `data` of one upload.
json::object uploaded_json(const Stored& s, const ImageInfo& info, std::size_t size) {
  return {
      {"id", s.media_id},        {"url", versioned(s.file.url)}, {"baseUrl", s.file.url}, {"fileId", s.file.file_id},
      {"fileName", s.file.name}, {"filePath", s.file.file_path}, {"size", size},          {"width", info.width},
      {"height", info.height},   {"mimetype", info.mime}};
}

bool forced(const web::Context& ctx) {
  auto f = ctx.req.query_param("force");
  return f && *f == "true";
}

Task<http::Response> upload_one(web::Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  const auto kind = upload_kind(ctx);
  auto ik = imagekit_for(ctx);
  const auto form = parse_form(ctx, 1);
  const auto& part = single_file(form, "file");
  const auto info = checked_or_400(part.data);
  const auto hash = content_sha256(part.data);

  if (!forced(ctx)) {
    if (auto existing = co_await find_duplicate(ctx, hash)) {
      json::object body{{"success", false},
                        {"isDuplicate", true},
                        {"message", "This image already exists. Upload again with force=true to keep a copy."},
                        {"existingFile", std::move(*existing)}};
      co_return http::Response::json(json::serialize(body), 409);
    }
  }
  auto stored = co_await store(ctx, ik, kind, part, info, hash);
  json::object body{{"success", true}, {"data", uploaded_json(stored, info, part.data.size())}};
  co_return http::Response::json(json::serialize(body));
}

// Files are checked and uploaded one after another: each upload is bounded
// by ImageKit's own throughput, and one at a time keeps a batch from taking
// every outbound connection to ImageKit.
Task<http::Response> upload_batch(web::Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  const auto kind = upload_kind(ctx);
  auto ik = imagekit_for(ctx);
  const auto form = parse_form(ctx, kMaxBatchFiles);
  std::vector<const web::multipart::Part*> files;
  for (const auto& p : form.parts) {
    if (p.name == "files") files.push_back(&p);
  }
  if (files.empty()) {
    throw ApiError(400, "ValidationError", "No files uploaded")
        .with_field("files", "Send the images in the field \"files\"");
  }
  if (files.size() > kMaxBatchFiles) {
    throw ApiError(400, "ValidationError", "Upload at most 10 files at once").with_field("files", "At most 10 files");
  }
  const bool force = forced(ctx);

  json::array uploaded, errors;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& part = *files[i];
    const std::string original = part.filename.value_or("");
    auto fail = [&](const std::string& message) {
      errors.push_back(json::object{{"index", i}, {"error", message}, {"fileName", original}});
    };
    auto checked = check_image(part.data);
    if (part.data.empty()) checked.error = "The file is empty";
    if (!checked.error.empty()) {
      fail(checked.error);
      continue;
    }
    const auto hash = content_sha256(part.data);
    if (!force) {
      if (auto existing = co_await find_duplicate(ctx, hash)) {
        // As the old single upload's reuse: the existing file stands in.
        json::object item{{"id", existing->at("id")},
                          {"url", existing->at("url")},
                          {"baseUrl", existing->at("url")},
                          {"fileId", existing->at("fileId")},
                          {"fileName", existing->at("fileName")},
                          {"originalName", original},
                          {"isDuplicate", true},
                          {"isExisting", true}};
        uploaded.push_back(std::move(item));
        continue;
      }
    }
    std::string message;
    try {
      auto stored = co_await store(ctx, ik, kind, part, checked.info, hash);
      auto item = uploaded_json(stored, checked.info, part.data.size());
      item["originalName"] = original;
      uploaded.push_back(std::move(item));
      continue;
    } catch (const ApiError& e) {
      message = e.what();
    }
    fail(message);
  }

  const auto successful = uploaded.size();
  json::object data{{"uploaded", std::move(uploaded)},
                    {"total", files.size()},
                    {"successful", successful},
                    {"failed", errors.size()}};
  if (!errors.empty()) data["errors"] = std::move(errors);
  json::object body{{"success", true}, {"data", std::move(data)}};
  co_return http::Response::json(json::serialize(body));
}

Task<http::Response> check_hash(web::Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  const auto form = parse_form(ctx, 1);
  const auto& part = single_file(form, "file");
  auto probe = probe_image(part.data);
  if (!probe.ok()) {
    std::string message(describe(probe.error));
    throw ApiError(400, "ValidationError", message).with_field("file", message);
  }
  const auto hash = content_sha256(part.data);
  json::object body;
  if (auto existing = co_await find_duplicate(ctx, hash)) {
    body = {{"success", true},
            {"isDuplicate", true},
            {"message", "This image already exists in the system."},
            {"existingFile", std::move(*existing)}};
  } else {
    body = {{"success", true},
            {"isDuplicate", false},
            {"message", "No duplicate found. Safe to upload."},
            {"fileHash", hash}};
  }
  co_return http::Response::json(json::serialize(body));
}

// An old versioned URL without its query.
std::string without_query(const std::string& url) { return url.substr(0, url.find('?')); }

Task<http::Response> delete_file(web::Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  const auto input = accounts::json_body(ctx.req);
  web::BodyFields in(input);
  std::string file_id = in.text("fileId", 100, false).value_or("");
  const std::string url = in.text("url", 500, false).value_or("");
  in.finish();
  if (file_id.empty() && url.empty()) {
    throw ApiError(400, "ValidationError", "Either fileId or url is required")
        .with_field("fileId", "Either fileId or url is required");
  }
  if (file_id.empty()) {
    const auto& endpoint = ctx.config().imagekit_url_endpoint;
    bool ours = url.find("ik.imagekit.io") != std::string::npos || (!endpoint.empty() && url.rfind(endpoint, 0) == 0);
    if (!ours) {
      json::object body{{"success", true}, {"message", "External URL - no ImageKit deletion needed"}};
      co_return http::Response::json(json::serialize(body));
    }
    db::Params params{without_query(url)};
    auto r = co_await ctx.db().query(kFileIdByUrl, std::move(params));
    if (r.empty()) throw ApiError::not_found("File not found");
    file_id = std::string(r.get(0, 0));
  }

  auto ik = imagekit_for(ctx);
  auto removed = co_await ik.remove(file_id);
  const bool gone_already = removed.kind == ImageKitError::Kind::not_found;
  if (!removed.ok() && !gone_already) throw imagekit_error(removed);

  const auto activity = admin::activity_param(ctx, {"media.delete", "media", {{"fileId", file_id}}});
  db::Params params{file_id, activity};
  auto r = co_await ctx.db().query(kMarkDeleted, std::move(params));
  if (gone_already && r.get_int(0, 0) == 0) throw ApiError::not_found("File not found");
  json::object body{{"success", true}, {"message", "File deleted successfully"}};
  co_return http::Response::json(json::serialize(body));
}

// ---- Files that reach ImageKit without passing through here: POST
// /api/upload/url (ImageKit fetches the URL) and /api/upload/register (the
// browser uploaded it with /api/upload/auth's signature). Both are checked
// against the upload's rules from what ImageKit reports of the file.

constexpr std::size_t kMaxSourceUrl = 2048;

constexpr std::string_view kSupportedMimes[] = {"image/jpeg", "image/png",  "image/webp", "image/gif",
                                                "image/bmp",  "image/avif", "image/heic"};

bool supported_mime(std::string_view mime) {
  for (auto m : kSupportedMimes) {
    if (m == mime) return true;
  }
  return false;
}

// The MIME type a file name's extension stands for ("" when none of ours).
std::string_view mime_of_name(std::string_view name) {
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string ext;
  for (char c : name.substr(dot + 1)) ext += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "png" || ext == "webp" || ext == "gif" || ext == "bmp" || ext == "avif" || ext == "heic") {
    for (auto m : kSupportedMimes) {
      if (m.substr(6) == ext) return m;
    }
  }
  return "";
}

// Why a file ImageKit holds is refused by the upload's rules (an image of a
// supported type, at most 25 megapixels and 5 MB), "" when it is not.
std::string remote_refusal(const ImageKitFile& f, std::string_view mime) {
  if (f.file_type != "image") return "The file is not an image";
  if (!supported_mime(mime)) return "The file is not a supported image type (JPEG, PNG, WebP, GIF, BMP, AVIF, HEIC)";
  if (!f.width || !f.height || *f.width == 0 || *f.height == 0) return "ImageKit reports no dimensions for the image";
  ImageInfo info;
  info.width = *f.width;
  info.height = *f.height;
  if (!within_pixel_cap(info)) {
    return "Image resolution " + std::to_string(info.width) + "x" + std::to_string(info.height) +
           " exceeds the 25 megapixel limit";
  }
  if (!f.size) return "ImageKit reports no size for the image";
  if (*f.size > security::upload::kImageFileBytes) return "The image exceeds the 5 MB limit";
  return "";
}

// Addresses ImageKit must not be sent to fetch: this host, private,
// link-local, shared, multicast and reserved networks (the old
// validateExternalImageUrl's intent, by address rather than by text).
const security::IpRanges& internal_networks() {
  static const auto ranges = security::IpRanges::parse(
      "0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.0.0.0/24 192.168.0.0/16"
      " 198.18.0.0/15 224.0.0.0/3 ::/128 ::1/128 fc00::/7 fe80::/10 ff00::/8");
  return ranges;
}

// Why ImageKit may not be asked to fetch `url`, "" when it may: http(s)
// only, no user or password, a public host name (not localhost, not a bare
// or all-numeric name that some resolvers read as an address) or a literal
// address outside internal_networks(). Names are not resolved here (ImageKit
// resolves them, on its side).
std::string url_refusal(std::string_view url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return "imageUrl must be a valid URL";
  auto scheme = u->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) {
    return "imageUrl must be an http or https URL";
  }
  if (!u->has_authority() || u->encoded_host().empty()) return "imageUrl must name a host";
  if (u->has_userinfo()) return "imageUrl must not contain credentials";
  switch (u->host_type()) {
    case boost::urls::host_type::ipv4:
      if (internal_networks().contains(u->host_ipv4_address().to_string())) return "imageUrl must be a public address";
      return "";
    case boost::urls::host_type::ipv6:
      if (internal_networks().contains(u->host_ipv6_address().to_string())) return "imageUrl must be a public address";
      return "";
    case boost::urls::host_type::name:
      break;
    default:
      return "imageUrl must name a public host";
  }
  std::string host;
  for (char c : u->encoded_host()) host += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (host == "localhost" || (host.size() > 10 && host.substr(host.size() - 10) == ".localhost")) {
    return "imageUrl must be a public address";
  }
  auto dot = host.rfind('.');
  if (dot == std::string::npos) return "imageUrl must name a public host";
  bool numeric_tld = true;
  for (char c : host.substr(dot + 1)) numeric_tld = numeric_tld && ((c >= '0' && c <= '9') || c == 'x');
  if (numeric_tld) return "imageUrl must name a public host";
  return "";
}

// The `data` of a file recorded from ImageKit's report (as uploaded_json).
json::object remote_json(const std::string& media_id, const ImageKitFile& f, std::string_view mime) {
  return {{"id", media_id},
          {"url", versioned(f.url)},
          {"baseUrl", f.url},
          {"fileId", f.file_id},
          {"fileName", f.name},
          {"filePath", f.file_path},
          {"size", f.size.value_or(0)},
          {"width", f.width ? json::value(*f.width) : json::value(nullptr)},
          {"height", f.height ? json::value(*f.height) : json::value(nullptr)},
          {"mimetype", mime}};
}

// The `data` of a media row already recorded (kFindByUrl, kFindByFileId).
json::object recorded_json(const db::Result& r) {
  return {{"id", r.get(0, 0)},
          {"url", r.get(0, 3)},
          {"baseUrl", r.get(0, 3)},
          {"fileId", r.get(0, 1)},
          {"fileName", r.get(0, 2)},
          {"filePath", r.get(0, 8)},
          {"size", r.get_int(0, 4)},
          {"width", int_or_null(r, 0, 5)},
          {"height", int_or_null(r, 0, 6)},
          {"mimetype", r.get(0, 7)},
          {"isExisting", true}};
}

http::Response data_response(json::object data) {
  json::object body{{"success", true}, {"data", std::move(data)}};
  return http::Response::json(json::serialize(body));
}

// The media row's parameters of kInsertMedia / kRegisterMedia.
db::Params remote_row(const std::string& media_id, const ImageKitFile& f, const std::optional<std::string>& hash,
                      const Kind& kind, std::string_view mime, const std::string& user_id,
                      const std::string& activity) {
  return db::Params{media_id,
                    f.file_id,
                    f.name,
                    f.file_path,
                    f.url,
                    hash,
                    std::string(kind.type),
                    std::string(mime),
                    static_cast<long long>(f.size.value_or(0)),
                    static_cast<long long>(f.width.value_or(0)),
                    static_cast<long long>(f.height.value_or(0)),
                    user_id,
                    activity};
}

// POST /api/upload/url {imageUrl, type}: ImageKit fetches the URL into the
// type's folder; the file is then checked by what ImageKit reports (removed
// again when refused) and recorded with no file_hash (the bytes never pass
// through here). An ImageKit URL already recorded answers its row
// (isExisting), as the old endpoint did.
Task<http::Response> upload_url(web::Context& ctx) {
  const auto& user = accounts::require_role(ctx, {"admin", "super_admin"});
  const auto input = accounts::json_body(ctx.req);
  web::BodyFields in(input);
  const auto image_url = in.text("imageUrl", kMaxSourceUrl, true);
  const auto type = in.text("type", 50, false);
  in.finish();
  const auto kind = kind_of(type);
  const std::string& url = *image_url;

  if (is_imagekit_url(url, ctx.config().imagekit_url_endpoint)) {
    db::Params params{without_query(url)};
    auto r = co_await ctx.db().query(kFindByUrl, std::move(params));
    if (!r.empty()) co_return data_response(recorded_json(r));
  }
  if (auto why = url_refusal(url); !why.empty()) {
    throw ApiError(400, "ValidationError", why).with_field("imageUrl", why);
  }
  auto ik = imagekit_for(ctx);

  // path() decodes into a new string (a view of it would dangle).
  const std::string source_path = boost::urls::parse_uri(url)->path();
  std::optional<std::string> declared;
  if (!source_path.empty()) declared = std::string(file_name_of(source_path));
  auto declared_mime = declared ? mime_of_name(*declared) : std::string_view();
  std::string extension = declared_mime.empty() ? "jpg" : std::string(declared_mime.substr(6));
  if (extension == "jpeg") extension = "jpg";

  UploadRequest req;
  req.source_url = url;
  req.file_name = upload_file_name(kind.type, declared, extension);
  req.folder = std::string(kind.folder);
  req.tags = {std::string(kind.type), "wighaven"};
  auto up = co_await ik.upload(req);
  if (!up.error.ok()) throw imagekit_error(up.error);
  ImageKitFile file = std::move(up.file);
  // An upload answer carries no MIME type: ImageKit's file details do.
  if (file.mime.empty()) {
    auto d = co_await ik.details(file.file_id);
    if (d.error.ok()) file.mime = d.file.mime;
  }
  std::string mime = file.mime.empty() ? std::string(mime_of_name(file.name)) : file.mime;
  if (auto why = remote_refusal(file, mime); !why.empty()) {
    co_await ik.remove(file.file_id);  // not recorded: it would be an orphan
    throw ApiError(400, "ValidationError", why).with_field("imageUrl", why);
  }

  const std::string media_id = new_cuid();
  const auto activity = admin::activity_param(
      ctx, {"media.upload_url",
            "media",
            {{"fileName", file.name}, {"type", kind.type}, {"sourceUrl", url.substr(0, admin::kMaxLoggedText)}}});
  std::exception_ptr failed;
  try {
    auto params = remote_row(media_id, file, std::nullopt, kind, mime, user.id, activity);
    co_await ctx.db().query(kInsertMedia, std::move(params));
  } catch (...) {
    failed = std::current_exception();
  }
  if (failed) {
    co_await ik.remove(file.file_id);  // an orphan otherwise
    std::rethrow_exception(failed);
  }
  auto data = remote_json(media_id, file, mime);
  data["sourceUrl"] = url;
  co_return data_response(std::move(data));
}

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

// POST /api/upload/register?force {fileId, type, fileHash?}: records a
// file the browser uploaded straight to ImageKit (GET /api/upload/auth).
// The file is checked by ImageKit's details (an image of a supported type,
// <= 25 MP, <= 5 MB; a refused file is left at ImageKit: the browser put it
// there and its id may be in use elsewhere). `fileHash` is the SHA-256 the
// browser computed: ImageKit reports no content hash and these bytes never
// pass through here, so it is the browser's claim, used only to find a
// duplicate (409 {isDuplicate, existingFile} unless force=true, as the
// upload) and stored as the row's file_hash. A file id already recorded
// answers its row (isExisting) without a second row, so a retried register
// is harmless.
Task<http::Response> register_upload(web::Context& ctx) {
  const auto& user = accounts::require_role(ctx, {"admin", "super_admin"});
  const auto input = accounts::json_body(ctx.req);
  web::BodyFields in(input);
  const auto file_id = in.text("fileId", 100, true);
  const auto type = in.text("type", 50, false);
  auto hash = in.text("fileHash", 64, false);
  if (file_id) {
    bool plausible = true;
    for (char c : *file_id) {
      plausible = plausible &&
                  ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
    }
    if (!plausible) in.add("fileId", "\"fileId\" must be an ImageKit file id");
  }
  if (hash) {
    if (!is_hex64(*hash)) in.add("fileHash", "\"fileHash\" must be a SHA-256 in hex (64 characters)");
    for (auto& c : *hash) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
  }
  in.finish();
  const auto kind = kind_of(type);

  {
    db::Params params{*file_id};
    auto r = co_await ctx.db().query(kFindByFileId, std::move(params));
    if (!r.empty()) {
      if (r.get(0, 9) == "deleted") throw ApiError::not_found("File not found");
      co_return data_response(recorded_json(r));
    }
  }
  if (hash && !forced(ctx)) {
    if (auto existing = co_await find_duplicate(ctx, *hash)) {
      json::object body{{"success", false},
                        {"isDuplicate", true},
                        {"message", "This image already exists. Register again with force=true to keep a copy."},
                        {"existingFile", std::move(*existing)}};
      co_return http::Response::json(json::serialize(body), 409);
    }
  }

  auto ik = imagekit_for(ctx);
  auto d = co_await ik.details(*file_id);
  if (!d.error.ok()) throw imagekit_error(d.error);
  const ImageKitFile& file = d.file;
  const std::string mime = file.mime.empty() ? std::string(mime_of_name(file.name)) : file.mime;
  if (auto why = remote_refusal(file, mime); !why.empty()) {
    throw ApiError(400, "ValidationError", why).with_field("fileId", why);
  }

  const std::string media_id = new_cuid();
  const auto activity = admin::activity_param(
      ctx, {"media.register", "media", {{"fileName", file.name}, {"type", kind.type}, {"fileId", file.file_id}}});
  auto params = remote_row(media_id, file, hash, kind, mime, user.id, activity);
  auto r = co_await ctx.db().query(kRegisterMedia, std::move(params));
  if (r.empty()) {  // registered meanwhile by a parallel call
    db::Params again{*file_id};
    auto existing = co_await ctx.db().query(kFindByFileId, std::move(again));
    if (existing.empty()) throw ApiError::unavailable("The file is being registered; try again");
    co_return data_response(recorded_json(existing));
  }
  co_return data_response(remote_json(media_id, file, mime));
}

Task<http::Response> upload_auth(web::Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  auto ik = imagekit_for(ctx);
  auto a = ik.upload_auth();
  json::object body{{"success", true},           {"token", a.token},
                    {"expire", a.expire},        {"signature", a.signature},
                    {"publicKey", a.public_key}, {"urlEndpoint", ctx.config().imagekit_url_endpoint}};
  co_return http::Response::json(json::serialize(body));  // private, no-store: the edge-headers stage
}

}  // namespace

void register_upload_routes(web::Router& router) {
  router.add("POST", "/api/upload", upload_one);
  router.add("POST", "/api/upload/batch", upload_batch);
  router.add("POST", "/api/upload/check-hash", check_hash);
  router.add("DELETE", "/api/upload", delete_file);
  router.add("GET", "/api/upload/auth", upload_auth);
  router.add("POST", "/api/upload/url", upload_url);
  router.add("POST", "/api/upload/register", register_upload);
}

}  // namespace wh::media
