// GET /api/admin/audit (admins): the audit report (audit_report.h) of this
// instance, computed at the request from its own metrics (the text GET
// /metrics serves), its route table and, when the extension is installed,
// pg_stat_statements. The window is the instance's uptime (the counters
// start with the process).
//   ?format=json (default) | md | html
//   Thresholds may be overridden per request by their names
//   (audit_report.h threshold_names(): ?minLookups=, ?hitRateFloor=, ...).
// With CLOUDFLARE_ANALYTICS_TOKEN and CLOUDFLARE_ZONE_ID, the edge's hit
// rate comes from Cloudflare's analytics (edge_analytics.h); otherwise it
// is reported as unknown.
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
