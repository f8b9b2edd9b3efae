// The admin dashboard's aggregate routes (src/admin/dashboard.h) through the
// real server and database: admins only, the old shapes, every key figure
// equal to the pesewa to a direct SQL computation (in the shop's time zone,
// Africa/Accra), gap-filled days, the bundles in one statement, answers
// served from the `analytics` cache (no statement) and invalidated by
// changes made with plain SQL (as the old backend or psql would make them)
// through the triggers of migration 0019, which also send DATA_UPDATE to
// admin sockets and never queue a Cloudflare purge.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commerce/commerce_fixture.h"
#include "jobs/jobs.h"
#include "jobs/scheduler_instance.h"
#include "support/notification_socket.h"

namespace wh::test {
namespace {
using namespace std::chrono_literals;

#define WH_LOCAL_DAY(col) "((" col ") AT TIME ZONE 'UTC' AT TIME ZONE 'Africa/Accra')::date"
#define WH_TODAY "(now() AT TIME ZONE 'Africa/Accra')::date"
#define WH_PAID "payment_status = 'paid' AND status <> 'cancelled'"

const std::string kBase = "/api/admin/dashboard/";

const std::vector<std::string> kRoutes{
    "summary",          "sales-trends",     "top-products",        "recent-orders",      "order-status-breakdown",
    "inventory-status", "low-stock-alerts", "revenue-by-category", "customer-analytics", "sidebar-stats",
    "payment-methods",  "snapshot",         "analytics-snapshot"};

long long pesewas(const json::value& v) { return std::llround(v.to_number<double>() * 100); }
long long integer(const json::value& v) { return std::llround(v.to_number<double>()); }

class DashboardApi : public CommerceApi {
 public:
  // The seeded orders and customers end at the seed's "now" (2025-06-01):
  // moved so that they end now, they fill every range.
  static void SetUpTestSuite() {
    CommerceApi::SetUpTestSuite();
    ASSERT_TRUE(server_->wait_for_warm_cache(admin_)) << "the change listener is not up";
    const std::string shift = "((now() AT TIME ZONE 'UTC') - timestamp '2025-06-01')";
    q("UPDATE orders SET created_at = created_at + " + shift);
    q("UPDATE users SET created_at = created_at + " + shift + " WHERE role = 'customer'");
    settle();
  }

  static HttpResult get(const std::string& route, const std::string& token = admin_) {
    return call("GET", kBase + route, nullptr, token);
  }

  // Waits until the listener has applied every change made so far: a last
  // `tags:orders` must be seen to invalidate a cached answer (notifications
  // arrive in order).
  static void settle() {
    get("payment-methods");
    q("SELECT pg_notify('wh_events', 'tags:orders')");
    EXPECT_TRUE(auth::wait_until([] { return get("payment-methods").statements() > 0; }, 3000ms));
  }

  // A paid order created now (today) for `total` GHS.
  static void insert_order(const std::string& number, const std::string& total,
                           const std::string& status = "processing", const std::string& payment = "paid") {
    q("INSERT INTO orders (id, order_number, status, payment_status, subtotal, shipping, tax, total, customer_email,"
      " customer_phone, shipping_address, created_at, updated_at) VALUES (" +
      quote("id" + number) + ", " + quote(number) + ", " + quote(status) + ", " + quote(payment) + ", " + total +
      ", 0, 0, " + total + ", 'dash@example.com', '0240000000', '{}', now() AT TIME ZONE 'UTC', now())");
  }

  static long long sql_number(const std::string& select) { return qn(select); }

  // "date=pesewas/orders,..." of the sales trends of the last `days` days,
  // as answered and as computed from the orders.
  static std::string trends(int days) {
    auto d = data(get("sales-trends?range=" + std::to_string(days)));
    std::string got;
    for (const auto& day : d.at("daily").as_array()) {
      got += (got.empty() ? "" : ",") + str(day.at("date")) + "=" + std::to_string(pesewas(day.at("revenue"))) + "/" +
             std::to_string(integer(day.at("orders")));
    }
    return got;
  }
  static std::string trends_from_orders(int days) {
    return q(
        "SELECT string_agg(to_char(g.day, 'YYYY-MM-DD') || '=' || COALESCE(x.p, 0) || '/' || COALESCE(x.n, 0), ','"
        " ORDER BY g.day) FROM generate_series(" WH_TODAY " - " +
        std::to_string(days - 1) + ", " WH_TODAY
                                   ", interval '1 day') AS g(day)"
                                   " LEFT JOIN (SELECT " WH_LOCAL_DAY(
                                       "created_at") " AS day, sum(total * 100)::bigint AS p, count(*) AS n"
                                                     " FROM orders WHERE " WH_PAID
                                                     " GROUP BY 1) x ON x.day = g.day::date");
  }
  // One run of the analytics aggregation job on the server's database.
  static long long aggregate() {
    SchedulerInstance jobs(test_config(server_->db_name()));
    return jobs.run_job(jobs::configured(jobs::analytics_aggregation_job(), jobs.services.config)).rows;
  }
};

TEST_F(DashboardApi, OnlyAdminsMayReadIt) {
  for (const auto& route : kRoutes) {
    EXPECT_EQ(get(route, "").status, 401) << route;
    EXPECT_EQ(get(route, customer_).status, 403) << route;
  }
  auto r = get("summary");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("cache-control"), "private, no-store");
}

TEST_F(DashboardApi, BadRangesAndLimitsAre400) {
  for (const auto& bad : {"sales-trends?range=15", "sales-trends?range=abc", "sales-trends?range=7&range=30",
                          "top-products?range=-7", "revenue-by-category?range=365", "customer-analytics?range=1",
                          "analytics-snapshot?range=60", "top-products?limit=0", "top-products?limit=51",
                          "recent-orders?limit=51", "recent-orders?page=0", "recent-orders?page=x"}) {
    auto r = get(bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_EQ(auth::error_type(r), "ValidationError") << bad;
  }
  EXPECT_EQ(auth::error_message(get("sales-trends?range=15")), "Invalid range. Use 7, 30, or 90.");
  // The frontend asks for range=0 when it wants the default, which the old
  // parseInt(range) || 7 gave.
  EXPECT_EQ(data(get("sales-trends?range=0")).at("range"), "7 days");
  EXPECT_EQ(data(get("sales-trends")).at("range"), "7 days");
  EXPECT_EQ(data(get("sales-trends?range=90")).at("daily").as_array().size(), 90u);
  EXPECT_EQ(data(get("analytics-snapshot")).at("salesTrends").at("range"), "30 days");
}

TEST_F(DashboardApi, SummaryMatchesSqlToThePesewa) {
  insert_order("WH-DASH-1", "123.45");
  insert_order("WH-DASH-2", "10.01", "pending", "pending");
  settle();
  auto d = data(get("summary"));
  ASSERT_TRUE(d.is_object());
  const auto& today = d.at("today");
  EXPECT_EQ(pesewas(today.at("revenue")),
            sql_number("SELECT COALESCE(sum(total * 100), 0)::bigint FROM orders WHERE " WH_PAID
                       " AND " WH_LOCAL_DAY("created_at") " = " WH_TODAY));
  EXPECT_GE(pesewas(today.at("revenue")), 12345);
  EXPECT_EQ(integer(today.at("orders")),
            sql_number("SELECT count(*) FROM orders WHERE status <> 'cancelled' AND " WH_LOCAL_DAY(
                "created_at") " = " WH_TODAY));
  EXPECT_EQ(integer(today.at("pendingOrders")),
            sql_number(
                "SELECT count(*) FROM orders WHERE status = 'pending' AND " WH_LOCAL_DAY("created_at") " = " WH_TODAY));
  EXPECT_EQ(pesewas(d.at("yesterday").at("revenue")),
            sql_number("SELECT COALESCE(sum(total * 100), 0)::bigint FROM orders WHERE " WH_PAID
                       " AND " WH_LOCAL_DAY("created_at") " = " WH_TODAY " - 1"));
  EXPECT_EQ(integer(d.at("yesterday").at("newCustomers")),
            sql_number("SELECT count(*) FROM users WHERE role = 'customer' AND " WH_LOCAL_DAY(
                "created_at") " = " WH_TODAY " - 1"));
  const auto& stats = d.at("stats");
  EXPECT_EQ(pesewas(stats.at("total_revenue_all_time")),
            sql_number("SELECT sum(total * 100)::bigint FROM orders WHERE " WH_PAID));
  EXPECT_EQ(integer(stats.at("total_customers")), sql_number("SELECT count(*) FROM users WHERE role = 'customer'"));
  EXPECT_EQ(integer(stats.at("pending_orders")), sql_number("SELECT count(*) FROM orders WHERE status = 'pending'"));
  EXPECT_TRUE(d.at("change").at("revenue_percent").is_number());
  EXPECT_TRUE(d.at("change").at("orders_percent").is_number());

  auto pm = data(get("payment-methods"));
  EXPECT_EQ(pesewas(pm.at("paystack").at("revenue")), pesewas(stats.at("total_revenue_all_time")));
  EXPECT_EQ(integer(pm.at("paystack").at("count")), sql_number("SELECT count(*) FROM orders WHERE " WH_PAID));
  EXPECT_EQ(integer(pm.at("paystack").at("percent")), 100);
}

TEST_F(DashboardApi, SalesTrendsHaveEveryDayIncludingEmptyOnes) {
  // A day without orders three days ago.
  q("DELETE FROM orders WHERE " WH_LOCAL_DAY("created_at") " = " WH_TODAY " - 3");
  settle();
  auto d = data(get("sales-trends?range=30"));
  ASSERT_TRUE(d.is_object());
  EXPECT_EQ(d.at("range"), "30 days");
  long long total = 0, orders = 0;
  for (const auto& day : d.at("daily").as_array()) {
    total += pesewas(day.at("revenue"));
    orders += integer(day.at("orders"));
  }
  const std::string got = trends(30);
  EXPECT_EQ(got, trends_from_orders(30));
  std::string empty_day = q("SELECT to_char(" WH_TODAY " - 3, 'YYYY-MM-DD')");
  EXPECT_NE(got.find(empty_day + "=0/0"), std::string::npos) << got;
  EXPECT_GT(total, 0) << "the seeded orders fill the range";
  EXPECT_EQ(pesewas(d.at("summary").at("total_revenue")), total);
  EXPECT_EQ(integer(d.at("summary").at("total_orders")), orders);
  EXPECT_EQ(pesewas(d.at("summary").at("avg_daily_revenue")), std::llround(static_cast<double>(total) / 30));
}

// Days that ended two days ago or more come from the aggregation job's
// rows, unless an order change (by anyone) marked the day since the job
// wrote them; the figures equal the orders' at every step.
TEST_F(DashboardApi, SalesTrendsReadTheJobsDailyRowsButNeverStaleOnes) {
  EXPECT_GT(aggregate(), 0);
  EXPECT_EQ(qn("SELECT count(*) FROM wh_analytics_dirty_days WHERE day <= " WH_TODAY " - 3"), 0);
  EXPECT_EQ(qn("SELECT count(*) FROM analytics WHERE metadata->>'tz' = 'Africa/Accra' AND metric IN"
               " ('revenue_daily', 'paid_orders_daily') AND date BETWEEN " WH_TODAY " - 89 AND " WH_TODAY " - 3"),
            2 * 87);
  settle();
  EXPECT_EQ(trends(90), trends_from_orders(90));

  // The rows are what is read: a row changed behind the job's back shows.
  const std::string day = q("SELECT " WH_LOCAL_DAY("created_at") " FROM orders WHERE " WH_PAID " AND " WH_LOCAL_DAY(
      "created_at") " BETWEEN " WH_TODAY " - 60 AND " WH_TODAY " - 5 ORDER BY created_at DESC LIMIT 1");
  ASSERT_FALSE(day.empty()) << "no paid order between 60 and 5 days ago";
  q("UPDATE analytics SET value = value + 1000 WHERE date = '" + day + "' AND metric = 'revenue_daily'");
  settle();
  const std::string tampered = trends(90);
  EXPECT_NE(tampered.find(day + "="), std::string::npos);
  EXPECT_NE(tampered, trends_from_orders(90)) << "the row was not read";

  // An order of that day cancelled with plain SQL marks the day: it is
  // computed from the orders until the job rewrites its rows.
  q("UPDATE orders SET status = 'cancelled' WHERE id = (SELECT id FROM orders WHERE " WH_PAID
    " AND " WH_LOCAL_DAY("created_at") " = '" +
    day + "' ORDER BY id LIMIT 1)");
  EXPECT_GT(qn("SELECT count(*) FROM wh_analytics_dirty_days WHERE day = '" + day + "'"), 0);
  settle();
  EXPECT_EQ(trends(90), trends_from_orders(90));
  EXPECT_GT(aggregate(), 0) << "the day's rows are rewritten";
  EXPECT_EQ(qn("SELECT count(*) FROM wh_analytics_dirty_days WHERE day <= " WH_TODAY " - 3"), 0);
  EXPECT_EQ(aggregate(), 0) << "a second run changes nothing";
  settle();
  EXPECT_EQ(trends(90), trends_from_orders(90));

  // Rows written for another time zone are not read.
  q("UPDATE analytics SET metadata = '{\"tz\": \"Asia/Tokyo\"}', value = value + 5 WHERE date = '" + day + "'");
  settle();
  EXPECT_EQ(trends(90), trends_from_orders(90));
  EXPECT_GT(aggregate(), 0) << "rewritten in the shop's zone";
}

TEST_F(DashboardApi, ProductsStatusesStockAndCustomersMatchSql) {
  auto top = data(get("top-products?range=30&limit=5"));
  ASSERT_TRUE(top.is_array());
  std::string got;
  for (const auto& p : top.as_array()) {
    got += (got.empty() ? "" : ",") + str(p.at("product_id")) + "=" + std::to_string(pesewas(p.at("revenue")));
    EXPECT_TRUE(p.at("product_name").is_string());
    EXPECT_TRUE(p.at("category").is_string());
    EXPECT_GT(integer(p.at("units_sold")), 0);
  }
  EXPECT_EQ(got, q("SELECT string_agg(id || '=' || p, ',' ORDER BY p DESC, id) FROM (SELECT v.product_id AS id,"
                   " sum(oi.subtotal * 100)::bigint AS p FROM order_items oi JOIN orders o ON o.id = oi.order_id"
                   " JOIN variants v ON v.id = oi.variant_id WHERE o." WH_PAID " AND " WH_LOCAL_DAY(
                       "o.created_at") " > " WH_TODAY " - 30 GROUP BY 1 ORDER BY p DESC, id LIMIT 5) t"));
  EXPECT_EQ(top.as_array().size(), 5u);

  auto status = data(get("order-status-breakdown"));
  std::map<std::string, long long> counts;
  double percent = 0;
  for (const auto& [k, v] : status.as_object()) {
    counts[std::string(k)] = integer(v.at("count"));
    percent += v.at("percent").to_number<double>();
  }
  std::string statuses;
  for (const auto& [k, n] : counts) statuses += (statuses.empty() ? "" : ",") + k + "=" + std::to_string(n);
  EXPECT_EQ(statuses, q("SELECT string_agg(status || '=' || n, ',' ORDER BY status) FROM (SELECT status, count(*) AS n"
                        " FROM orders GROUP BY 1) s"));
  EXPECT_NEAR(percent, 100, 0.05);

  auto inv = data(get("inventory-status"));
  EXPECT_EQ(std::to_string(integer(inv.at("total_variants"))) + "," + std::to_string(integer(inv.at("total_units"))) +
                "," + std::to_string(integer(inv.at("in_stock").at("count"))) + "," +
                std::to_string(integer(inv.at("low_stock").at("count"))) + "," +
                std::to_string(integer(inv.at("out_of_stock").at("count"))),
            q("SELECT count(*) || ',' || sum(GREATEST(stock, 0)) || ',' || count(*) FILTER (WHERE stock > 10) || ','"
              " || count(*) FILTER (WHERE stock BETWEEN 1 AND 10) || ',' || count(*) FILTER (WHERE stock <= 0)"
              " FROM variants WHERE is_active"));

  auto low = data(get("low-stock-alerts"));
  EXPECT_EQ(static_cast<long long>(low.as_array().size()),
            sql_number("SELECT least(count(*), 50) FROM variants WHERE is_active AND stock BETWEEN 1 AND 10"));
  for (const auto& v : low.as_array()) {
    EXPECT_LE(integer(v.at("stock")), 10);
    EXPECT_EQ(integer(v.at("threshold")), 10);
    EXPECT_TRUE(v.at("sku").is_string() && v.at("product_name").is_string());
  }

  auto cats = data(get("revenue-by-category?range=90"));
  std::string by_cat;
  for (const auto& c : cats.as_array()) {
    by_cat += (by_cat.empty() ? "" : ",") + str(c.at("category")) + "=" + std::to_string(pesewas(c.at("revenue")));
    EXPECT_TRUE(c.at("category_name").is_string());
  }
  EXPECT_EQ(by_cat, q("SELECT string_agg(slug || '=' || p, ',' ORDER BY p DESC, slug) FROM (SELECT c.slug,"
                      " sum(oi.subtotal * 100)::bigint AS p FROM order_items oi JOIN orders o ON o.id = oi.order_id"
                      " JOIN variants v ON v.id = oi.variant_id JOIN products p ON p.id = v.product_id"
                      " JOIN categories c ON c.id = p.category_id WHERE o." WH_PAID
                      " AND " WH_LOCAL_DAY("o.created_at") " > " WH_TODAY " - 90 GROUP BY 1) t"));

  auto customers = data(get("customer-analytics?range=90"));
  EXPECT_EQ(integer(customers.at("total_customers")), sql_number("SELECT count(*) FROM users WHERE role = 'customer'"));
  EXPECT_EQ(integer(customers.at("new_customers")),
            sql_number("SELECT count(*) FROM users WHERE role = 'customer' AND " WH_LOCAL_DAY(
                "created_at") " > " WH_TODAY " - 90"));
  EXPECT_EQ(integer(customers.at("repeat_customers")),
            sql_number("SELECT count(*) FROM (SELECT o.user_id FROM orders o JOIN users u ON u.id = o.user_id AND"
                       " u.role = 'customer' WHERE o." WH_PAID " GROUP BY 1 HAVING count(*) > 1) x"));

  auto side = data(get("sidebar-stats"));
  EXPECT_EQ(integer(side.at("products")), sql_number("SELECT count(*) FROM products WHERE is_active"));
  EXPECT_EQ(integer(side.at("orders")), sql_number("SELECT count(*) FROM orders WHERE status = 'pending'"));
  EXPECT_EQ(integer(side.at("users")), sql_number("SELECT count(*) FROM users WHERE role = 'customer'"));
  EXPECT_EQ(integer(side.at("reviews")), sql_number("SELECT count(*) FROM reviews WHERE NOT is_approved"));
  EXPECT_EQ(integer(side.at("inventory")), sql_number("SELECT count(*) FROM variants WHERE is_active AND stock <= 5"));

  auto recent = get("recent-orders?limit=10&page=2");
  auto orders = data(recent);
  ASSERT_TRUE(orders.is_array());
  ASSERT_EQ(orders.as_array().size(), 10u);
  EXPECT_EQ(str(orders.as_array().at(0).at("order_number")),
            q("SELECT order_number FROM orders ORDER BY created_at DESC, id DESC OFFSET 10 LIMIT 1"));
  for (const auto* f : {"id", "customer", "status", "payment_status", "created_at"}) {
    EXPECT_TRUE(orders.as_array().at(0).at(f).is_string()) << f;
  }
  EXPECT_TRUE(orders.as_array().at(0).at("total").is_number());
  auto pagination = recent.json().at("pagination");
  EXPECT_EQ(integer(pagination.at("page")), 2);
  EXPECT_EQ(integer(pagination.at("limit")), 10);
  EXPECT_EQ(integer(pagination.at("total")), sql_number("SELECT count(*) FROM orders"));
  EXPECT_EQ(integer(pagination.at("pages")), (integer(pagination.at("total")) + 9) / 10);
}

TEST_F(DashboardApi, SnapshotsAreOneStatementWithTheRoutesParts) {
  settle();  // nothing cached that reads orders
  auto r = get("snapshot");
  EXPECT_EQ(r.statements(), 1) << "the whole dashboard page in one statement";
  auto d = data(r);
  ASSERT_TRUE(d.is_object());
  for (const auto* k :
       {"summary", "salesTrends", "orderStatus", "inventory", "recentOrders", "lowStock", "topProducts", "timestamp"}) {
    EXPECT_TRUE(d.as_object().contains(k)) << k;
  }
  EXPECT_EQ(d.at("summary"), data(get("summary")));
  EXPECT_EQ(d.at("salesTrends"), data(get("sales-trends?range=30")));
  EXPECT_EQ(d.at("orderStatus"), data(get("order-status-breakdown")));
  EXPECT_EQ(d.at("inventory"), data(get("inventory-status")));
  EXPECT_EQ(d.at("lowStock"), data(get("low-stock-alerts")));
  EXPECT_EQ(d.at("topProducts"), data(get("top-products?range=30&limit=5")));
  EXPECT_EQ(d.at("recentOrders"), data(get("recent-orders?limit=10")));

  auto a = get("analytics-snapshot?range=90");
  EXPECT_EQ(a.statements(), 1) << "the whole analytics page in one statement";
  auto ad = data(a);
  ASSERT_TRUE(ad.is_object());
  EXPECT_EQ(ad.at("revenueByCategory"), data(get("revenue-by-category?range=90")));
  EXPECT_EQ(ad.at("customerAnalytics"), data(get("customer-analytics?range=90")));
  EXPECT_EQ(ad.at("paymentMethods"), data(get("payment-methods")));
  EXPECT_EQ(ad.at("salesTrends"), data(get("sales-trends?range=90")));
  EXPECT_EQ(ad.at("topProducts"), data(get("top-products?range=90&limit=10")));
  const auto& carts = ad.at("cartAbandonment");
  EXPECT_EQ(integer(carts.at("total_carts")), sql_number("SELECT count(*) FROM carts"));
  for (const auto* k : {"abandoned_carts", "recovered_carts", "abandonment_rate", "recovery_rate"}) {
    EXPECT_TRUE(carts.at(k).is_number()) << k;
  }
}

TEST_F(DashboardApi, AnswersAreCachedUntilAnyoneChangesTheirData) {
  auto first = get("summary");
  auto second = get("summary");
  EXPECT_EQ(second.statements(), 0) << "served from the analytics cache";
  EXPECT_EQ(second.header("x-cache"), "HIT");
  EXPECT_EQ(second.body, first.body);
  const long long before = pesewas(data(second).at("today").at("revenue"));

  // A paid order inserted by SQL, as the old backend would: seen by the next reads.
  insert_order("WH-DASH-NEW", "77.77");
  auto revenue_is = [&](long long expected) {
    return auth::wait_until([&] { return pesewas(data(get("summary")).at("today").at("revenue")) == expected; },
                            3000ms);
  };
  EXPECT_TRUE(revenue_is(before + 7777));
  EXPECT_EQ(get("summary").statements(), 0) << "cached again";
  // Cancelled by SQL: out of the revenue again.
  q("UPDATE orders SET status = 'cancelled' WHERE order_number = 'WH-DASH-NEW'");
  EXPECT_TRUE(revenue_is(before));

  // A stock change reaches the inventory; an order change does not touch it.
  auto inv = get("inventory-status");
  const long long units = integer(data(inv).at("total_units"));
  q("UPDATE orders SET status = 'processing' WHERE order_number = 'WH-DASH-NEW'");
  settle();
  EXPECT_EQ(get("inventory-status").statements(), 0) << "an order change kept the inventory entry";
  q("UPDATE variants SET stock = stock + 5 WHERE id = (SELECT id FROM variants WHERE is_active AND stock >= 0"
    " ORDER BY id LIMIT 1)");
  EXPECT_TRUE(
      auth::wait_until([&] { return integer(data(get("inventory-status")).at("total_units")) == units + 5; }, 3000ms));
  // A review awaiting approval reaches the sidebar.
  const long long pending_reviews = integer(data(get("sidebar-stats")).at("reviews"));
  q("INSERT INTO reviews (id, product_id, rating, title, content, author_name, is_approved, updated_at)"
    " SELECT 'rdash1', id, 4, 'Nice', 'Nice wig', 'Ama', false, now() FROM products ORDER BY id LIMIT 1");
  EXPECT_TRUE(auth::wait_until([&] { return integer(data(get("sidebar-stats")).at("reviews")) == pending_reviews + 1; },
                               3000ms));

  EXPECT_EQ(sql_number("SELECT count(*) FROM wh_purge_outbox WHERE tags && ARRAY['orders', 'stock', 'customers',"
                       " 'reviews-moderation']::text[]"),
            0)
      << "dashboard tags are private: never purged at Cloudflare";
}

TEST_F(DashboardApi, OrderChangesByAnyoneSendDataUpdateToAdminSockets) {
  SocketClient socket(server_->port(), "access_token, " + admin_);
  ASSERT_EQ(socket.status, 101);
  auto hello = socket.next();
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->at("type"), "CONNECTED");
  insert_order("WH-DASH-WS", "12.00");
  std::optional<json::object> update;
  for (int i = 0; i < 10 && !update; ++i) {
    auto m = socket.next();
    if (!m) break;
    const auto* meta = m->if_contains("metadata");
    if (m->at("type") == "DATA_UPDATE" && meta && meta->as_object().if_contains("orderNumber") &&
        meta->at("orderNumber") == "WH-DASH-WS") {
      update = std::move(m);
    }
  }
  ASSERT_TRUE(update) << "no DATA_UPDATE for the new order";
  EXPECT_EQ(update->at("eventType"), "orders");
  EXPECT_TRUE(update->at("timestamp").is_string());
  std::vector<std::string> keys;
  for (const auto& k : update->at("queryKeys").as_array()) {
    std::string joined;
    for (const auto& part : k.as_array()) joined += (joined.empty() ? "" : "/") + str(part);
    keys.push_back(joined);
  }
  for (const auto* k : {"admin/dashboard/snapshot", "admin/dashboard/analytics-snapshot", "admin/dashboard/summary",
                        "admin/orders", "admin/sidebar-stats", "admin/order/WH-DASH-WS"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
  }
}

}  // namespace
}  // namespace wh::test
