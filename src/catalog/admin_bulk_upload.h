// POST /api/admin/products/bulk-upload (reference §1.3 "bulk-upload"): the
// admin CSV product import, a multipart/form-data upload in the field `file`.
#pragma once
#include "core/task.h"
#include "http/message.h"
#include "web/context.h"
#include "web/router.h"

namespace wh::catalog {

// Admin or super admin (401/403 before the body is read). The form must
// hold exactly one `file`; the CSV is validated whole (catalog/csv_import.h)
// and its SKUs checked against the database, so a file with any invalid row
// writes nothing (400 naming the rows). A valid file is written in one
// transaction: for each row a product and its one variant, with categories
// found by slug or name (case-insensitive) and created when missing. The
// product and category caches are invalidated before the answer:
// {success, data:{processed, success, failed:0, errors:[], categoriesCreated:[{id,name,slug}]}, message}.
Task<http::Response> bulk_upload_products(web::Context& ctx);

void register_bulk_upload(web::Router& router);

}  // namespace wh::catalog
