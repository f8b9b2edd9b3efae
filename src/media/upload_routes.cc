#include "media/upload_routes.h"

#include <boost/json.hpp>
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
#include "http/client.h"
#include "media/image_probe.h"
#include "media/imagekit_client.h"
#include "security/http_policy.h"
#include "web/body_fields.h"
#include "web/multipart.h"

namespace wh::media {
namespace json = boost::json;
namespace {

#define WH_MEDIA_NOW "(now() AT TIME ZONE 'UTC')"

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
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::int, $10::int, $11::int, $12, 'active', )" WH_MEDIA_NOW ", " WH_MEDIA_NOW
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
  UPDATE media SET status = 'deleted', used_by = NULL, usage_type = NULL, updated_at = )" WH_MEDIA_NOW R"(
  WHERE "fileId" = $1 AND status <> 'deleted'
  RETURNING id),
)" WH_ADMIN_ACTIVITY("d", "$2") R"(
SELECT count(*) FROM d)";

#undef WH_MEDIA_NOW

constexpr std::size_t kMaxBatchFiles = security::upload::kImageBatchFiles;

// The old backend's folders by upload type; "general" (no type given) is the root.
struct Kind {
  std::string_view type;
  std::string_view folder;
};
constexpr Kind kKinds[] = {{"product", "/products"}, {"review", "/reviews"},      {"variant", "/variants"},
                           {"user", "/users"},       {"category", "/categories"}, {"banner", "/banners"}};

Kind upload_kind(const web::Context& ctx) {
  auto type = ctx.req.query_param("type");
  if (!type || type->empty()) return {"general", "/"};
  for (const auto& k : kKinds) {
    if (k.type == *type) return k;
  }
  throw ApiError(400, "ValidationError", "Invalid upload type")
      .with_field("type", "type must be one of product, review, variant, user, category, banner");
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

// The ImageKit client of this request over the server's outbound client.
ImageKitClient imagekit(web::Context& ctx) {
  ImageKitClient ik(ctx.get<http::OutboundClient>(), ctx.config());
  if (!ik.configured()) throw ApiError(503, "ServiceUnavailableError", "Image uploads are not configured");
  return ik;
}

// The API error of a failed ImageKit call.
ApiError imagekit_error(const ImageKitError& e) {
  switch (e.kind) {
    case ImageKitError::Kind::not_configured:
      return ApiError(503, "ServiceUnavailableError", "Image uploads are not configured");
    case ImageKitError::Kind::invalid:
      return ApiError(400, "ValidationError", e.message);
    case ImageKitError::Kind::rejected:
      return ApiError(502, "BadGatewayError", "ImageKit refused the file: " + e.message);
    case ImageKitError::Kind::not_found:
      return ApiError::not_found("File not found");
    default:
      return ApiError::unavailable("The image service is unavailable; try again");
  }
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
  auto ik = imagekit(ctx);
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
  auto ik = imagekit(ctx);
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

  auto ik = imagekit(ctx);
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

Task<http::Response> upload_auth(web::Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  auto ik = imagekit(ctx);
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
}

}  // namespace wh::media
