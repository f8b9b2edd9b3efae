#include "media/media_library.h"

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "core/error.h"
#include "core/json_text.h"
#include "db/result.h"
#include "media/image_urls.h"
#include "media/imagekit_client.h"
#include "media/imagekit_http.h"
#include "media/media_library_sql.h"
#include "media/media_paths.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::media {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

constexpr int kDefaultListLimit = 100;  // the old list's default (and cap)
constexpr int kDefaultTrashLimit = 20;  // the old trash's default
constexpr std::size_t kMaxBatchIds = 100;
constexpr long long kClearBatch = 100;  // ImageKit's bulk delete takes at most 100 ids
constexpr int kMaxClearBatches = 50;    // one request clears at most 5000; the answer says what remains

void require_admin(const Context& ctx) { accounts::require_role(ctx, {"admin", "super_admin"}); }

// What a write reads of a row (sql::kOne, sql::kMany).
struct Row {
  std::string id, file_id, file_path, url, type, status, used_by, usage_type, file_name;
};

Row row_at(const db::Result& r, int i) {
  return {std::string(r.get(i, 0)), std::string(r.get(i, 1)), std::string(r.get(i, 2)),
          std::string(r.get(i, 3)), std::string(r.get(i, 4)), std::string(r.get(i, 5)),
          std::string(r.get(i, 6)), std::string(r.get(i, 7)), std::string(r.get(i, 8))};
}

// The row of `:id`, or 404.
Task<Row> load(Context& ctx) {
  std::string id(ctx.param("id"));
  if (!web::plausible_id(id)) web::throw_not_found("Media not found");
  db::Params params{id};
  auto r = co_await ctx.db().query(sql::kOne, std::move(params));
  if (r.empty()) web::throw_not_found("Media not found");
  co_return row_at(r, 0);
}

std::string ids_json(const std::vector<std::string>& ids) {
  json::array a;
  for (const auto& id : ids) a.emplace_back(id);
  return json::serialize(a);
}

// A row still in use may not be deleted for good (the old rule): its
// entity would show a broken image.
bool in_use(const Row& row) { return row.status == "active" && !row.used_by.empty(); }

// A page of rows (the JSON array the statement built) with the variants of
// each stored URL added.
Response page_response(const db::Result& r, const std::string& endpoint) {
  auto rows = json::parse(r.get(0, 0));
  for (auto& v : rows.as_array()) {
    auto& o = v.as_object();
    std::string url(o.at("url").as_string());
    auto urls = variant_urls(url, endpoint);
    o["thumbnailUrl"] = urls.thumbnail;
    o["variants"] = json::object{{"thumbnail", urls.thumbnail}, {"card", urls.card}, {"detail", urls.detail}};
  }
  return Response::json(R"({"success":true,"data":)" + json::serialize(rows) +
                        ",\"pagination\":" + compact_json(r.get(0, 1)) + "}");
}

Response row_response(std::string_view row_json, std::string_view message) {
  return Response::json(R"({"success":true,"data":)" + compact_json(row_json) + R"(,"message":)" +
                        json::serialize(json::value(message)) + "}");
}

Task<Response> list_media(Context& ctx) {
  require_admin(ctx);
  web::QueryReader q(ctx.req);
  const int page = q.integer("page", 1, web::kMaxPage);
  const int limit = q.integer("limit", kDefaultListLimit, web::kMaxPageSize);
  const std::string type =
      q.choice("type", {"all", "product", "variant", "review", "user", "category", "banner", "general"}, "all");
  const std::string status = q.choice("status", {"active", "trashed", "deleted", "all"}, "active");
  const auto search = q.text("search", 100);
  q.finish();
  std::optional<std::string> type_p, status_p, pattern;
  if (type != "all") type_p = type;
  if (status != "all") status_p = status;
  if (search) pattern = web::contains_pattern(*search);
  db::Params params{type_p, status_p, pattern, limit, static_cast<long long>(page - 1) * limit, page};
  auto r = co_await ctx.db().query(sql::kList, std::move(params));
  co_return page_response(r, ctx.config().imagekit_url_endpoint);
}

Task<Response> list_trash(Context& ctx) {
  require_admin(ctx);
  web::QueryReader q(ctx.req);
  const int page = q.integer("page", 1, web::kMaxPage);
  const int limit = q.integer("limit", kDefaultTrashLimit, web::kMaxPageSize);
  q.finish();
  db::Params params{std::nullopt, std::nullopt, std::nullopt, limit, static_cast<long long>(page - 1) * limit, page};
  auto r = co_await ctx.db().query(sql::kTrash, std::move(params));
  co_return page_response(r, ctx.config().imagekit_url_endpoint);
}

// The row changed between the read and the write (a parallel request).
[[noreturn]] void throw_changed() {
  throw ApiError(409, "ConflictError", "The media changed meanwhile; reload and try again");
}

Task<Response> soft_delete(Context& ctx) {
  require_admin(ctx);
  const auto& user = accounts::require_user(ctx);
  const Row row = co_await load(ctx);
  if (row.status == "trashed") throw ApiError::bad_request("Media is already in trash");
  if (row.status != "active") throw ApiError::bad_request("Media has been deleted");

  auto ik = imagekit_for(ctx);
  const std::string trash(kTrashFolder);
  auto moved = co_await ik.move(row.file_path, trash);
  if (!moved.ok()) throw imagekit_library_error(moved);

  const std::string new_path = path_in_folder(kTrashFolder, row.file_path);
  const auto activity = admin::activity_param(
      ctx, {"media.soft_delete", "media", {{"fileName", row.file_name}, {"from", row.file_path}, {"to", new_path}}});
  db::Params params{row.id, new_path, user.id, activity};
  auto r = co_await ctx.db().query(sql::kSoftOne, std::move(params));
  if (r.empty()) {
    const std::string back(file_path_folder(row.file_path));
    co_await ik.move(new_path, back);  // undo, best effort: the row was not trashed
    throw_changed();
  }
  co_return row_response(r.get(0, 0), "Media moved to trash successfully");
}

Task<Response> restore(Context& ctx) {
  require_admin(ctx);
  const Row row = co_await load(ctx);
  if (row.status != "trashed") throw ApiError::bad_request("Media is not in trash");

  auto ik = imagekit_for(ctx);
  const std::string home = home_folder(row.url, row.type, ctx.config().imagekit_url_endpoint);
  auto moved = co_await ik.move(row.file_path, home);
  if (!moved.ok()) throw imagekit_library_error(moved);

  const std::string new_path = path_in_folder(home, row.file_path);
  const auto activity = admin::activity_param(
      ctx, {"media.restore", "media", {{"fileName", row.file_name}, {"from", row.file_path}, {"to", new_path}}});
  db::Params params{row.id, new_path, activity};
  auto r = co_await ctx.db().query(sql::kRestoreOne, std::move(params));
  if (r.empty()) throw_changed();
  co_return row_response(r.get(0, 0), "Media restored successfully");
}

Task<Response> hard_delete(Context& ctx) {
  require_admin(ctx);
  const Row row = co_await load(ctx);
  if (row.status == "deleted") throw ApiError::bad_request("Media has already been deleted");
  if (in_use(row)) {
    throw ApiError::bad_request(
        "Cannot delete media that is currently in use. Please remove it from the associated entity first.");
  }

  auto ik = imagekit_for(ctx);
  auto removed = co_await ik.remove(row.file_id);
  // Not at ImageKit (any more): the row only needs to say so.
  if (!removed.ok() && removed.kind != ImageKitError::Kind::not_found) throw imagekit_library_error(removed);

  const auto activity = admin::activity_param(
      ctx, {"media.hard_delete", "media", {{"fileName", row.file_name}, {"fileId", row.file_id}}});
  db::Params params{row.id, activity};
  auto r = co_await ctx.db().query(sql::kHardOne, std::move(params));
  if (r.empty()) throw_changed();
  co_return row_response(r.get(0, 0), "Media deleted permanently");
}

// Deletes `file_ids` at ImageKit, 100 a call at most (the caller's
// batches). ImageKit refuses a whole bulk call naming a file it does not
// have (404 with missingFileIds): those are gone already, so the call is
// repeated without them.
struct Removal {
  std::set<std::string> gone;  // deleted now or missing before
  ImageKitError error;         // why the rest were not deleted
};

Task<Removal> remove_all(ImageKitClient& ik, std::vector<std::string> file_ids) {
  Removal out;
  for (int attempt = 0; attempt < 3 && !file_ids.empty(); ++attempt) {
    auto r = co_await ik.remove_many(file_ids);
    if (r.error.ok()) {
      out.gone.insert(r.deleted.begin(), r.deleted.end());
      out.gone.insert(r.missing.begin(), r.missing.end());
      co_return out;
    }
    if (r.error.kind != ImageKitError::Kind::not_found || r.missing.empty()) {
      out.error = r.error;
      co_return out;
    }
    const std::set<std::string> missing(r.missing.begin(), r.missing.end());
    out.gone.insert(missing.begin(), missing.end());
    std::vector<std::string> rest;
    for (auto& id : file_ids) {
      if (missing.count(id) == 0) rest.push_back(std::move(id));
    }
    file_ids = std::move(rest);
  }
  co_return out;
}

// The ids of a batch body: 1..100 plausible media ids, duplicates dropped.
std::vector<std::string> batch_ids(const json::object& body) {
  const auto* v = body.if_contains("ids");
  auto bad = [](const std::string& message) {
    return ApiError(400, "ValidationError", "Validation failed").with_field("ids", message);
  };
  if (v == nullptr || !v->is_array()) throw bad("\"ids\" is required and must be an array of media ids");
  const auto& a = v->as_array();
  if (a.empty()) throw bad("\"ids\" must contain at least 1 item");
  if (a.size() > kMaxBatchIds) throw bad("\"ids\" must contain at most 100 items");
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& e : a) {
    if (!e.is_string() || !web::plausible_id(e.as_string())) throw bad("\"ids\" must contain media ids");
    std::string id(e.as_string());
    if (seen.insert(id).second) out.push_back(std::move(id));
  }
  return out;
}

Task<Response> batch_delete(Context& ctx) {
  require_admin(ctx);
  const auto& user = accounts::require_user(ctx);
  const auto body = accounts::json_body(ctx.req);
  const auto ids = batch_ids(body);
  std::string mode = "soft";  // the old default (the old admin sends no type)
  if (const auto* t = body.if_contains("type"); t != nullptr && !t->is_null()) {
    if (!t->is_string() || (t->as_string() != "soft" && t->as_string() != "hard")) {
      throw ApiError(400, "ValidationError", "Validation failed").with_field("type", "\"type\" must be soft or hard");
    }
    mode = std::string(t->as_string());
  }

  std::map<std::string, Row> rows;
  {
    db::Params params{ids_json(ids)};
    auto r = co_await ctx.db().query(sql::kMany, std::move(params));
    for (int i = 0; i < r.rows(); ++i) {
      auto row = row_at(r, i);
      rows.emplace(row.id, std::move(row));
    }
  }
  json::array failed;
  auto fail = [&failed](const std::string& id, const std::string& error) {
    failed.push_back(json::object{{"id", id}, {"error", error}});
  };
  std::vector<std::string> done;  // the ids ImageKit's part succeeded for

  auto ik = imagekit_for(ctx);
  if (mode == "soft") {
    json::array moved;  // [{id, path}]
    std::map<std::string, std::string> paths;
    for (const auto& id : ids) {
      auto it = rows.find(id);
      if (it == rows.end()) {
        fail(id, "Media not found");
        continue;
      }
      const Row& row = it->second;
      if (row.status != "active") {
        fail(id, row.status == "trashed" ? "Already in trash" : "Media has been deleted");
        continue;
      }
      const std::string trash(kTrashFolder);
      auto m = co_await ik.move(row.file_path, trash);
      if (!m.ok()) {
        fail(id, imagekit_library_error(m).what());
        continue;
      }
      paths[id] = path_in_folder(kTrashFolder, row.file_path);
      moved.push_back(json::object{{"id", id}, {"path", paths[id]}});
    }
    if (!moved.empty()) {
      const auto activity = admin::activity_param(ctx, {"media.soft_delete", "media", {{"batch", true}}});
      db::Params params{json::serialize(moved), user.id, activity};
      auto r = co_await ctx.db().query(sql::kSoftMany, std::move(params));
      std::set<std::string> updated;
      for (int i = 0; i < r.rows(); ++i) updated.emplace(r.get(i, 0));
      for (const auto& [id, path] : paths) {
        if (updated.count(id) != 0) {
          done.push_back(id);
        } else {
          fail(id, "The media changed meanwhile");
        }
      }
    }
  } else {
    std::vector<std::string> file_ids;
    std::map<std::string, std::string> id_of_file;
    for (const auto& id : ids) {
      auto it = rows.find(id);
      if (it == rows.end()) {
        fail(id, "Media not found");
        continue;
      }
      const Row& row = it->second;
      if (row.status == "deleted") {
        fail(id, "Media has already been deleted");
      } else if (in_use(row)) {
        fail(id, "Media is in use by " + row.usage_type);
      } else if (!plausible_file_id(row.file_id)) {
        fail(id, "Not an ImageKit file id: " + row.file_id);
      } else if (id_of_file.emplace(row.file_id, id).second) {
        file_ids.push_back(row.file_id);
      }
    }
    if (!file_ids.empty()) {
      auto removal = co_await remove_all(ik, file_ids);
      std::vector<std::string> gone;
      for (const auto& f : file_ids) {
        if (removal.gone.count(f) != 0) {
          gone.push_back(id_of_file[f]);
        } else {
          fail(id_of_file[f], removal.error.ok() ? std::string("ImageKit did not delete the file")
                                                 : std::string(imagekit_library_error(removal.error).what()));
        }
      }
      if (!gone.empty()) {
        const auto activity = admin::activity_param(ctx, {"media.hard_delete", "media", {{"batch", true}}});
        db::Params params{ids_json(gone), activity};
        auto r = co_await ctx.db().query(sql::kHardMany, std::move(params));
        std::set<std::string> updated;
        for (int i = 0; i < r.rows(); ++i) updated.emplace(r.get(i, 0));
        for (const auto& id : gone) {
          if (updated.count(id) != 0) {
            done.push_back(id);
          } else {
            fail(id, "The media changed meanwhile");
          }
        }
      }
    }
  }

  json::array success;
  for (const auto& id : done) success.emplace_back(id);
  const auto ok_count = success.size(), failed_count = failed.size();
  json::object out{{"success", true},
                   {"data", json::object{{"success", std::move(success)}, {"failed", std::move(failed)}}},
                   {"message", "Processed " + std::to_string(ids.size()) + " items. Success: " +
                                   std::to_string(ok_count) + ", Failed: " + std::to_string(failed_count)}};
  co_return Response::json(json::serialize(out));
}

Task<Response> clear_trash(Context& ctx) {
  require_admin(ctx);
  auto ik = imagekit_for(ctx);
  const auto activity = admin::activity_param(ctx, {"media.hard_delete", "media", {{"emptyTrash", true}}});
  long long deleted = 0, failed = 0;
  std::string after;
  bool more = false;
  std::optional<ImageKitError> stopped;
  for (int batch = 0;; ++batch) {
    if (batch == kMaxClearBatches) {
      more = true;
      break;
    }
    db::Params params{after, kClearBatch};
    auto r = co_await ctx.db().query(sql::kTrashBatch, std::move(params));
    if (r.empty()) break;
    std::vector<std::string> file_ids;
    std::map<std::string, std::string> id_of_file;
    for (int i = 0; i < r.rows(); ++i) {
      std::string id(r.get(i, 0)), file_id(r.get(i, 1));
      after = id;
      if (!plausible_file_id(file_id) || !id_of_file.emplace(file_id, id).second) {
        ++failed;
        continue;
      }
      file_ids.push_back(file_id);
    }
    auto removal = co_await remove_all(ik, file_ids);
    std::vector<std::string> gone;
    for (const auto& f : file_ids) {
      if (removal.gone.count(f) != 0) gone.push_back(id_of_file[f]);
    }
    if (!gone.empty()) {
      db::Params mark{ids_json(gone), activity};
      auto m = co_await ctx.db().query(sql::kHardMany, std::move(mark));
      deleted += m.rows();
    }
    failed += static_cast<long long>(file_ids.size() - gone.size());
    if (!removal.error.ok()) {
      stopped = removal.error;  // ImageKit is failing: do not go on asking it
      more = true;
      break;
    }
    if (r.rows() < kClearBatch) break;
  }
  if (stopped && deleted == 0) throw imagekit_library_error(*stopped);
  std::string message = deleted == 0 && failed == 0 && !more ? std::string("Trash is already empty")
                                                             : "Trash emptied. Deleted " + std::to_string(deleted) +
                                                                   " items. Failed: " + std::to_string(failed);
  if (more) message += ". Some items remain; clear the trash again.";
  json::object out{{"success", true},
                   {"message", message},
                   {"data", json::object{{"success", deleted}, {"failed", failed}, {"more", more}}}};
  co_return Response::json(json::serialize(out));
}

Task<Response> sync_media(Context& ctx) {
  require_admin(ctx);
  const auto& user = accounts::require_user(ctx);
  const auto& endpoint = ctx.config().imagekit_url_endpoint;
  std::optional<std::string> endpoint_p;
  if (!endpoint.empty()) endpoint_p = endpoint;
  const auto activity = admin::activity_param(ctx, {"media.sync", "media", {}});
  db::Params params{endpoint_p, user.id, activity};
  auto r = co_await ctx.db().query(sql::kSync, std::move(params));
  const auto created = r.get_int(0, 0), linked = r.get_int(0, 1);
  std::string message =
      created == 0 ? "All images are already synced" : "Synced " + std::to_string(created) + " images";
  json::object out{
      {"success", true}, {"message", message}, {"data", json::object{{"synced", created}, {"linked", linked}}}};
  co_return Response::json(json::serialize(out));
}

}  // namespace

void register_media_library_routes(web::Router& router) {
  // Literal segments win over :id (web/router.h), so /trash, /batch and
  // /sync are never taken for an id.
  router.add("GET", "/api/admin/media", list_media);
  router.add("GET", "/api/admin/media/trash", list_trash);
  router.add("POST", "/api/admin/media/sync", sync_media);
  router.add("DELETE", "/api/admin/media/batch", batch_delete);
  router.add("DELETE", "/api/admin/media/trash/clear", clear_trash);
  router.add("POST", "/api/admin/media/:id/restore", restore);
  router.add("DELETE", "/api/admin/media/:id/soft", soft_delete);
  router.add("DELETE", "/api/admin/media/:id/hard", hard_delete);
}

}  // namespace wh::media
