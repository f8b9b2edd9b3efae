#include "admin/dashboard_sql.h"

namespace wh::admin::sql {

namespace {

// The parameters as one row `d`, with the shop's date of today. Every part
// below is a scalar sub-select reading `d`.
#define WH_D                                                              \
  "WITH d AS (SELECT $1::text AS tz, $2::int AS days, $3::int AS top_n, " \
  "$4::int AS page_size,"                                                 \
  " $5::int AS page_offset, (now() AT TIME ZONE $1::text)::date AS today) "

// An amount of cedis (numeric(10,2)) as whole pesewas, and back for output.
#define WH_PESEWAS(x) "((" x ") * 100)::bigint"
#define WH_CEDIS(x) "((" x ")::numeric / 100)::numeric(20, 2)"
// a as a percentage of b, two decimals; 0 when b is 0.
#define WH_PCT(a, b) "CASE WHEN (" b ") > 0 THEN round((" a ") * 100.0 / (" b "), 2) ELSE 0 END"
// The change from b to a in percent (the old rule: 100 when b is 0 and a is
// not).
#define WH_CHANGE(a, b)                                                                                               \
  "CASE WHEN (" b ") = 0 THEN CASE WHEN (" a ") > 0 THEN 100 ELSE 0 END ELSE round(((" a ") - (" b ")) * 100.0 / (" b \
  "), 2) END"
// The UTC instant (as the timestamp columns hold it) at which the shop's
// date `day` begins.
#define WH_START(day) "((" day ")::timestamp AT TIME ZONE d.tz AT TIME ZONE 'UTC')"
// The shop's date of a timestamp column.
#define WH_LOCAL_DAY(col) "(" col " AT TIME ZONE 'UTC' AT TIME ZONE d.tz)::date"
// Created within the range: from the first day of the range to the end of
// today.
#define WH_IN_RANGE(col) "(" col " >= " WH_START("d.today - d.days + 1") " AND " col " < " WH_START("d.today + 1") ")"
#define WH_REVENUE(o) o ".payment_status = 'paid' AND " o ".status <> 'cancelled'"
#define WH_NOW_ISO "wh_iso((now() AT TIME ZONE 'UTC')::timestamp)"

// Figures of the orders of `o` created in [from, to).
#define WH_DAY_REVENUE(from, to)                                                                        \
  "COALESCE(sum(" WH_PESEWAS("o.total") ") FILTER (WHERE " WH_REVENUE("o") " AND o.created_at >= " from \
                                                                           " AND o.created_at < " to "), 0)"
#define WH_DAY_COUNT(where, from, to) \
  "count(*) FILTER (WHERE " where " AND o.created_at >= " from " AND o.created_at < " to ")"
#define WH_DAY_JSON(day)                                                                 \
  "json_build_object('revenue', " WH_CEDIS("t.revenue_" day) ", 'orders', t.orders_" day \
                                                             ", 'newCustomers',"         \
                                                             " u.new_" day ", 'pendingOrders', t.pending_" day ")"

#define WH_TODAY WH_START("d.today")
#define WH_TOMORROW WH_START("d.today + 1")
#define WH_YESTERDAY WH_START("d.today - 1")

// Today against yesterday (the shop's days), and the all-time figures.
#define WH_SUMMARY \
  "(SELECT json_build_object('today', " WH_DAY_JSON(                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                      \
      "today") ", 'yesterday', " WH_DAY_JSON("yesterday") ", 'change', "                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                  \
                                                          "json_build_object("                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            \
                                                          "'revenue_percent',"                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            \
                                                          " " WH_CHANGE("t."                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              \
                                                                        "reve"                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            \
                                                                        "nue_"                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            \
                                                                        "toda"                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            \
                                                                        "y",                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              \
                                                                        "t."                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              \
                                                                        "reve"                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            \
                                                                        "nue_"                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            \
                                                                        "yest"                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            \
                                                                        "erda"                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            \
                                                                        "y") ", 'orders_percent', " WH_CHANGE("t.orders_today",                                                                                                                                                                                                                                                                                                                                                                                                                                                                           \
                                                                                                              "t.orders_yesterday") "), 'stats', json_build_object("                                                                                                                                                                                                                                                                                                                                                                                                                                      \
                                                                                                                                    "'total_customers', u.total, 'total_revenue_all_time', " WH_CEDIS(                                                                                                                                                                                                                                                                                                                                                                                                    \
                                                                                                                                        "a.revenue") ", 'pending_orders',"                                                                                                                                                                                                                                                                                                                                                                                                                                \
                                                                                                                                                     " a.pending)) FROM (SELECT " WH_DAY_REVENUE(WH_TODAY, WH_TOMORROW) " AS revenue_today, " WH_DAY_REVENUE(WH_YESTERDAY, WH_TODAY) " AS revenue_yesterday, " WH_DAY_COUNT("o.status <> 'cancelled'",                                                                                                                                                                                                                                                    \
                                                                                                                                                                                                                                                                                                                            WH_TODAY,                                                                                                                                                                                                                                                                     \
                                                                                                                                                                                                                                                                                                                            WH_TOMORROW) " AS orders_today, " WH_DAY_COUNT("o.status <> 'cancelled'",                                                                                                                                                                                                     \
                                                                                                                                                                                                                                                                                                                                                                           WH_YESTERDAY,                                                                                                                                                                                                                  \
                                                                                                                                                                                                                                                                                                                                                                           WH_TODAY) " AS orders_yesterday, " WH_DAY_COUNT("o.status = 'pending'",                                                                                                                                                        \
                                                                                                                                                                                                                                                                                                                                                                                                                           WH_TODAY,                                                                                                                                                                      \
                                                                                                                                                                                                                                                                                                                                                                                                                           WH_TOMORROW) " AS pending_today, " WH_DAY_COUNT("o.status = 'pending'",                                                                                                        \
                                                                                                                                                                                                                                                                                                                                                                                                                                                                           WH_YESTERDAY,                                                                                                                  \
                                                                                                                                                                                                                                                                                                                                                                                                                                                                           WH_TODAY) " AS pending_yesterday FROM orders o"                                                                                \
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     " WHERE o.created_at >= " WH_YESTERDAY " AND o.created_at < " WH_TOMORROW ") t, (SELECT count(*) AS total,"          \
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     " count(*) FILTER (WHERE created_at >= " WH_TODAY                                                                    \
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     " AND created_at < " WH_TOMORROW                                                                                     \
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     ") AS new_today,"                                                                                                    \
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     " count(*) FILTER (WHERE created_at >= " WH_YESTERDAY " AND created_at < " WH_TODAY                                  \
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     ") AS new_yesterday"                                                                                                 \
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     " FROM users WHERE role = 'customer') u, (SELECT COALESCE(sum(" WH_PESEWAS("o.total") ") FILTER (WHERE " WH_REVENUE( \
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                         "o") "), 0) AS revenue, count(*) FILTER (WHERE o.status = 'pending') AS pending FROM orders o) a)"

// One row per day of the range, days without revenue included (0). A day
// that ended at least two days ago comes from the aggregation job's rows
// (revenue_daily, paid_orders_daily in the shop's zone) unless an order
// change marked it since (migration 0020); other days, and days without
// both rows, are computed from the orders (one index range each).
// clang-format off
#define WH_SALES_TRENDS                                                                                      \
  "(SELECT json_build_object('range', d.days || ' days', 'daily', json_agg(json_build_object("              \
  "'date', to_char(g.day, 'YYYY-MM-DD'), 'revenue', " WH_CEDIS("s.revenue") ", 'orders', s.orders)"          \
  " ORDER BY g.day), 'summary', json_build_object('total_revenue', " WH_CEDIS("COALESCE(sum(s.revenue), 0)") \
  ", 'total_orders', COALESCE(sum(s.orders), 0), 'avg_daily_revenue', "                                      \
  WH_CEDIS("round(COALESCE(sum(s.revenue), 0) / d.days)") "))"                                               \
  " FROM (SELECT d.today - k AS day FROM generate_series(0, d.days - 1) AS k) g"                             \
  " CROSS JOIN LATERAL (SELECT count(*) = 2 AND g.day <= d.today - 3"                                        \
  " AND NOT EXISTS (SELECT 1 FROM wh_analytics_dirty_days x WHERE x.day = g.day) AS stored,"                 \
  " max(a.value) FILTER (WHERE a.metric = 'revenue_daily') AS revenue,"                                      \
  " max(a.value) FILTER (WHERE a.metric = 'paid_orders_daily') AS orders"                                    \
  " FROM analytics a WHERE a.date = g.day AND a.metric IN ('revenue_daily', 'paid_orders_daily')"            \
  " AND a.metadata->>'tz' = d.tz) r"                                                                         \
  " CROSS JOIN LATERAL (SELECT " WH_PESEWAS("COALESCE(sum(o.total), 0)") " AS revenue, count(*) AS orders"   \
  " FROM orders o WHERE NOT r.stored AND o.created_at >= " WH_START("g.day")                                 \
  " AND o.created_at < " WH_START("g.day + 1") " AND " WH_REVENUE("o") ") l"                                 \
  " CROSS JOIN LATERAL (SELECT CASE WHEN r.stored THEN " WH_PESEWAS("r.revenue") " ELSE l.revenue END"       \
  " AS revenue, CASE WHEN r.stored THEN r.orders::bigint ELSE l.orders END AS orders) s)"
// clang-format on

// The items of the range's revenue orders, joined to their product and
// category of now.
#define WH_SOLD_ITEMS                                                         \
  " FROM orders o JOIN order_items oi ON oi.order_id = o.id JOIN variants v " \
  "ON v.id = oi.variant_id"                                                   \
  " JOIN products p ON p.id = v.product_id LEFT JOIN categories c ON c.id = " \
  "p.category_id WHERE " WH_IN_RANGE("o.created_at") " AND " WH_REVENUE("o")

#define WH_TOP_PRODUCTS(limit) \
  "(SELECT COALESCE(json_agg(json_build_object('product_id', x.id, "           \
  "'product_name', x.name, 'category',"                                        \
  " x.category, 'units_sold', x.units, 'revenue', " WH_CEDIS(                  \
      "x.revenue") ") ORDER BY x.revenue DESC, x.id),"                         \
                   " '[]'::json) FROM (SELECT p.id, p.name, c.name AS "        \
                   "category, sum(oi.quantity) AS units, sum(" WH_PESEWAS(     \
                       "oi.subtotal") ") AS revenue" WH_SOLD_ITEMS             \
                                      " GROUP BY p.id, c.id ORDER BY revenue " \
                                      "DESC, p.id LIMIT " limit ") x)"

#define WH_RECENT_ORDERS(limit, offset)                                       \
  "(SELECT COALESCE(json_agg(json_build_object('id', o.id, 'order_number', "  \
  "o.order_number, 'customer',"                                               \
  " COALESCE(NULLIF(trim(u.first_name || ' ' || u.last_name), ''), "          \
  "o.customer_email), 'total', o.total,"                                      \
  " 'status', o.status, 'payment_status', o.payment_status, 'created_at', "   \
  "wh_iso(o.created_at))"                                                     \
  " ORDER BY o.created_at DESC, o.id DESC), '[]'::json) FROM (SELECT * FROM " \
  "orders ORDER BY created_at DESC,"                                          \
  " id DESC LIMIT " limit " OFFSET " offset ") o LEFT JOIN users u ON u.id = o.user_id)"

#define WH_ORDER_STATUS \
  "(SELECT COALESCE(json_object_agg(s.status, json_build_object('count', "     \
  "s.n, 'percent', " WH_PCT("s.n",                                             \
                            "s.total") ") ORDER BY s.status), '{}'::json) "    \
                                       "FROM (SELECT status, count(*) AS n,"   \
                                       " sum(count(*)) OVER () AS total FROM " \
                                       "orders GROUP BY status) s)"

#define WH_STOCK_BUCKET(name, n) "'" name "', json_build_object('count', " n ", 'percent', " WH_PCT(n, "i.total") ")"
#define WH_INVENTORY \
  "(SELECT json_build_object('total_variants', i.total, 'total_units', "       \
  "i.units, " WH_STOCK_BUCKET("in_stock", "i.in_stock") ", " WH_STOCK_BUCKET(  \
      "low_stock",                                                             \
      "i.low_stock") ", " WH_STOCK_BUCKET("out_of_stock",                      \
                                          "i.out_of_stock") ") FROM (SELECT "  \
                                                            "count(*) AS "     \
                                                            "total, "          \
                                                            "COALESCE(sum("    \
                                                            "GREATEST(stock, " \
                                                            "0)),"             \
                                                            " 0) AS units, "   \
                                                            "count(*) FILTER " \
                                                            "(WHERE stock > "  \
                                                            "10) AS "          \
                                                            "in_stock, "       \
                                                            "count(*) FILTER " \
                                                            "(WHERE stock "    \
                                                            "BETWEEN 1 AND"    \
                                                            " 10) AS "         \
                                                            "low_stock, "      \
                                                            "count(*) FILTER " \
                                                            "(WHERE stock <= " \
                                                            "0) AS "           \
                                                            "out_of_stock "    \
                                                            "FROM variants "   \
                                                            "WHERE "           \
                                                            "is_active) i)"

#define WH_LOW_STOCK                                                           \
  "(SELECT COALESCE(json_agg(json_build_object('id', v.id, 'product_name', "   \
  "p.name, 'sku', v.sku, 'stock',"                                             \
  " v.stock, 'threshold', 10) ORDER BY v.stock, v.sku), '[]'::json) FROM "     \
  "(SELECT id, product_id, sku, stock"                                         \
  " FROM variants WHERE is_active AND stock BETWEEN 1 AND 10 ORDER BY stock, " \
  "sku LIMIT 50) v"                                                            \
  " JOIN products p ON p.id = v.product_id)"

#define WH_REVENUE_BY_CATEGORY \
  "(SELECT COALESCE(json_agg(json_build_object('category', x.slug, "                                                                                                                                                          \
  "'category_name', x.name, 'revenue', " WH_CEDIS(                                                                                                                                                                            \
      "x.revenue") ", 'orders', x.orders, 'percent', " WH_PCT("x.revenue",                                                                                                                                                    \
                                                              "x.total") ") "                                                                                                                                                 \
                                                                         "ORD"                                                                                                                                                \
                                                                         "ER "                                                                                                                                                \
                                                                         "BY "                                                                                                                                                \
                                                                         "x."                                                                                                                                                 \
                                                                         "rev"                                                                                                                                                \
                                                                         "enu"                                                                                                                                                \
                                                                         "e "                                                                                                                                                 \
                                                                         "DES"                                                                                                                                                \
                                                                         "C, "                                                                                                                                                \
                                                                         "x."                                                                                                                                                 \
                                                                         "slu"                                                                                                                                                \
                                                                         "g),"                                                                                                                                                \
                                                                         " '["                                                                                                                                                \
                                                                         "]':"                                                                                                                                                \
                                                                         ":js"                                                                                                                                                \
                                                                         "on)"                                                                                                                                                \
                                                                         " FR"                                                                                                                                                \
                                                                         "OM "                                                                                                                                                \
                                                                         "(SE"                                                                                                                                                \
                                                                         "LEC"                                                                                                                                                \
                                                                         "T "                                                                                                                                                 \
                                                                         "c."                                                                                                                                                 \
                                                                         "slu"                                                                                                                                                \
                                                                         "g, "                                                                                                                                                \
                                                                         "c."                                                                                                                                                 \
                                                                         "nam"                                                                                                                                                \
                                                                         "e, "                                                                                                                                                \
                                                                         "sum"                                                                                                                                                \
                                                                         "(" WH_PESEWAS("oi.subtotal") ") AS revenue, count(DISTINCT o.id) AS orders, sum(sum(" WH_PESEWAS("oi.subtotal") ")) OVER () AS total" WH_SOLD_ITEMS \
                                                                                                                                                                                          " GROUP BY c.id) x)"

// Repeat customers: customers with more than one revenue order.
// Lifetime value: revenue of customers' orders per customer who has one
// (guest orders count in neither).
#define WH_CUSTOMERS \
  "(SELECT json_build_object('new_customers', u.new_customers, "                                                                                                                                       \
  "'total_customers', u.total,"                                                                                                                                                                        \
  " 'repeat_customers', r.repeat, 'customer_retention_rate', " WH_PCT(                                                                                                                                 \
      "r.repeat",                                                                                                                                                                                      \
      "u.total") ", 'average_ltv', " WH_CEDIS("CASE WHEN r.payers > 0 THEN "                                                                                                                           \
                                              "round(r.revenue / r.payers) "                                                                                                                           \
                                              "ELSE 0 END") ") FROM (SELECT "                                                                                                                          \
                                                            "count(*) AS "                                                                                                                             \
                                                            "total, count(*) "                                                                                                                         \
                                                            "FILTER "                                                                                                                                  \
                                                            "(WHERE"                                                                                                                                   \
                                                            " " WH_IN_RANGE("created_at") ") AS new_customers FROM users WHERE role = 'customer') u, (SELECT count(*) FILTER (WHERE x.n > 1) AS"       \
                                                                                          " repeat, count(*) AS payers, COALESCE(sum(x.revenue), 0) AS revenue FROM (SELECT o.user_id, count(*) AS n," \
                                                                                          " sum(" WH_PESEWAS(                                                                                          \
                                                                                              "o.total") ") AS revenue FROM orders o JOIN users cu ON cu.id = o.user_id AND"                           \
                                                                                                         " cu.role = 'customer' WHERE " WH_REVENUE(                                                    \
                                                                                                             "o") " GROUP BY o.user_id) x) r)"

#define WH_SIDEBAR                                                             \
  "(SELECT json_build_object('products', (SELECT count(*) FROM products "      \
  "WHERE is_active), 'orders',"                                                \
  " (SELECT count(*) FROM orders WHERE status = 'pending'), 'users', (SELECT " \
  "count(*) FROM users WHERE"                                                  \
  " role = 'customer'), 'reviews', (SELECT count(*) FROM reviews WHERE NOT "   \
  "is_approved), 'inventory',"                                                 \
  " (SELECT count(*) FROM variants WHERE is_active AND stock <= 5)))"

// Every payment goes through Paystack: one method, as before.
#define WH_PAYMENT_METHODS \
  "(SELECT json_build_object('paystack', json_build_object('count', "          \
  "count(*), 'revenue', " WH_CEDIS("COALESCE(sum(" WH_PESEWAS(                 \
      "o.total") "), 0)") ", 'percent', CASE WHEN count(*) > 0 THEN 100 ELSE " \
                          "0"                                                  \
                          " END)) FROM orders o WHERE " WH_REVENUE("o") ")"

// Customers' carts (the old `carts` count): abandoned = not updated for 24
// hours; recovered = abandoned_carts marked recovered.
#define WH_CART_ABANDONMENT \
  "(SELECT json_build_object('total_carts', c.total, 'abandoned_carts', "      \
  "c.abandoned, 'recovered_carts',"                                            \
  " r.recovered, 'abandonment_rate', " WH_PCT(                                 \
      "c.abandoned",                                                           \
      "c.total") ", 'recovery_rate', " WH_PCT("r.recovered",                   \
                                              "c.abandoned") ") FROM (SELECT " \
                                                             "count(*) AS "    \
                                                             "total, "         \
                                                             "count(*) "       \
                                                             "FILTER (WHERE "  \
                                                             "updated_at <"    \
                                                             " (now() AT "     \
                                                             "TIME ZONE "      \
                                                             "'UTC') - "       \
                                                             "interval '24 "   \
                                                             "hours') AS "     \
                                                             "abandoned FROM " \
                                                             "carts) c, "      \
                                                             "(SELECT "        \
                                                             "count(*) AS"     \
                                                             " recovered "     \
                                                             "FROM "           \
                                                             "abandoned_"      \
                                                             "carts WHERE "    \
                                                             "recovered) r)"

}  // namespace

const char* const kSummary = WH_D "SELECT " WH_SUMMARY "::text FROM d";
const char* const kSalesTrends = WH_D "SELECT " WH_SALES_TRENDS "::text FROM d";
const char* const kTopProducts = WH_D "SELECT " WH_TOP_PRODUCTS("d.top_n") "::text FROM d";
const char *const kRecentOrders = WH_D "SELECT " WH_RECENT_ORDERS(
    "d.page_size",
    "d.page_offset") "::text, json_build_object('page',"
                     " d.page_offset / d.page_size + 1, 'limit', d.page_size, "
                     "'total', c.n, 'pages',"
                     " (c.n + d.page_size - 1) / d.page_size)::text FROM d, "
                     "(SELECT count(*) AS n FROM orders) c";
const char* const kOrderStatus = WH_D "SELECT " WH_ORDER_STATUS "::text FROM d";
const char* const kInventory = WH_D "SELECT " WH_INVENTORY "::text FROM d";
const char* const kLowStock = WH_D "SELECT " WH_LOW_STOCK "::text FROM d";
const char* const kRevenueByCategory = WH_D "SELECT " WH_REVENUE_BY_CATEGORY "::text FROM d";
const char* const kCustomers = WH_D "SELECT " WH_CUSTOMERS "::text FROM d";
const char* const kSidebar = WH_D "SELECT " WH_SIDEBAR "::text FROM d";
const char* const kPaymentMethods = WH_D "SELECT " WH_PAYMENT_METHODS "::text FROM d";

// The dashboard page: trends and top products of d.days (30), the 5 top
// products ($3), the 10 newest orders ($4).
const char* const kSnapshot =
    WH_D "SELECT json_build_object('summary', " WH_SUMMARY ", 'salesTrends', " WH_SALES_TRENDS
         ", 'orderStatus', " WH_ORDER_STATUS ", 'inventory', " WH_INVENTORY ", 'recentOrders', " WH_RECENT_ORDERS(
             "d.page_size", "0") ", 'lowStock', " WH_LOW_STOCK
                                 ", 'topProducts', " WH_TOP_PRODUCTS("d.top_n") ", 'timestamp', " WH_NOW_ISO
                                                                                ")::text FROM d";

// The analytics page, for the range: $3 top products (10).
const char* const kAnalyticsSnapshot =
    WH_D "SELECT json_build_object('revenueByCategory', " WH_REVENUE_BY_CATEGORY ", 'customerAnalytics', " WH_CUSTOMERS
         ", 'paymentMethods', " WH_PAYMENT_METHODS ", 'cartAbandonment', " WH_CART_ABANDONMENT
         ", 'salesTrends', " WH_SALES_TRENDS ", 'topProducts', " WH_TOP_PRODUCTS("d.top_n") ", 'timestamp', " WH_NOW_ISO
                                                                                            ")::text FROM d";

}  // namespace wh::admin::sql
