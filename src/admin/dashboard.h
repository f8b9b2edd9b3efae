// The admin dashboard's aggregate routes (reference §1.19,
// /api/admin/dashboard, admins and super admins only: 401 without a valid
// token, 403 for other roles), with the old shapes in the usual envelope
// {success:true, data}:
//   GET /summary                 {today, yesterday: {revenue, orders,
//                                newCustomers, pendingOrders}, change:
//                                {revenue_percent, orders_percent}, stats:
//                                {total_customers, total_revenue_all_time,
//                                pending_orders}}
//   GET /sales-trends?range=7    {range: "7 days", daily: [{date, revenue,
//                                orders}], summary: {total_revenue,
//                                total_orders, avg_daily_revenue}}
//   GET /top-products?range=30&limit=10 (limit 1..50)
//                                [{product_id, product_name, category,
//                                units_sold, revenue}]
//   GET /recent-orders?page=1&limit=20 (limit 1..50)
//                                data [{id, order_number, customer, total,
//                                status, payment_status, created_at}],
//                                pagination {page, limit, total, pages}
//   GET /order-status-breakdown  {<status>: {count, percent}}
//   GET /inventory-status        {total_variants, total_units, in_stock,
//                                low_stock, out_of_stock: {count, percent}}
//   GET /low-stock-alerts        [{id, product_name, sku, stock, threshold}]
//   GET /revenue-by-category?range=30
//                                [{category, category_name, revenue,
//                                orders, percent}]
//   GET /customer-analytics?range=30
//                                {new_customers, total_customers,
//                                repeat_customers, customer_retention_rate,
//                                average_ltv}
//   GET /sidebar-stats           {products, orders, users, reviews,
//                                inventory}
//   GET /payment-methods         {paystack: {count, revenue, percent}}
//   GET /snapshot                the dashboard page in one statement:
//                                {summary, salesTrends (30 days),
//                                orderStatus, inventory, recentOrders (10),
//                                lowStock, topProducts (30 days, 5),
//                                timestamp}
//   GET /analytics-snapshot?range=30
//                                the analytics page in one statement:
//                                {revenueByCategory, customerAnalytics,
//                                paymentMethods, cartAbandonment,
//                                salesTrends, topProducts (10), timestamp}
// `range` is 7, 30 or 90 (days: today and the days before it, in the shop's
// time zone); absent, empty or 0 means the route's default (7 for
// sales-trends, 30 elsewhere), as the old `parseInt(range) || default`;
// anything else is a 400, as is a bad limit or page. The figures and their
// rules: admin/dashboard_sql.h (one statement per request, computed in SQL,
// money as pesewas).
//
// Caching: every answer is cached as response bytes in the `analytics`
// instance (cache/instances.h), keyed by route and parameters, tagged with
// what it read (cache/tags.h: orders, stock, customers,
// reviews-moderation, and the catalog tags); the triggers of migration 0019
// and 0008 invalidate those tags on any change by anyone. Answers that
// depend on the date are keyed by the quarter hour as well, so "today"
// moves at the shop's midnight in every time zone (offsets are multiples
// of 15 minutes); the cart-abandonment part, which changes with every cart
// write and with the clock, may lag by that much. A hit runs no statement.
// Responses are private (no CachePlan: private, no-store) and carry
// X-Cache: HIT | MISS | STALE | STALE-IF-ERROR.
#pragma once
#include <string_view>

#include "web/router.h"

namespace wh::admin {

inline constexpr int kMaxTopProducts = 50;
inline constexpr int kMaxRecentOrders = 50;

void register_dashboard_routes(web::Router& router);

}  // namespace wh::admin
