// orphaned_media (old: cleanupOrphanedMediaJob, weekly on Sunday 04:00):
// moves media that nothing uses to the ImageKit trash folder (/trashed,
// media/media_paths.h) and marks the rows trashed, so an admin can still
// restore them from the media library's trash; nothing is deleted.
//
// A row is orphaned when it is active, its used_by is NULL, it is older
// than JOB_ORPHANED_MEDIA_DAYS (7) and no catalog image URL (products,
// variants, reviews, categories, banners; WH_MEDIA_CATALOG_REFS, query
// ignored) is its URL: used_by is only a hint, since the old services
// did not always set it. Batches of JOB_ORPHANED_MEDIA_BATCH (50) rows by
// id; each file is moved at ImageKit (one call each: ImageKit has no bulk
// move) with no pooled connection held, then one statement marks the
// moved rows trashed (trashed_by NULL: the old 'system' broke the
// foreign key to users), only while they are still orphaned. A file
// ImageKit cannot move is skipped this run (the note counts them); when
// ImageKit is unreachable the run stops, and fails if it moved nothing.
//
// ImageKit is reached like the routes do: the server's outbound client
// (services.get<http::OutboundClient>()) and IMAGEKIT_* settings; the job
// is only scheduled when IMAGEKIT_PRIVATE_KEY is set (jobs.cc).
#include <boost/json.hpp>
#include <stdexcept>
#include <string>

#include "http/client.h"
#include "jobs/batches.h"
#include "jobs/jobs.h"
#include "media/imagekit_client.h"
#include "media/media_paths.h"

namespace wh::jobs {

namespace {

// $1 batch, $2 days, $3 the last id of the previous batch ("" first).
constexpr const char* kPick =
    "SELECT m.id, m.\"filePath\" FROM media m WHERE m.status = 'active' AND m.used_by IS NULL"
    " AND m.created_at < " WH_SQL_NOW
    " - make_interval(days => $2::int) AND m.id > $3"
    " AND NOT EXISTS (SELECT 1 FROM " WH_MEDIA_CATALOG_REFS
    " r WHERE r.base = m.url)"
    " ORDER BY m.id LIMIT $1::int";

// $1 [{id, path}]: the moved rows still orphaned become trashed.
constexpr const char* kMark = "UPDATE media m SET status = 'trashed', trashed_at = " WH_SQL_NOW
                              ", trashed_by = NULL, \"filePath\" = v.path,"
                              " updated_at = " WH_SQL_NOW
                              " FROM jsonb_to_recordset($1::jsonb) AS v(id text, path text)"
                              " WHERE m.id = v.id AND m.status = 'active' AND m.used_by IS NULL";

Task<JobResult> run(JobContext& ctx) {
  const long long batch = ctx.knob("BATCH", 50);
  const long long days = ctx.knob("DAYS", 7);
  media::ImageKitClient ik(ctx.services.get<http::OutboundClient>(), ctx.config);
  JobResult out;
  if (!ik.configured()) {
    out.note = "ImageKit is not configured";
    co_return out;
  }
  const std::string trash(media::kTrashFolder);
  long long skipped = 0;
  std::string after;
  std::string stopped;  // why ImageKit stopped the run
  for (;;) {
    db::Params params{batch, days, after};
    auto r = co_await ctx.db.query(kPick, std::move(params));
    boost::json::array moved;
    for (int i = 0; i < r.rows() && stopped.empty(); ++i) {
      std::string id(r.get(i, 0)), path(r.get(i, 1));
      after = id;
      auto e = co_await ik.move(path, trash);
      if (e.ok()) {
        moved.push_back(boost::json::object{{"id", id}, {"path", media::path_in_folder(media::kTrashFolder, path)}});
      } else if (e.kind == media::ImageKitError::Kind::unavailable) {
        stopped = e.message;
      } else {
        ++skipped;  // no such file, or refused: left for an admin
      }
    }
    if (!moved.empty()) {
      db::Params mark{boost::json::serialize(moved)};
      auto m = co_await ctx.db.query(kMark, std::move(mark));
      out.rows += m.affected();
    }
    if (!stopped.empty() || r.rows() < batch || ctx.expired()) break;
  }
  if (!stopped.empty() && out.rows == 0) throw std::runtime_error("ImageKit is unavailable: " + stopped);
  if (skipped > 0) out.note = std::to_string(skipped) + " file(s) ImageKit could not move";
  if (!stopped.empty()) out.note += (out.note.empty() ? "" : "; ") + std::string("stopped: ImageKit unavailable");
  co_return out;
}

}  // namespace

JobSpec orphaned_media_job() {
  return make_job("orphaned_media", "Moves media unused for 7 days to the ImageKit trash folder",
                  std::chrono::hours(24 * 7), std::chrono::minutes(10), run);
}

}  // namespace wh::jobs
