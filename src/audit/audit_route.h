// GET /api/admin/audit (admins): the audit report (audit_report.h) of this
// instance, computed at the request from its own metrics (the text GET
// /metrics serves), its route table and, when the extension is installed,
// pg_stat_statements. The window is the instance's uptime (the counters
// start with the process).
//   ?format=json (default) | md | html
//   Thresholds may be overridden per request: ?minLookups, keepDbMsPerSecond,
//   expensiveLoadMs, cheapLoadMs, churnRatio, hitRateFloor, slowStatementMs.
// The edge's hit rate is reported as unknown (Cloudflare analytics are not
// read yet).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "audit/audit_facts.h"
#include "web/router.h"

namespace wh::audit {

// `route_table`: the route table as `wighaven routes` prints it (JSON),
// asked for at each request (the router is complete by then).
void register_audit_route(web::Router& router, std::function<std::string()> route_table);

// The routes of that JSON.
std::vector<RouteInfo> routes_from_json(const std::string& json_text);

}  // namespace wh::audit
