// Public storefront content: active banners (reference §1.16) and the
// whitelisted public settings (§1.14).
#pragma once
#include "core/task.h"
#include "db/result.h"
#include "http/message.h"
#include "web/context.h"

namespace wh::content {

// GET /api/banners: active banners whose window contains now, by priority.
Task<http::Response> active_banners(web::Context& ctx);
// GET /api/settings/public and /api/admin/settings/public.
Task<http::Response> public_settings(web::Context& ctx);

// Settings are stored as strings: 'true'/'false' become booleans, text that
// looks like a JSON object or array is parsed, anything else stays a string.
// Returns the JSON text of the value.
std::string setting_value_json(std::string_view stored);
// Rows of (key, value) as the JSON object {key: setting_value_json(value)},
// in row order.
std::string settings_json(const db::Result& rows);

}  // namespace wh::content
