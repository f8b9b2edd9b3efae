// Admin product routes (reference §1.3), admin and super admin only. Every
// write runs in one transaction, costs a fixed number of statements
// whatever the number of variants or ids, and invalidates the cached
// product lists and the products it changed before answering.
#pragma once
#include "core/task.h"
#include "http/message.h"
#include "web/context.h"

namespace wh::catalog {

// POST /api/admin/products -> 201 the admin product. Variants are created
// as given (the first one holds the product's images) or, when none is
// given, one "<ID6>-DEFAULT" variant at the base price.
Task<http::Response> admin_create_product(web::Context& ctx);
// GET /api/admin/products/:id -> the product in any state with its full
// category, all its variants, `stats` (over active variants) and
// `variantData` {mainVariant, subVariants, allVariants, hasVariants, count}.
Task<http::Response> admin_get_product(web::Context& ctx);
// PATCH /api/admin/products/:id -> the admin product. Only the given fields
// change; variants[] items with an id (of this product) are updated, items
// without one are added.
Task<http::Response> admin_update_product(web::Context& ctx);
// DELETE /api/admin/products/:id: the product and its variants; 409 while
// order items reference its variants.
Task<http::Response> admin_delete_product(web::Context& ctx);
// POST /api/admin/products/:id/duplicate -> 201 an inactive "Copy of ..."
// with copies of the active variants under new SKUs.
Task<http::Response> admin_duplicate_product(web::Context& ctx);
// PATCH /api/admin/products/bulk-status {ids[], isActive} -> {count}.
Task<http::Response> admin_bulk_product_status(web::Context& ctx);
// DELETE /api/admin/products/bulk {ids[]} -> {success, failed}: deletes, in
// one statement, the listed products that no order references.
Task<http::Response> admin_bulk_delete_products(web::Context& ctx);

}  // namespace wh::catalog
