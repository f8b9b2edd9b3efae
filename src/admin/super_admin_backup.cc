#include "admin/super_admin_backup.h"

#include <boost/json.hpp>
#include <string>

#include "accounts/authenticate.h"
#include "core/json_text.h"

namespace wh::admin {
namespace json = boost::json;

namespace {

constexpr const char* kBackupFactsSql = R"(
SELECT current_setting('server_version'), current_setting('server_version_num')::int / 10000,
       (SELECT json_build_object('id', b.id, 'kind', b.kind, 'takenAt', wh_iso(b.taken_at), 'location', b.location,
                 'sizeBytes', b.size_bytes, 'note', b.note)
          FROM wh_backups b ORDER BY b.taken_at DESC, b.id DESC LIMIT 1)::text,
       (SELECT count(*) FROM wh_backups))";

Task<http::Response> backup(web::Context& ctx) {
  accounts::require_role(ctx, {"super_admin"});
  auto r = co_await ctx.db().query(kBackupFactsSql);
  const std::string server_version(r.get(0, 0));
  const long long major = r.get_int(0, 1);
  const auto last = r.get_opt(0, 2);
  const long long recorded = r.get_int(0, 3);

  const Config& config = ctx.config();
  const std::string connection = config.direct_url.empty() ? "DATABASE_URL (DIRECT_URL is not set)" : "DIRECT_URL";
  const std::string url_var = config.direct_url.empty() ? "$DATABASE_URL" : "$DIRECT_URL";
  json::object pitr{
      {"provider", "Neon"},
      {"window", config.backup_pitr_window.empty() ? json::value(nullptr) : json::value(config.backup_pitr_window)},
      {"how",
       "Neon console: the branch's Restore (in place, or to a new branch to inspect first), or `neon branches create "
       "--parent <timestamp>`; writes after the chosen instant are lost when restoring in place"}};
  if (config.backup_pitr_window.empty()) {
    pitr["note"] = "BACKUP_PITR_WINDOW is not set: see the project's restore window in the Neon console";
  }
  json::object dump{
      {"tool", "pg_dump"},
      {"serverVersion", server_version},
      {"majorVersion", major},
      {"connection", connection},
      {"command",
       "pg_dump \"" + url_var +
           "\" --format=custom --no-owner --no-privileges --file \"wighaven-$(date -u +%Y%m%dT%H%MZ).dump\""},
      {"restore",
       "pg_restore --no-owner --no-privileges --dbname \"$TARGET_URL\" wighaven-<stamp>.dump, into an empty database "
       "(a new Neon branch or a local one), then `wighaven migrate` against it"}};
  json::object data{{"takenByServer", false},
                    {"pointInTimeRestore", std::move(pitr)},
                    {"logicalDump", std::move(dump)},
                    {"lastRecorded", last ? json::parse(*last) : json::value(nullptr)},
                    {"recorded", recorded},
                    {"recordWith",
                     "INSERT INTO wh_backups (kind, location, size_bytes, note) VALUES ('pg_dump', '<where the copy "
                     "is kept>', <bytes>, '<who>')"},
                    {"runbook", "docs/backup.md"}};
  json::object body{{"success", true},
                    {"message",
                     "This server takes no backups itself: the database is covered by Neon's point-in-time restore "
                     "and by pg_dump copies the operator takes and records (docs/backup.md)"},
                    {"location", "Neon point-in-time restore; operator pg_dump copies"},
                    {"data", std::move(data)}};
  co_return http::Response::json(json::serialize(body));
}

}  // namespace

void register_super_admin_backup_route(web::Router& router) { router.add("GET", "/api/super-admin/backup", backup); }

}  // namespace wh::admin
