// The statements of the admin dashboard (admin/dashboard.h): every figure is
// computed by PostgreSQL, money summed as integer pesewas and rendered as
// cedis with two decimals (JSON numbers, as the old backend's Number()),
// percentages rounded to two decimals, instants as ISO 8601 UTC.
//
// Every statement takes the same five parameters and answers one row:
//   $1 the shop's time zone (IANA name, e.g. Africa/Accra): "today" and the
//      days of a range are the shop's calendar days
//   $2 the range in days (7, 30 or 90): today and the days before it
//   $3 the number of top products
//   $4 the page size and $5 the offset of the recent orders
// and the first column is the JSON of `data` (kRecentOrders: a second
// column, the pagination). A bundle is one statement, not one per part.
//
// Shared rules:
//   revenue  orders paid (payment_status 'paid') and not cancelled, by the
//            order's creation day; order totals, or item subtotals where
//            products or categories are counted
//   orders   (summary) created that day and not cancelled
//   customers users whose role is 'customer'
//   stock    active variants' `stock` (units on the shelf, reservations
//            included); out <= 0, low 1..10, in > 10; low-stock-alerts:
//            the 50 lowest of 1..10 (threshold 10); sidebar: <= 5
#pragma once

namespace wh::admin::sql {

extern const char* const kSummary;            // {today, yesterday, change, stats}
extern const char* const kSalesTrends;        // {range, daily: [{date, revenue, orders}], summary}
extern const char* const kTopProducts;        // [{product_id, product_name, category, units_sold, revenue}]
extern const char* const kRecentOrders;       // [{id, order_number, customer, total, ...}], pagination
extern const char* const kOrderStatus;        // {<status>: {count, percent}}
extern const char* const kInventory;          // {total_variants, total_units, in_stock,
                                              // low_stock, out_of_stock}
extern const char* const kLowStock;           // [{id, product_name, sku, stock, threshold}]
extern const char* const kRevenueByCategory;  // [{category, category_name, revenue, orders, percent}]
extern const char* const kCustomers;          // {new_customers, total_customers, repeat_customers, ...}
extern const char* const kSidebar;            // {products, orders, users, reviews, inventory}
extern const char* const kPaymentMethods;     // {paystack: {count, revenue, percent}}
extern const char* const kSnapshot;           // the dashboard page's parts (see dashboard.h)
extern const char* const kAnalyticsSnapshot;  // the analytics page's parts (see dashboard.h)

}  // namespace wh::admin::sql
