#include "media/imagekit_manager_routes.h"

#include <boost/json.hpp>
#include <charconv>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "core/error.h"
#include "http/client.h"
#include "media/imagekit_client.h"
#include "web/body_fields.h"
#include "web/query_params.h"

namespace wh::media {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxPathBytes = 500;  // media."filePath" is VARCHAR(500)
constexpr std::size_t kMaxFolderName = 255;
constexpr std::size_t kMaxSearchChars = 500;
constexpr std::size_t kMaxFileIdBytes = 100;  // media."fileId" is VARCHAR(100)
constexpr std::size_t kMaxBulkIds = 100;
constexpr std::int64_t kMaxSkip = 1000000;
constexpr std::int64_t kMaxLimit = 1000;
constexpr std::int64_t kDefaultLimit = 100;
constexpr std::size_t kMaxShownMessage = 500;  // of ImageKit's message, in an error we answer

#define WH_MEDIA_MARK_DELETED \
  "UPDATE media SET status = 'deleted', used_by = NULL, usage_type = NULL, updated_at = (now() AT TIME ZONE 'UTC')"

// $1 the ImageKit file id, $2 the activity (imagekit_file.delete), $3 whether
// ImageKit deleted the file now (false: it was gone already). The file's
// media row is marked deleted; the activity is recorded when ImageKit
// deleted the file or a row was marked. Answers the count of rows marked.
constexpr const char* kDeleteFileSql = R"(
WITH d AS ()" WH_MEDIA_MARK_DELETED R"(
  WHERE "fileId" = $1::text AND status <> 'deleted'
  RETURNING id),
)" WH_ADMIN_ACTIVITY("(SELECT $1::text WHERE $3::boolean OR EXISTS (SELECT 1 FROM d))", "$2") R"(
SELECT count(*) FROM d)";

// $1 the ids ImageKit deleted (a JSON array of strings), $2 the activity
// (imagekit_file.bulk_delete): their media rows marked deleted, one activity
// row per id. Answers the count of rows marked.
constexpr const char* kBulkDeleteSql = R"(
WITH ids AS (SELECT jsonb_array_elements_text($1::jsonb) AS id),
d AS ()" WH_MEDIA_MARK_DELETED R"(
  WHERE "fileId" IN (SELECT id FROM ids) AND status <> 'deleted'
  RETURNING id),
)" WH_ADMIN_ACTIVITY("ids", "$2") R"(
SELECT count(*) FROM d)";

// $1 the deleted folder's path ("/a/b"), $2 the activity
// (imagekit_folder.delete): the media rows of the files inside it are
// marked deleted (ImageKit deleted them with the folder). Answers the count
// of rows marked.
constexpr const char* kDeleteFolderSql = R"(
WITH d AS ()" WH_MEDIA_MARK_DELETED R"(
  WHERE left("filePath", length($1::text) + 1) = $1::text || '/' AND status <> 'deleted'
  RETURNING id),
)" WH_ADMIN_ACTIVITY("(VALUES ($1::text))", "$2") R"(
SELECT count(*) FROM d)";

#undef WH_MEDIA_MARK_DELETED

// ---- input ------------------------------------------------------------------

// Why `path` is not a path ImageKit is asked about, or "" when it is: it
// starts with '/', is valid UTF-8 of at most kMaxPathBytes bytes without
// control characters or backslashes, has no empty segment ("//") and no
// "..".
std::string path_problem(std::string_view path) {
  if (path.empty() || path.front() != '/') return "must start with '/'";
  if (path.size() > kMaxPathBytes) return "must be at most " + std::to_string(kMaxPathBytes) + " bytes long";
  if (!web::valid_utf8(path)) return "must be valid UTF-8 text";
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7F || c == '\\') return "must not contain control characters or backslashes";
  }
  if (path.find("..") != std::string_view::npos) return "must not contain '..'";
  if (path.find("//") != std::string_view::npos) return "must not contain an empty segment ('//')";
  return "";
}

bool file_id_chars(std::string_view id) {
  if (id.empty() || id.size() > kMaxFileIdBytes) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The path read from `in`'s `field` (default when absent and `fallback` is
// given), checked with path_problem(); nullopt after recording an error.
std::optional<std::string> path_field(web::BodyFields& in, std::string_view field,
                                      std::optional<std::string_view> fallback = std::nullopt) {
  if (fallback && !in.has(field)) return std::string(*fallback);
  auto value = in.text(field, kMaxPathBytes, true);
  if (!value) return std::nullopt;
  if (auto problem = path_problem(*value); !problem.empty()) {
    in.add(field, "\"" + std::string(field) + "\" " + problem);
    return std::nullopt;
  }
  return value;
}

// "/a/b/" -> "/a/b" (a folder as ImageKit names it without the slash).
std::string without_trailing_slash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// The :fileId of the request, or 400.
std::string file_id_param(const web::Context& ctx) {
  std::string id(ctx.param("fileId"));
  if (!file_id_chars(id)) {
    throw ApiError(400, "ValidationError", "Validation failed")
        .with_field("fileId", "\"fileId\" must be 1-100 characters of A-Z, a-z, 0-9, '_' and '-'");
  }
  return id;
}

// A whole number in [min, max] written in digits only.
std::optional<std::int64_t> whole_number(std::string_view text, std::int64_t min, std::int64_t max) {
  std::int64_t n = 0;
  if (text.empty() || text.front() == '-' || text.front() == '+') return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < min || n > max) return std::nullopt;
  return n;
}

// The listing asked for by the query (defaults: path "/", skip 0, limit
// 100, type "all": files and folders, as the old backend listed them), or
// 400 listing every bad parameter.
ListRequest list_request(const http::Request& req) {
  ValidationErrors errors;
  ListRequest r;
  auto given = [&](std::string_view name) -> std::optional<std::string_view> {
    auto v = req.query_param(name);
    return v && !v->empty() ? v : std::nullopt;
  };
  if (auto path = given("path")) {
    if (auto problem = path_problem(*path); problem.empty()) {
      r.path = std::string(*path);
    } else {
      errors.add("path", "\"path\" " + problem);
    }
  }
  if (auto skip = given("skip")) {
    if (auto n = whole_number(*skip, 0, kMaxSkip)) {
      r.skip = static_cast<std::uint32_t>(*n);
    } else {
      errors.add("skip", "\"skip\" must be an integer between 0 and " + std::to_string(kMaxSkip));
    }
  }
  r.limit = static_cast<std::uint32_t>(kDefaultLimit);
  if (auto limit = given("limit")) {
    if (auto n = whole_number(*limit, 1, kMaxLimit)) {
      r.limit = static_cast<std::uint32_t>(*n);
    } else {
      errors.add("limit", "\"limit\" must be an integer between 1 and " + std::to_string(kMaxLimit));
    }
  }
  if (auto type = given("type")) {
    if (*type == "file" || *type == "folder" || *type == "all") {
      r.type = std::string(*type);
    } else {
      errors.add("type", "\"type\" must be one of file, folder, all");
    }
  }
  if (auto query = given("searchQuery")) {
    bool control = false;
    for (unsigned char c : *query) control = control || c < 0x20 || c == 0x7F;
    if (!web::valid_utf8(*query) || control) {
      errors.add("searchQuery", "\"searchQuery\" must be UTF-8 text without control characters");
    } else if (web::char_count(*query) > kMaxSearchChars) {
      errors.add("searchQuery", "\"searchQuery\" must be at most " + std::to_string(kMaxSearchChars) + " characters");
    } else {
      r.search_query = std::string(*query);
    }
  }
  errors.throw_if_any();
  return r;
}

// ---- ImageKit ---------------------------------------------------------------

ImageKitClient imagekit(web::Context& ctx) {
  ImageKitClient ik(ctx.get<http::OutboundClient>(), ctx.config());
  if (!ik.configured()) throw ApiError(503, "ServiceUnavailableError", "ImageKit is not configured");
  return ik;
}

// ImageKit's message cut to kMaxShownMessage bytes on a character boundary.
std::string shown(const std::string& message) {
  if (message.size() <= kMaxShownMessage) return message;
  std::size_t end = kMaxShownMessage;
  while (end > 0 && (static_cast<unsigned char>(message[end]) & 0xC0) == 0x80) --end;
  return message.substr(0, end) + "...";
}

// The API error of a failed ImageKit call; `missing` is the 404's message.
ApiError imagekit_error(const ImageKitError& e, const std::string& missing) {
  switch (e.kind) {
    case ImageKitError::Kind::not_configured:
      return ApiError(503, "ServiceUnavailableError", "ImageKit is not configured");
    case ImageKitError::Kind::invalid:
      return ApiError(400, "ValidationError", e.message);
    case ImageKitError::Kind::not_found:
      return ApiError::not_found(missing);
    case ImageKitError::Kind::rejected:
      // Our key refused: not the admin's input, and not theirs to fix.
      if (e.status == 401 || e.status == 403) {
        return ApiError(502, "BadGatewayError", "ImageKit refused the server's credentials: " + shown(e.message));
      }
      if (e.status == 429) return ApiError::unavailable("ImageKit is rate limiting requests; try again");
      return ApiError(400, "ValidationError", "ImageKit refused the request: " + shown(e.message));
    default:
      return ApiError::unavailable("The image service is unavailable; try again");
  }
}

// ---- answers ----------------------------------------------------------------

// A file as ImageKit's list and details answers name its fields, plus
// `thumbnailUrl` (the same value): the old admin page reads that name, which
// the old backend never sent, so it showed every full-size image.
json::object file_json(const ImageKitFile& f) {
  json::object o{{"type", "file"},
                 {"fileId", f.file_id},
                 {"name", f.name},
                 {"filePath", f.file_path},
                 {"url", f.url},
                 {"thumbnail", f.thumbnail_url},
                 {"thumbnailUrl", f.thumbnail_url},
                 {"fileType", f.file_type},
                 {"mime", f.mime},
                 {"createdAt", f.created_at},
                 {"updatedAt", f.updated_at}};
  if (f.size) o["size"] = *f.size;
  if (f.width) o["width"] = *f.width;
  if (f.height) o["height"] = *f.height;
  return o;
}

json::object folder_json(const ImageKitFolder& f) {
  return {{"type", "folder"},          {"folderId", f.folder_id},  {"name", f.name}, {"folderPath", f.folder_path},
          {"createdAt", f.created_at}, {"updatedAt", f.updated_at}};
}

// {"success":true, ...fields} in the old order: success first.
http::Response success(json::object fields) {
  json::object body{{"success", true}};
  for (auto& kv : fields) body.emplace(kv.key(), std::move(kv.value()));
  return http::Response::json(json::serialize(body));
}

// Records `a` for `entity_id` in a statement of its own: the ImageKit change
// has happened and no row of ours changed with it.
Task<void> record(web::Context& ctx, const admin::Activity& a, const std::string& entity_id) {
  std::vector<std::string> ids{entity_id};
  auto s = admin::activity_statement(ctx, a, ids);
  co_await ctx.db().query(s.sql, std::move(s.params));
}

// ---- routes -----------------------------------------------------------------

Task<http::Response> list_files(web::Context& ctx) {
  accounts::require_role(ctx, {"super_admin"});
  const auto request = list_request(ctx.req);
  auto ik = imagekit(ctx);
  auto listed = co_await ik.list_files(request);
  if (!listed.error.ok()) throw imagekit_error(listed.error, "Folder not found");
  json::array data;
  for (const auto& entry : listed.entries) {
    if (const auto* file = std::get_if<ImageKitFile>(&entry)) {
      data.push_back(file_json(*file));
    } else {
      data.push_back(folder_json(std::get<ImageKitFolder>(entry)));
    }
  }
  const auto count = data.size();
  co_return success({{"data", std::move(data)}, {"count", count}, {"path", request.path}});
}

Task<http::Response> file_details(web::Context& ctx) {
  accounts::require_role(ctx, {"super_admin"});
  const auto file_id = file_id_param(ctx);
  auto ik = imagekit(ctx);
  auto found = co_await ik.details(file_id);
  if (!found.error.ok()) throw imagekit_error(found.error, "File not found");
  co_return success({{"data", file_json(found.file)}});
}

Task<http::Response> create_folder(web::Context& ctx) {
  accounts::require_role(ctx, {"super_admin"});
  const auto input = accounts::json_body(ctx.req);
  web::BodyFields in(input);
  auto name = in.text("folderName", kMaxFolderName, true);
  if (name) {
    bool allowed = true, blank = true;
    for (char c : *name) {
      allowed = allowed && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
                            c == '_' || c == '-');
      blank = blank && c == ' ';
    }
    if (!allowed || blank) {
      in.add("folderName", "\"folderName\" must be letters, digits, spaces, '_' and '-', not only spaces");
    }
  }
  const std::string_view root = "/";
  auto parent = path_field(in, "parentFolderPath", root);
  in.finish();

  auto ik = imagekit(ctx);
  auto created = co_await ik.create_folder(*name, *parent);
  if (!created.ok()) throw imagekit_error(created, "Parent folder not found");
  const std::string folder_path = (*parent == "/" ? "" : without_trailing_slash(*parent)) + "/" + *name;
  const admin::Activity activity{
      "imagekit_folder.create", "imagekit_folder", {{"folderName", *name}, {"parentFolderPath", *parent}}};
  co_await record(ctx, activity, folder_path);
  co_return success({{"message", "Folder '" + *name + "' created successfully"}, {"data", json::object{}}});
}

Task<http::Response> delete_folder(web::Context& ctx) {
  accounts::require_role(ctx, {"super_admin"});
  const auto input = accounts::json_body(ctx.req);
  web::BodyFields in(input);
  auto path = path_field(in, "folderPath");
  if (path && without_trailing_slash(*path) == "/") in.add("folderPath", "\"folderPath\" must not be the root folder");
  in.finish();

  auto ik = imagekit(ctx);
  auto deleted = co_await ik.delete_folder(*path);
  if (!deleted.ok()) throw imagekit_error(deleted, "Folder not found");
  const std::string folder = without_trailing_slash(*path);
  const auto activity =
      admin::activity_param(ctx, {"imagekit_folder.delete", "imagekit_folder", {{"folderPath", folder}}});
  db::Params params{folder, activity};
  co_await ctx.db().query(kDeleteFolderSql, std::move(params));
  co_return success({{"message", "Folder '" + *path + "' deleted successfully"}, {"data", json::object{}}});
}

// As DELETE /api/upload: a file ImageKit no longer has is still deleted
// here when a media row names it (404 only when neither has it).
Task<http::Response> delete_file(web::Context& ctx) {
  accounts::require_role(ctx, {"super_admin"});
  const auto file_id = file_id_param(ctx);
  auto ik = imagekit(ctx);
  auto removed = co_await ik.remove(file_id);
  const bool gone_already = removed.kind == ImageKitError::Kind::not_found;
  if (!removed.ok() && !gone_already) throw imagekit_error(removed, "File not found");

  const auto activity = admin::activity_param(ctx, {"imagekit_file.delete", "imagekit_file", {}});
  db::Params params{file_id, activity, !gone_already};
  auto r = co_await ctx.db().query(kDeleteFileSql, std::move(params));
  if (gone_already && r.get_int(0, 0) == 0) throw ApiError::not_found("File not found");
  co_return success({{"message", "File deleted successfully"}});
}

// The body of move and copy: a file's path and a folder's.
struct Transfer {
  std::string source;
  std::string destination;
};

Transfer transfer_body(const web::Context& ctx) {
  const auto input = accounts::json_body(ctx.req);
  web::BodyFields in(input);
  auto source = path_field(in, "sourceFilePath");
  if (source && source->back() == '/') in.add("sourceFilePath", "\"sourceFilePath\" must name a file, not a folder");
  auto destination = path_field(in, "destinationPath");
  in.finish();
  return {*source, *destination};
}

Task<http::Response> move_file(web::Context& ctx) {
  accounts::require_role(ctx, {"super_admin"});
  const auto t = transfer_body(ctx);
  auto ik = imagekit(ctx);
  auto moved = co_await ik.move(t.source, t.destination);
  if (!moved.ok()) throw imagekit_error(moved, "File not found");
  const admin::Activity activity{
      "imagekit_file.move", "imagekit_file", {{"sourceFilePath", t.source}, {"destinationPath", t.destination}}};
  co_await record(ctx, activity, t.source);
  co_return success({{"message", "File moved successfully"}, {"data", json::object{}}});
}

Task<http::Response> copy_file(web::Context& ctx) {
  accounts::require_role(ctx, {"super_admin"});
  const auto t = transfer_body(ctx);
  auto ik = imagekit(ctx);
  auto copied = co_await ik.copy(t.source, t.destination);
  if (!copied.ok()) throw imagekit_error(copied, "File not found");
  const admin::Activity activity{
      "imagekit_file.copy", "imagekit_file", {{"sourceFilePath", t.source}, {"destinationPath", t.destination}}};
  co_await record(ctx, activity, t.source);
  co_return success({{"message", "File copied successfully"}, {"data", json::object{}}});
}

// ImageKit deletes all the files or, when any is missing, none (404 with
// the missing ids, listed in the answer).
Task<http::Response> bulk_delete(web::Context& ctx) {
  accounts::require_role(ctx, {"super_admin"});
  const auto input = accounts::json_body(ctx.req);
  web::BodyFields in(input);
  std::vector<std::string> ids;
  if (const auto* v = in.any("fileIds", true)) {
    if (!v->is_array() || v->as_array().empty() || v->as_array().size() > kMaxBulkIds) {
      in.add("fileIds", "\"fileIds\" must be an array of 1-" + std::to_string(kMaxBulkIds) + " file ids");
    } else {
      std::set<std::string_view> seen;
      for (const auto& e : v->as_array()) {
        if (!e.is_string() || !file_id_chars(e.as_string())) {
          in.add("fileIds", "\"fileIds\" must hold file ids of 1-100 characters of A-Z, a-z, 0-9, '_' and '-'");
          break;
        }
        if (!seen.insert(std::string_view(e.as_string())).second) {
          in.add("fileIds", "\"fileIds\" must not repeat an id");
          break;
        }
        ids.emplace_back(e.as_string());
      }
    }
  }
  in.finish();

  auto ik = imagekit(ctx);
  auto result = co_await ik.remove_many(ids);
  if (result.error.kind == ImageKitError::Kind::not_found) {
    std::string list;
    for (const auto& id : result.missing) list += (list.empty() ? "" : ", ") + id;
    auto e = ApiError::not_found("Some files were not found; none was deleted");
    if (!list.empty()) e.with_field("fileIds", "Not found: " + list);
    throw e;
  }
  if (!result.error.ok()) throw imagekit_error(result.error, "File not found");

  json::array deleted;
  for (const auto& id : result.deleted) deleted.emplace_back(id);
  const auto activity = admin::activity_param(ctx, {"imagekit_file.bulk_delete", "imagekit_file", {}});
  db::Params params{json::serialize(deleted), activity};
  co_await ctx.db().query(kBulkDeleteSql, std::move(params));
  co_return success({{"message", std::to_string(ids.size()) + " files deleted successfully"},
                     {"data", json::object{{"successfullyDeletedFileIds", std::move(deleted)}}}});
}

}  // namespace

void register_imagekit_manager_routes(web::Router& router) {
  router.add("GET", "/api/super-admin/imagekit/files", list_files);
  router.add("GET", "/api/super-admin/imagekit/files/:fileId", file_details);
  router.add("POST", "/api/super-admin/imagekit/folders", create_folder);
  router.add("DELETE", "/api/super-admin/imagekit/folders", delete_folder);
  router.add("DELETE", "/api/super-admin/imagekit/files/:fileId", delete_file);
  router.add("POST", "/api/super-admin/imagekit/files/move", move_file);
  router.add("POST", "/api/super-admin/imagekit/files/copy", copy_file);
  router.add("POST", "/api/super-admin/imagekit/files/bulk-delete", bulk_delete);
}

}  // namespace wh::media
