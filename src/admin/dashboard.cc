#include "admin/dashboard.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "accounts/authenticate.h"
#include "admin/dashboard_sql.h"
#include "cache/instances.h"
#include "cache/tags.h"
#include "core/json_text.h"
#include "db/query_stats_add.h"
#include "web/query_params.h"

namespace wh::admin {
using http::Response;
using web::Context;

namespace {

namespace tag = cache::tags;

// What one route computes and what its answer depends on.
struct Aggregate {
  std::string_view name;  // the cache key's prefix
  const char* sql;        // admin/dashboard_sql.h
  std::vector<std::string_view> tags;
  bool dated = false;      // depends on the shop's date: keyed by the quarter hour too
  bool paginated = false;  // the second column is `pagination`
};

const Aggregate kSummary{"summary", sql::kSummary, {tag::kOrders, tag::kCustomers}, true};
const Aggregate kSalesTrends{"sales-trends", sql::kSalesTrends, {tag::kOrders}, true};
const Aggregate kTopProducts{
    "top-products", sql::kTopProducts, {tag::kOrders, tag::kProducts, tag::kCategories, tag::kCatalog}, true};
const Aggregate kRecentOrders{"recent-orders", sql::kRecentOrders, {tag::kOrders, tag::kCustomers}, false, true};
const Aggregate kOrderStatus{"order-status", sql::kOrderStatus, {tag::kOrders}};
const Aggregate kInventory{"inventory", sql::kInventory, {tag::kStock}};
const Aggregate kLowStock{"low-stock", sql::kLowStock, {tag::kStock, tag::kProducts, tag::kCatalog}};
const Aggregate kRevenueByCategory{"revenue-by-category",
                                   sql::kRevenueByCategory,
                                   {tag::kOrders, tag::kProducts, tag::kCategories, tag::kCatalog},
                                   true};
const Aggregate kCustomers{"customers", sql::kCustomers, {tag::kOrders, tag::kCustomers}, true};
const Aggregate kSidebar{
    "sidebar",
    sql::kSidebar,
    {tag::kProducts, tag::kCatalog, tag::kOrders, tag::kCustomers, tag::kReviewsModeration, tag::kStock}};
const Aggregate kPaymentMethods{"payment-methods", sql::kPaymentMethods, {tag::kOrders}};
const Aggregate kSnapshot{"snapshot",
                          sql::kSnapshot,
                          {tag::kOrders, tag::kCustomers, tag::kStock, tag::kProducts, tag::kCategories, tag::kCatalog},
                          true};
const Aggregate kAnalyticsSnapshot{"analytics-snapshot",
                                   sql::kAnalyticsSnapshot,
                                   {tag::kOrders, tag::kCustomers, tag::kProducts, tag::kCategories, tag::kCatalog},
                                   true};

// The parameters of a statement (admin/dashboard_sql.h).
struct Window {
  int days = 30;
  int top = 10;
  int page_size = 20;
  int page = 1;
};

constexpr int kSnapshotDays = 30;
constexpr int kSnapshotTopProducts = 5;
constexpr int kSnapshotRecentOrders = 10;
constexpr int kAnalyticsTopProducts = 10;
constexpr std::chrono::seconds kDateGranularity{900};

// The one place that reads the shop's time zone (SHOP_TIME_ZONE).
std::string shop_time_zone(const Context& ctx) { return ctx.config().shop_time_zone; }

void require_admin(const Context& ctx) { accounts::require_role(ctx, {"admin", "super_admin"}); }

// ?range: 7, 30 or 90; absent, empty or 0 -> `fallback`.
int range_days(const http::Request& req, int fallback) {
  std::string_view value;
  int given = 0;
  for (const auto& [k, v] : req.query) {
    if (k == "range") {
      ++given;
      value = v;
    }
  }
  if (given > 1) {
    throw ApiError(400, "ValidationError", "Validation failed").with_field("range", "\"range\" must be given once");
  }
  if (value.empty() || value == "0") return fallback;
  if (value == "7") return 7;
  if (value == "30") return 30;
  if (value == "90") return 90;
  throw ApiError(400, "ValidationError", "Invalid range. Use 7, 30, or 90.")
      .with_field("range", "\"range\" must be 7, 30 or 90");
}

http::Bytes cache_status(const cache::Lookup& l) {
  if (!l.hit && l.freshness == cache::Freshness::kFresh) return http::Bytes::literal("MISS");
  switch (l.freshness) {
    case cache::Freshness::kStale:
      return http::Bytes::literal("STALE");
    case cache::Freshness::kStaleIfError:
      return http::Bytes::literal("STALE-IF-ERROR");
    default:
      return http::Bytes::literal("HIT");
  }
}

std::string cache_key(const Aggregate& a, const Window& w) {
  std::string key = std::string(a.name) + "|" + std::to_string(w.days) + "|" + std::to_string(w.top) + "|" +
                    std::to_string(w.page_size) + "|" + std::to_string(w.page);
  if (a.dated) {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    key += "|" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now) / kDateGranularity);
  }
  return key;
}

// The answer of `a` for `w`, from the `analytics` cache instance or one
// statement. The loader may outlive this request (a background refresh): it
// captures only process services and values.
Task<Response> answer(Context& ctx, const Aggregate& a, Window w) {
  auto* cache = ctx.get<cache::Registry>().find(cache::instance::kAnalytics);
  if (cache == nullptr) throw std::logic_error("cache instance analytics is not registered");
  auto load_stats = std::make_shared<db::QueryStats>();
  cache::Loader loader = [&services = ctx.services, agg = &a, w, tz = shop_time_zone(ctx),
                          load_stats]() -> Task<cache::Entry> {
    db::Params params{tz, w.days, w.top, w.page_size, static_cast<long long>(w.page - 1) * w.page_size};
    auto r = co_await db::Db(*services.pool, load_stats.get()).query(agg->sql, std::move(params));
    cache::Entry e;
    e.body = R"({"success":true,"data":)" + compact_json(r.get(0, 0));
    if (agg->paginated) e.body += ",\"pagination\":" + compact_json(r.get(0, 1));
    e.body += "}";
    e.tags.assign(agg->tags.begin(), agg->tags.end());
    co_return e;
  };
  auto lookup = co_await cache->get(cache_key(a, w), std::move(loader));
  if (!lookup.hit) db::add_stats(ctx.stats, *load_stats);
  auto res = Response::json(http::Bytes::shared(lookup.entry, lookup.entry->body));
  res.set_header("X-Cache", cache_status(lookup));
  co_return res;
}

// A route whose answer takes no parameter.
web::Handler fixed(const Aggregate& a) {
  return [&a](Context& ctx) -> Task<Response> {
    require_admin(ctx);
    Window w;
    co_return co_await answer(ctx, a, w);
  };
}

// A route whose only parameter is ?range (`default_days` when absent).
web::Handler ranged(const Aggregate& a, int default_days) {
  return [&a, default_days](Context& ctx) -> Task<Response> {
    require_admin(ctx);
    Window w;
    w.days = range_days(ctx.req, default_days);
    co_return co_await answer(ctx, a, w);
  };
}

Task<Response> top_products(Context& ctx) {
  require_admin(ctx);
  Window w;
  w.days = range_days(ctx.req, 30);
  web::QueryReader q(ctx.req);
  w.top = q.integer("limit", 10, kMaxTopProducts);
  q.finish();
  co_return co_await answer(ctx, kTopProducts, w);
}

Task<Response> recent_orders(Context& ctx) {
  require_admin(ctx);
  Window w;
  web::QueryReader q(ctx.req);
  w.page = q.integer("page", 1, web::kMaxPage);
  w.page_size = q.integer("limit", web::kDefaultPageSize, kMaxRecentOrders);
  q.finish();
  co_return co_await answer(ctx, kRecentOrders, w);
}

Task<Response> snapshot(Context& ctx) {
  require_admin(ctx);
  Window w;
  w.days = kSnapshotDays;
  w.top = kSnapshotTopProducts;
  w.page_size = kSnapshotRecentOrders;
  co_return co_await answer(ctx, kSnapshot, w);
}

Task<Response> analytics_snapshot(Context& ctx) {
  require_admin(ctx);
  Window w;
  w.days = range_days(ctx.req, 30);
  w.top = kAnalyticsTopProducts;
  co_return co_await answer(ctx, kAnalyticsSnapshot, w);
}

}  // namespace

void register_dashboard_routes(web::Router& router) {
  router.add("GET", "/api/admin/dashboard/summary", fixed(kSummary));
  router.add("GET", "/api/admin/dashboard/sales-trends", ranged(kSalesTrends, 7));
  router.add("GET", "/api/admin/dashboard/top-products", top_products);
  router.add("GET", "/api/admin/dashboard/recent-orders", recent_orders);
  router.add("GET", "/api/admin/dashboard/order-status-breakdown", fixed(kOrderStatus));
  router.add("GET", "/api/admin/dashboard/inventory-status", fixed(kInventory));
  router.add("GET", "/api/admin/dashboard/low-stock-alerts", fixed(kLowStock));
  router.add("GET", "/api/admin/dashboard/revenue-by-category", ranged(kRevenueByCategory, 30));
  router.add("GET", "/api/admin/dashboard/customer-analytics", ranged(kCustomers, 30));
  router.add("GET", "/api/admin/dashboard/sidebar-stats", fixed(kSidebar));
  router.add("GET", "/api/admin/dashboard/payment-methods", fixed(kPaymentMethods));
  router.add("GET", "/api/admin/dashboard/snapshot", snapshot);
  router.add("GET", "/api/admin/dashboard/analytics-snapshot", analytics_snapshot);
}

}  // namespace wh::admin
