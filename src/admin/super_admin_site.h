// The super admin's site console, reference §1.26 (/api/super-admin, super
// admins only: 401 without a valid token, 403 for anyone else, including
// admins; every response private). The old response shapes:
//   POST   /login             {message: "Super Admin Access Granted"}: the
//                             role check is the whole login
//   GET    /stats             {stats: {users, orders, products, orderItems,
//                             addresses, settings, blockedIps, dbStatus
//                             connected | disconnected, node_env,
//                             memory_usage: {rss, heapTotal, heapUsed},
//                             uptime}}: the counts exact, in one statement
//                             (null, with dbStatus "disconnected", when the
//                             database fails; still 200); memory_usage in
//                             bytes of this process: rss its resident set
//                             (/proc/self/statm), heapTotal / heapUsed the
//                             malloc heap held / in use (mallinfo2), the
//                             names Node's process.memoryUsage() gave them;
//                             uptime as GET /api/admin/dashboard/system-health
//   GET    /health            {data}: GET /api/admin/dashboard/system-health's
//                             data (admin/admin_ops.h), what the old route
//                             answered too (analytics system health)
//   GET    /env               {env: {NODE_ENV, PORT, FRONTEND_URL}}: strings,
//                             from the configuration; never a secret
//   GET    /settings          {settings: [{id, key, value, description,
//                             updatedBy, updatedAt}]}: the raw rows, by key
//   POST   /settings          {key, value, description?}  {setting: row}:
//                             the admin settings write
//                             (content/admin_settings.h save_setting): same
//                             validation, activity row, maintenance start
//                             time; a given description replaces the stored
//                             one. Fix: it takes effect before the answer
//                             (maintenance flag, cached public settings;
//                             other instances and the edge through the
//                             settings triggers), where the old route left
//                             the settings stale for up to 10 minutes
//   GET    /ip/blocked        {ips: [{id, ip, reason, blockedBy,
//                             createdAt}]}, newest first
//   POST   /ip/block          {ip, reason?}  {data: row, message}
//   DELETE /ip/unblock/:ip    {message}; 404 when nothing matches (a CIDR's
//                             slash written %2F)
// Blocking: `ip` is one address (IPv4 or IPv6, any spelling) or a CIDR
// range, stored normalised (security/client_ip.h: "2001:DB8:0::66" as
// 2001:db8::66, IPv4-mapped as IPv4); anything else is 400, as is a range
// wider than /8 (IPv4) or /16 (IPv6), and an entry that covers the caller's
// own address (a super admin must not lock himself out). An address or
// range already blocked is 409. Unblocking matches the stored text or its
// normalised form. Fix: either takes effect before the answer on this
// instance (the block list is read again in the request) and within
// milliseconds on the others (migrations/0005's blocked_ips trigger: the
// change listener, server/state_sync, reloads it); the old one waited up to
// a minute. blocked_by is the super admin's id.
// Every write records its admin_activities row in its own statement or
// transaction (admin/activity_log.h: setting.update, ip.block, ip.unblock).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "web/router.h"

namespace wh::admin {

void register_super_admin_site_routes(web::Router& router);

// `text` as blocked_ips stores it: a normalised address, or a CIDR range
// with its address normalised and its prefix in that address's family
// ("::ffff:10.0.0.0/104" is "10.0.0.0/8"). Spaces around it are ignored.
// nullopt when it is neither.
std::optional<std::string> block_entry(std::string_view text);

}  // namespace wh::admin
