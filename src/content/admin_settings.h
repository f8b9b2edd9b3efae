// Admin settings API (reference §1.14), admin or super-admin only, each at
// /api/admin/settings and /api/settings:
//   GET   every system setting as {key: parsed value} (see
//         setting_value_json), by key
//   POST  {key, value}: upsert; the value is stored as a string the way the
//         old backend's String(value) did (a string as is, true/false, a
//         number as JavaScript prints it), except that an object or array is
//         stored as its JSON text rather than "[object Object]". Answers
//         {key: stored string}.
// Turning maintenance mode on ('maintenanceMode' or 'maintenance_mode' set
// to 'true') also records maintenanceModeStartedAt (unix seconds) in the
// same transaction. The flag takes effect on this instance before the
// answer (other instances follow through the settings trigger's NOTIFY).
// Every write invalidates the cached public settings before it answers.
//
// The write itself (read_setting_input + save_setting) is shared with
// POST /api/super-admin/settings (admin/super_admin_site.h), so both paths
// validate, log and take effect the same way.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "core/task.h"
#include "web/context.h"
#include "web/router.h"

namespace wh::content {

void register_admin_setting_routes(web::Router& router);

// The text a setting value is stored as (see above).
std::string stored_setting_text(const boost::json::value& value);

// One setting write, validated.
struct SettingInput {
  std::string key;    // letters, digits, '_', '-', '.'; at most 50
  std::string value;  // as stored (stored_setting_text), at most 10,000 characters
  // A new description (at most 255); nullopt keeps the stored one (NULL for a
  // new key).
  std::optional<std::string> description;
};

// Reads {key, value} and, when `with_description`, an optional
// `description` (a string, or null / absent to keep it): 400 listing every
// bad field (Joi's messages).
SettingInput read_setting_input(const boost::json::object& body, bool with_description);

// The write of both POST routes, for a signed-in admin or super admin (401 /
// 403 otherwise): in one transaction the upsert (updated_by = the caller),
// its admin_activities row ('setting.update', {key, value[, description]})
// and, when a maintenance key turns on, maintenanceModeStartedAt. Before it
// returns, this instance's maintenance flag and every cached entry tagged
// 'settings' follow the write; the other instances follow through the
// system_settings triggers' NOTIFY (migrations/0005) and the edge through
// the purge the same triggers record (migrations/0009). Returns the stored
// row as the old SystemSetting object {id, key, value, description,
// updatedBy, updatedAt}, as JSON text.
Task<std::string> save_setting(web::Context& ctx, const SettingInput& input);

}  // namespace wh::content
