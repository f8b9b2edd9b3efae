#include "content/admin_settings.h"

#include <boost/json.hpp>
#include <chrono>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "cache/registry.h"
#include "cache/tags.h"
#include "content/public_content.h"
#include "core/ids.h"
#include "core/json_text.h"
#include "security/site_state.h"
#include "web/body_fields.h"
#include "web/respond.h"

namespace wh::content {
namespace json = boost::json;

namespace {

constexpr const char* kAllSql = "SELECT key, value FROM system_settings ORDER BY key";

constexpr const char* kUpsertSql =
    "INSERT INTO system_settings AS s (id, key, value, updated_by, updated_at)"
    " VALUES ($1, $2, $3, $4, now() AT TIME ZONE 'UTC')"
    " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by,"
    " updated_at = EXCLUDED.updated_at RETURNING id";

constexpr std::size_t kKeyMax = 50;  // VARCHAR(50)
constexpr std::size_t kValueMax = 10000;

bool maintenance_key(std::string_view key) { return key == "maintenanceMode" || key == "maintenance_mode"; }

bool valid_key(std::string_view key) {
  for (char c : key) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string unix_seconds_now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

// Returns the setting's id.
Task<std::string> upsert(db::Tx& tx, const std::string& key, const std::string& value, const std::string& admin_id) {
  db::Params params{new_cuid(), key, value, admin_id};
  auto r = co_await tx.query(kUpsertSql, std::move(params));
  co_return std::string(r.get(0, 0));
}

Task<http::Response> get_all(web::Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  auto r = co_await ctx.db().query(kAllSql);
  co_return web::ok_data(settings_json(r));
}

Task<http::Response> update(web::Context& ctx) {
  const auto& admin = accounts::require_role(ctx, {"admin", "super_admin"});
  auto body = accounts::json_body(ctx.req);
  web::BodyFields in(body);
  auto key = in.text("key", kKeyMax, true);
  if (key && !valid_key(*key)) {
    in.add("key", "\"key\" must contain only letters, digits, '_', '-' and '.'");
    key.reset();
  }
  const json::value* value = in.any("value", true);
  std::string stored;
  if (value != nullptr) {
    stored = stored_setting_text(*value);
    if (stored.find('\0') != std::string::npos) in.add("value", "\"value\" must not contain a NUL character");
    if (web::char_count(stored) > kValueMax) {
      in.add("value",
             "\"value\" length must be less than or equal to " + std::to_string(kValueMax) + " characters long");
    }
  }
  in.finish();

  bool maintenance = false;
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    std::string id = co_await upsert(tx, *key, stored, admin.id);
    // The old 'update_setting' row, {key, value} (a long value cut).
    json::object changes = admin::changed_fields(json::object{{"key", *key}, {"value", stored}})["values"].as_object();
    admin::Activity activity{"setting.update", "system_setting", std::move(changes)};
    std::vector<std::string> ids{id};
    co_await admin::record_activity(tx, ctx, activity, ids);
    if (maintenance_key(*key)) {
      if (stored == "true") {
        std::string started_key = "maintenanceModeStartedAt";
        co_await upsert(tx, started_key, unix_seconds_now(), admin.id);
      }
      auto r = co_await tx.query(security::kMaintenanceFlagSql);
      maintenance = r.get_bool(0, 0);
    }
    // Turning maintenance on also sent FORCE_LOGOUT to non-admin WebSocket
    // clients (the notifications issue).
  });
  // The listener would follow the settings trigger's NOTIFY within
  // milliseconds; this instance must not serve even those.
  if (maintenance_key(*key)) ctx.get<security::SiteState>().set_maintenance(maintenance);
  ctx.get<cache::Registry>().invalidate({cache::tags::kSettings});
  json::object data;
  data[*key] = stored;
  co_return web::ok_data_message(json::serialize(data), "Setting updated successfully");
}

}  // namespace

std::string stored_setting_text(const json::value& value) {
  switch (value.kind()) {
    case json::kind::string:
      return std::string(value.get_string());
    case json::kind::bool_:
      return value.get_bool() ? "true" : "false";
    case json::kind::int64:
      return std::to_string(value.get_int64());
    case json::kind::uint64:
      return std::to_string(value.get_uint64());
    case json::kind::double_:
      return json_number(value.get_double());
    default:  // object, array (null is refused before)
      return json::serialize(value);
  }
}

void register_admin_setting_routes(web::Router& router) {
  for (const char* path : {"/api/admin/settings", "/api/settings"}) {
    router.add("GET", path, get_all);
    router.add("POST", path, update);
  }
}

}  // namespace wh::content
