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
#pragma once
#include <boost/json/value.hpp>
#include <string>

#include "web/router.h"

namespace wh::content {

void register_admin_setting_routes(web::Router& router);

// The text a setting value is stored as (see above).
std::string stored_setting_text(const boost::json::value& value);

}  // namespace wh::content
