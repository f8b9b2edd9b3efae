// The dashboard's report export of reference §1.19 (admin and super_admin):
//   GET /api/admin/dashboard/export?type=orders|products|customers&range
//       text/csv, Content-Disposition: attachment;
//       filename=<type>_report_<UTC date>.csv, the old columns:
//         orders    Order Number, Date, Customer Name ("Guest" without an
//                   account), Customer Email, Status, Payment Status, Total
//                   (cedis, two decimals), Items Count
//         products  Name, Category ("Uncategorized"), Base Price, Total Stock
//                   (all variants), Status (Active/Inactive)
//         customers Name ("N/A" when blank), Email, Orders, Joined
//       orders and customers created in the last `range` days (1-3650,
//       default 30); products all of them, as before. Rows in id order.
//       A missing or unknown type: 400 "Invalid report type. Use: orders,
//       products, customers"; a bad range: 400 ValidationError.
// Streamed (chunked), as orders/admin_orders.h's export: keyset batches of
// kReportBatch by id, each one statement on a connection given back before
// the batch is written, the next read only once the client took the
// previous one; the first batch is read before the head goes out, so a
// database failure is still a JSON error. No row cap; no snapshot across
// batches (a row created meanwhile may appear).
// Cells are escaped by csv_cell (the old export let a cell starting with
// "=" reach the spreadsheet as a formula).
#pragma once
#include <string>
#include <string_view>

#include "web/router.h"

namespace wh::admin {

inline constexpr int kReportBatch = 500;

// One CSV cell: a value starting with =, +, -, @, a tab or a carriage
// return gets a leading single quote (spreadsheet formula injection); then
// a value containing a comma, a double quote, CR or LF is put in double
// quotes with its double quotes doubled (RFC 4180).
std::string csv_cell(std::string_view value);

void register_admin_export_route(web::Router& router);

}  // namespace wh::admin
