// wighaven: the WigHaven API server and its maintenance commands.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "core/config.h"
#include "db/migrations.h"
#include "db/seed.h"
#include "server/app.h"
#include "server/audit_command.h"
#include "server/db_transport.h"
#include "server/route_table.h"
#include "server/routes.h"
#include "web/router.h"

namespace {

constexpr const char* kUsage = R"(wighaven - WigHaven e-commerce API server

Usage:
  wighaven serve                 Serve the API on $PORT (default 7860)
  wighaven migrate               Apply pending database migrations
  wighaven seed [options]        Fill an empty database with the demo shop
      --products N    (default 1000)   --categories N (default 12)
      --customers N   (default 50)     --orders N     (default 400)
      --force         seed even if products already exist
  wighaven routes                Print the route table as JSON (for the edge Worker)
  wighaven audit --url URL [options]
                                 The audit report of a running server (docs/audit.md)
      --metrics-token T (default $METRICS_TOKEN)   --format md|json|html (default md)
      --set NAME=VALUE  a threshold, e.g. hitRateFloor=0.8 (repeatable)
      With DATABASE_URL: slow statements from pg_stat_statements.
      With CLOUDFLARE_ANALYTICS_TOKEN and CLOUDFLARE_ZONE_ID: the edge hit rate.
  wighaven --help                Show this help

Configuration comes from environment variables (see README.md):
  DATABASE_URL (required), PORT, DB_POOL_SIZE, JWT_SECRET, FRONTEND_URL, ...
)";

int parse_count(const char* flag, const char* value) {
  char* end = nullptr;
  long n = (value != nullptr && *value != '\0') ? std::strtol(value, &end, 10) : -1;
  if (n < 0 || *end != '\0' || n > 10'000'000) {
    std::fprintf(stderr, "wighaven: %s needs a number between 0 and 10000000\n", flag);
    std::exit(2);
  }
  return static_cast<int>(n);
}

std::string require_database_url(const wh::Config& config) {
  if (config.database_url.empty()) {
    std::fprintf(stderr, "wighaven: DATABASE_URL is not set\n");
    std::exit(2);
  }
  return config.database_url;
}

int run_migrate(const wh::Config& config) {
  // Migrations need a session (advisory lock, DDL): prefer the direct URL.
  std::string url = !config.direct_url.empty() ? config.direct_url : require_database_url(config);
  auto report = wh::db::migrate(url);
  for (const auto& n : report.adopted) {
    std::printf("migrate: adopted %s (existing WigHaven schema made by %s)\n", n.c_str(), report.adopted_from.c_str());
  }
  for (const auto& d : report.differences) std::printf("migrate: warning: %s\n", d.c_str());
  if (!report.differences.empty()) {
    std::printf("migrate: the adopted schema differs from 0001_base_schema in %zu place(s) listed above\n",
                report.differences.size());
  }
  for (const auto& n : report.applied) std::printf("migrate: applied %s\n", n.c_str());
  std::printf("migrate: %zu applied, %zu adopted, %d already up to date\n", report.applied.size(),
              report.adopted.size(), report.already);
  return 0;
}

int run_seed(const wh::Config& config, int argc, char** argv) {
  wh::db::SeedOptions o;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    const char* next = i + 1 < argc ? argv[i + 1] : nullptr;
    if (a == "--products")
      o.products = parse_count("--products", next), ++i;
    else if (a == "--categories")
      o.categories = parse_count("--categories", next), ++i;
    else if (a == "--customers")
      o.customers = parse_count("--customers", next), ++i;
    else if (a == "--orders")
      o.orders = parse_count("--orders", next), ++i;
    else if (a == "--force")
      o.force = true;
    else {
      std::fprintf(stderr, "wighaven seed: unknown option %s\n%s", a.c_str(), kUsage);
      return 2;
    }
  }
  if (o.categories < 1 && o.products > 0) {
    std::fprintf(stderr, "wighaven seed: products need at least one category\n");
    return 2;
  }
  auto s = wh::db::seed(require_database_url(config), o);
  if (s.skipped) {
    std::printf("seed: the database already has products; nothing done (use --force to add anyway)\n");
    return 0;
  }
  std::printf("seed: %d categories, %d products, %d variants, %d customers, %d orders, %d banners\n", s.categories,
              s.products, s.variants, s.customers, s.orders, s.banners);
  std::printf("seed: admin login %s / %s\n", wh::db::kDemoAdminEmail, wh::db::kDemoAdminPassword);
  if (o.customers > 0) {
    std::printf("seed: customer logins customer1@example.com ... / %s%s\n", wh::db::kDemoCustomerPassword,
                o.customers >= 10 ? " (unverified1@example.com ... have not verified their e-mail)" : "");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  try {
    if (std::strcmp(argv[1], "routes") == 0) {  // needs no configuration
      wh::web::Router router;
      wh::server::register_routes(router);
      std::fputs(wh::server::routes_json(router).c_str(), stdout);
      return 0;
    }
    wh::Config config = wh::Config::from_env();
    std::string cmd = argv[1];
    if (cmd == "serve") {
      auto problems = config.production_problems();
      for (const auto& p : problems) std::fprintf(stderr, "wighaven: refusing to serve in production: %s\n", p.c_str());
      if (!problems.empty()) return 1;
      return wh::server::serve(config);
    }
    if (cmd != "migrate" && cmd != "audit" && cmd != "seed") {
      std::fprintf(stderr, "wighaven: unknown command '%s'\n%s", cmd.c_str(), kUsage);
      return 2;
    }
    // The commands reach the database the way the server does (DATABASE_TRANSPORT).
    wh::server::DbTransport transport(config);
    config = transport.route(std::move(config));
    if (cmd == "migrate") return run_migrate(config);
    if (cmd == "audit") return wh::server::run_audit_command(config, std::vector<std::string>(argv + 2, argv + argc));
    return run_seed(config, argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wighaven: %s\n", e.what());
    return 1;
  }
}
