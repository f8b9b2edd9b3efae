#include "admin/super_admin_site.h"

#include <malloc.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <unordered_set>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "admin/admin_ops.h"
#include "content/admin_settings.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/json_text.h"
#include "core/log.h"
#include "db/result.h"
#include "db/sql_now.h"
#include "security/client_ip.h"
#include "security/site_state.h"
#include "web/body_fields.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::admin {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

// Every count exact, in one statement.
constexpr const char* kCountsSql =
    "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM orders), (SELECT count(*) FROM products),"
    " (SELECT count(*) FROM order_items), (SELECT count(*) FROM addresses), (SELECT count(*) FROM system_settings),"
    " (SELECT count(*) FROM blocked_ips)";
constexpr const char* kCountNames[] = {"users",     "orders",   "products",  "orderItems",
                                       "addresses", "settings", "blockedIps"};

constexpr const char* kSettingsSql =
    "SELECT COALESCE(json_agg(json_build_object('id', s.id, 'key', s.key, 'value', s.value,"
    " 'description', s.description, 'updatedBy', s.updated_by, 'updatedAt', wh_iso(s.updated_at))"
    " ORDER BY s.key), '[]'::json)::text FROM system_settings s";

#define WH_BLOCKED_IP_JSON                                                                   \
  "json_build_object('id', b.id, 'ip', b.ip, 'reason', b.reason, 'blockedBy', b.blocked_by," \
  " 'createdAt', wh_iso(b.created_at))"

constexpr const char* kBlockedSql = "SELECT COALESCE(json_agg(" WH_BLOCKED_IP_JSON
                                    " ORDER BY b.created_at DESC, b.id DESC), '[]'::json)::text"
                                    " FROM blocked_ips b";

// $1 id, $2 entry, $3 reason, $4 super admin, $5 activity. The row.
constexpr const char* kBlockSql =
    "WITH b AS (INSERT INTO blocked_ips (id, ip, reason, blocked_by, created_at)"
    " VALUES ($1, $2, $3, $4, " WH_SQL_NOW
    ") RETURNING id, ip, reason, blocked_by, created_at),"
    " " WH_ADMIN_ACTIVITY("b", "$5") " SELECT " WH_BLOCKED_IP_JSON "::text FROM b";

// $1 as given, $2 normalised, $3 activity. How many rows went.
constexpr const char* kUnblockSql =
    "WITH d AS (DELETE FROM blocked_ips WHERE ip IN ($1, $2) RETURNING id),"
    " " WH_ADMIN_ACTIVITY("d", "$3") " SELECT count(*) FROM d";

// What the change listener reads (server/state_sync.cc).
constexpr const char* kBlockListSql = "SELECT ip FROM blocked_ips";

#undef WH_BLOCKED_IP_JSON

constexpr std::size_t kIpMax = 45;  // VARCHAR(45)
constexpr std::size_t kReasonMax = 255;
// Narrower ranges only: a slip of the prefix must not shut out a continent.
constexpr int kMinIpv4Prefix = 8;
constexpr int kMinIpv6Prefix = 16;

const accounts::Principal& require_super_admin(const Context& ctx) {
  return accounts::require_role(ctx, {"super_admin"});
}

double uptime_seconds(const Context& ctx) {
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.services.started).count();
  return std::round(s * 1000.0) / 1000.0;
}

// Resident set size of this process in bytes (/proc/self/statm, second
// field, in pages); nullopt where that file is missing.
std::optional<long long> resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long long size = 0, resident = 0;
  if (!(statm >> size >> resident)) return std::nullopt;
  return resident * sysconf(_SC_PAGESIZE);
}

json::object memory_usage() {
  json::object m;
  auto rss = resident_bytes();
  m["rss"] = rss ? json::value(*rss) : json::value(nullptr);
  struct mallinfo2 heap = mallinfo2();
  m["heapTotal"] = static_cast<std::uint64_t>(heap.arena + heap.hblkhd);
  m["heapUsed"] = static_cast<std::uint64_t>(heap.uordblks + heap.hblkhd);
  return m;
}

Task<Response> login(Context& ctx) {
  require_super_admin(ctx);
  co_return Response::json(R"({"success":true,"message":"Super Admin Access Granted"})");
}

Task<Response> stats(Context& ctx) {
  require_super_admin(ctx);
  json::object out;
  bool connected = false;
  try {
    auto r = co_await ctx.db().query(kCountsSql);
    for (int i = 0; i < static_cast<int>(std::size(kCountNames)); ++i) out[kCountNames[i]] = r.get_int(0, i);
    connected = true;
  } catch (const db::DbError& e) {
    log::warn("super-admin stats: database check failed", {{"error", e.what()}});
  } catch (const ApiError& e) {
    log::warn("super-admin stats: database check failed", {{"error", e.what()}});
  }
  if (!connected) {
    for (const char* name : kCountNames) out[name] = nullptr;
  }
  out["dbStatus"] = connected ? "connected" : "disconnected";
  out["node_env"] = ctx.config().node_env;
  out["memory_usage"] = memory_usage();
  std::string text = json::serialize(out);
  // The uptime as the other health routes print it (json_number, not Boost's "1.5E0").
  text.insert(text.size() - 1, ",\"uptime\":" + json_number(uptime_seconds(ctx)));
  co_return Response::json(R"({"success":true,"stats":)" + text + "}");
}

Task<Response> health(Context& ctx) {
  require_super_admin(ctx);
  std::string data = co_await system_health_data(ctx);
  co_return web::ok_data(data);
}

Task<Response> env(Context& ctx) {
  require_super_admin(ctx);
  const Config& c = ctx.config();
  json::object vars{{"NODE_ENV", c.node_env}, {"PORT", std::to_string(c.port)}, {"FRONTEND_URL", c.frontend_url}};
  co_return Response::json(json::serialize(json::object{{"success", true}, {"env", std::move(vars)}}));
}

Task<Response> get_settings(Context& ctx) {
  require_super_admin(ctx);
  auto r = co_await ctx.db().query(kSettingsSql);
  co_return Response::json(R"({"success":true,"settings":)" + compact_json(r.get(0, 0)) + "}");
}

Task<Response> update_setting(Context& ctx) {
  require_super_admin(ctx);
  content::SettingInput input = content::read_setting_input(accounts::json_body(ctx.req), true);
  std::string row = co_await content::save_setting(ctx, input);
  co_return Response::json(R"({"success":true,"setting":)" + compact_json(row) + "}");
}

Task<Response> blocked_ips(Context& ctx) {
  require_super_admin(ctx);
  auto r = co_await ctx.db().query(kBlockedSql);
  co_return Response::json(R"({"success":true,"ips":)" + compact_json(r.get(0, 0)) + "}");
}

// This instance's block list, read again after a write: the change
// listener's reload (on the trigger's NOTIFY) follows within milliseconds,
// but the answer must not come before the block holds here. A failed read
// leaves that to the listener rather than failing a committed write.
Task<void> reload_block_list(Context& ctx) {
  try {
    auto r = co_await ctx.db().query(kBlockListSql);
    std::unordered_set<std::string> entries;
    // BlockList normalises single addresses and parses ranges itself.
    for (int i = 0; i < r.rows(); ++i) entries.emplace(r.get(i, 0));
    ctx.get<security::SiteState>().set_blocked(entries);
  } catch (const db::DbError& e) {
    log::warn("super-admin: block list reload failed", {{"error", e.what()}});
  } catch (const ApiError& e) {
    log::warn("super-admin: block list reload failed", {{"error", e.what()}});
  }
}

// The prefix length of a block_entry() range, -1 for a single address.
int prefix_of(std::string_view entry) {
  auto slash = entry.find('/');
  if (slash == std::string_view::npos) return -1;
  int bits = -1;
  std::from_chars(entry.data() + slash + 1, entry.data() + entry.size(), bits);
  return bits;
}

Task<Response> block_ip(Context& ctx) {
  const auto& admin = require_super_admin(ctx);
  auto body = accounts::json_body(ctx.req);
  web::BodyFields in(body);
  auto ip = in.text("ip", 100, true);
  auto reason = in.nullable_text("reason", kReasonMax);
  std::optional<std::string> entry;
  if (ip) {
    entry = block_entry(*ip);
    if (!entry) in.add("ip", "\"ip\" must be an IPv4 or IPv6 address or CIDR range");
  }
  if (entry) {
    int bits = prefix_of(*entry);
    bool v6 = entry->find(':') != std::string::npos;
    if (bits >= 0 && bits < (v6 ? kMinIpv6Prefix : kMinIpv4Prefix)) {
      in.add("ip", "\"ip\" range must be at least /" + std::to_string(v6 ? kMinIpv6Prefix : kMinIpv4Prefix));
      entry.reset();
    }
  }
  in.finish();
  std::unordered_set<std::string> self_test{*entry};
  if (security::BlockList(self_test).contains(ctx.req.client_ip)) {
    throw ApiError::bad_request("You cannot block your own IP address");
  }
  json::object changes{{"ip", *entry}};
  if (reason.value) changes["reason"] = *reason.value;
  Activity activity{"ip.block", "blocked_ip", std::move(changes)};
  db::Params params{new_cuid(), *entry, reason.value, admin.id, activity_param(ctx, activity)};
  std::string row;
  try {
    auto r = co_await ctx.db().query(kBlockSql, std::move(params));
    row = std::string(r.get(0, 0));
  } catch (const db::DbError& e) {
    if (e.unique_violation()) throw ApiError(409, "ConflictError", "IP already blocked");
    throw;
  }
  co_await reload_block_list(ctx);
  co_return web::ok_data_message(row, "IP " + *entry + " blocked");
}

Task<Response> unblock_ip(Context& ctx) {
  require_super_admin(ctx);
  std::string given(ctx.param("ip"));
  if (given.empty() || given.size() > kIpMax || !web::valid_utf8(given)) {
    web::throw_not_found("IP is not blocked");
  }
  std::string normalised = block_entry(given).value_or(given);
  Activity activity{"ip.unblock", "blocked_ip", json::object{{"ip", normalised}}};
  db::Params params{given, normalised, activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(kUnblockSql, std::move(params));
  if (r.get_int(0, 0) == 0) web::throw_not_found("IP is not blocked");
  co_await reload_block_list(ctx);
  co_return Response::json(json::serialize(json::object{{"success", true}, {"message", "IP " + given + " unblocked"}}));
}

}  // namespace

std::optional<std::string> block_entry(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty() || text.size() > kIpMax) return std::nullopt;
  for (char c : text) {
    bool ok =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':' || c == '/';
    if (!ok) return std::nullopt;  // also keeps IpRanges::parse to one entry
  }
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return security::normalize_ip(text);
  std::string_view address = text.substr(0, slash);
  auto normal = security::normalize_ip(address);
  if (!normal || text.find('/', slash + 1) != std::string_view::npos) return std::nullopt;
  try {
    security::IpRanges::parse(text);  // the prefix fits the family as written
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
  int bits = prefix_of(text);
  // Written as IPv4-mapped IPv6, normalised to IPv4: the prefix counts 96 bits fewer.
  if (address.find(':') != std::string_view::npos && normal->find(':') == std::string::npos) bits -= 96;
  return *normal + "/" + std::to_string(bits);
}

void register_super_admin_site_routes(web::Router& router) {
  router.add("POST", "/api/super-admin/login", login);
  router.add("GET", "/api/super-admin/stats", stats);
  router.add("GET", "/api/super-admin/health", health);
  router.add("GET", "/api/super-admin/env", env);
  router.add("GET", "/api/super-admin/settings", get_settings);
  router.add("POST", "/api/super-admin/settings", update_setting);
  router.add("GET", "/api/super-admin/ip/blocked", blocked_ips);
  router.add("POST", "/api/super-admin/ip/block", block_ip);
  router.add("DELETE", "/api/super-admin/ip/unblock/:ip", unblock_ip);
}

}  // namespace wh::admin
