#include "content/admin_settings.h"

#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <vector>

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

// $1 new id, $2 key, $3 value, $4 admin, $5 description (NULL: keep). The
// row's id and the old SystemSetting object.
constexpr const char* kUpsertSql =
    "INSERT INTO system_settings AS s (id, key, value, description, updated_by, updated_at)"
    " VALUES ($1, $2, $3, $5, $4, now() AT TIME ZONE 'UTC')"
    " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value,"
    " description = COALESCE(EXCLUDED.description, s.description), updated_by = EXCLUDED.updated_by,"
    " updated_at = EXCLUDED.updated_at"
    " RETURNING s.id, json_build_object('id', s.id, 'key', s.key, 'value', s.value, 'description', s.description,"
    " 'updatedBy', s.updated_by, 'updatedAt', wh_iso(s.updated_at))::text";

constexpr std::size_t kKeyMax = 50;  // VARCHAR(50)
constexpr std::size_t kValueMax = 10000;
constexpr std::size_t kDescriptionMax = 255;  // VARCHAR(255)

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

struct Upserted {
  std::string id;
  std::string row;  // the old SystemSetting object
};

Task<Upserted> upsert(db::Tx& tx, const std::string& key, const std::string& value, const std::string& admin_id,
                      const std::optional<std::string>& description = std::nullopt) {
  db::Params params{new_cuid(), key, value, admin_id, description};
  auto r = co_await tx.query(kUpsertSql, std::move(params));
  co_return Upserted{std::string(r.get(0, 0)), std::string(r.get(0, 1))};
}

Task<http::Response> get_all(web::Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  auto r = co_await ctx.db().query(kAllSql);
  co_return web::ok_data(settings_json(r));
}

Task<http::Response> update(web::Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  SettingInput input = read_setting_input(accounts::json_body(ctx.req), false);
  co_await save_setting(ctx, input);
  json::object data;
  data[input.key] = input.value;
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

SettingInput read_setting_input(const json::object& body, bool with_description) {
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
  web::Patch<std::string> description;
  if (with_description) description = in.nullable_text("description", kDescriptionMax);
  in.finish();
  return SettingInput{std::move(*key), std::move(stored), std::move(description.value)};
}

Task<std::string> save_setting(web::Context& ctx, const SettingInput& input) {
  const auto& admin = accounts::require_role(ctx, {"admin", "super_admin"});
  bool maintenance = false;
  std::string row;
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    Upserted written = co_await upsert(tx, input.key, input.value, admin.id, input.description);
    row = std::move(written.row);
    // The old 'update_setting' row, {key, value} (a long value cut).
    json::object fields{{"key", input.key}, {"value", input.value}};
    if (input.description) fields["description"] = *input.description;
    json::object changes = admin::changed_fields(fields)["values"].as_object();
    admin::Activity activity{"setting.update", "system_setting", std::move(changes)};
    std::vector<std::string> ids{written.id};
    co_await admin::record_activity(tx, ctx, activity, ids);
    if (maintenance_key(input.key)) {
      if (input.value == "true") {
        std::string started_key = "maintenanceModeStartedAt";
        co_await upsert(tx, started_key, unix_seconds_now(), admin.id);
      }
      auto r = co_await tx.query(security::kMaintenanceFlagSql);
      maintenance = r.get_bool(0, 0);
    }
    // Turning maintenance on also sent FORCE_LOGOUT to non-admin WebSocket
    // clients: the change listener does it on every instance when it
    // reloads the flag (notifications/socket_hub.h).
  });
  // The listener would follow the settings trigger's NOTIFY within
  // milliseconds; this instance must not serve even those.
  if (maintenance_key(input.key)) ctx.get<security::SiteState>().set_maintenance(maintenance);
  ctx.get<cache::Registry>().invalidate({cache::tags::kSettings});
  co_return row;
}

void register_admin_setting_routes(web::Router& router) {
  for (const char* path : {"/api/admin/settings", "/api/settings"}) {
    router.add("GET", path, get_all);
    router.add("POST", path, update);
  }
}

}  // namespace wh::content
