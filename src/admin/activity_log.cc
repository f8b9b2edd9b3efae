#include "admin/activity_log.h"

#include <algorithm>
#include <boost/json.hpp>

#include "accounts/authenticate.h"

namespace wh::admin {
namespace json = boost::json;

namespace {
// VARCHAR(45) ip_address: the longest IPv6 text (IPv4-mapped) fits.
constexpr std::size_t kIpMax = 45;
// Bounds of changed_fields(): bodies are capped, but a log row stays small.
constexpr std::size_t kMaxFields = 30;
constexpr std::size_t kFieldNameMax = 50;
}  // namespace

const char* const kRecordActivitySql = WH_ADMIN_ACTIVITY_INSERT("jsonb_array_elements_text($2::jsonb)", "$1");

std::string activity_param(const web::Context& ctx, const Activity& a) {
  const auto& admin = accounts::require_user(ctx);
  json::object v{{"adminId", admin.id},
                 {"action", a.action},
                 {"entityType", a.entity_type},
                 {"changes", a.changes},
                 {"ip", ctx.req.client_ip.substr(0, kIpMax)}};
  return json::serialize(v);
}

db::Statement activity_statement(const web::Context& ctx, const Activity& a,
                                 const std::vector<std::string>& entity_ids) {
  json::array ids;
  for (const auto& id : entity_ids) ids.emplace_back(id);
  return db::Statement{kRecordActivitySql, db::Params{activity_param(ctx, a), json::serialize(ids)}};
}

Task<void> record_activity(db::Tx& tx, const web::Context& ctx, const Activity& a,
                           const std::vector<std::string>& entity_ids) {
  if (entity_ids.empty()) co_return;
  db::Statement s = activity_statement(ctx, a, entity_ids);
  co_await tx.query(s.sql, std::move(s.params));
}

json::object changed_fields(const json::object& body) {
  std::vector<std::string> keys;
  for (const auto& kv : body) {
    // Keys no validator reads may be anything: a long one is left out (not
    // cut inside a character), and one with NUL, which jsonb refuses.
    if (kv.key().size() <= kFieldNameMax && kv.key().find('\0') == std::string_view::npos) {
      keys.emplace_back(kv.key());
    }
  }
  std::sort(keys.begin(), keys.end());
  if (keys.size() > kMaxFields) keys.resize(kMaxFields);
  json::array fields;
  json::object values;
  for (const auto& k : keys) {
    fields.emplace_back(k);
    const json::value* v = body.if_contains(k);
    if (v == nullptr || v->is_array() || v->is_object()) continue;
    if (v->is_string() && v->as_string().find('\0') != json::string::npos) continue;
    if (v->is_string() && v->as_string().size() > kMaxLoggedText) {
      // Cut on a character boundary: the column is jsonb, valid UTF-8 only.
      std::string_view text = v->as_string();
      std::size_t end = kMaxLoggedText;
      while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
      values[k] = text.substr(0, end);
    } else {
      values[k] = *v;
    }
  }
  return json::object{{"fields", std::move(fields)}, {"values", std::move(values)}};
}

}  // namespace wh::admin
