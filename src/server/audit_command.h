// `wighaven audit`: the audit report (audit/audit_report.h) of a running
// server, computed from outside it:
//   - GET <url>/metrics with `Authorization: Bearer <metrics token>`
//     (--metrics-token, else METRICS_TOKEN); the window is the server's
//     wh_uptime_seconds;
//   - this binary's route table (the same build as the server's);
//   - pg_stat_statements through DATABASE_URL, when it is set;
//   - Cloudflare analytics when CLOUDFLARE_ANALYTICS_TOKEN and
//     CLOUDFLARE_ZONE_ID are set (CLOUDFLARE_API_BASE_URL for the base).
// Options: --url URL (required), --metrics-token T, --format md|json|html
// (default md), --set NAME=VALUE (a threshold, as the route's query names
// them; repeatable). Prints the report on stdout. Exit 0; 1 when the
// server cannot be read; 2 for a usage error.
#pragma once
#include <string>
#include <vector>

#include "core/config.h"

namespace wh::server {

int run_audit_command(const Config& config, const std::vector<std::string>& args);

}  // namespace wh::server
