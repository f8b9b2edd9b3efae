// Admin variant and inventory routes (reference §1.4), admin and super
// admin only. Writes lock the owning products, run in one transaction and
// invalidate the cached product lists and those products before answering.
#pragma once
#include "core/task.h"
#include "http/message.h"
#include "web/context.h"

namespace wh::catalog {

// POST /api/admin/variants -> 201 the variant row. 404 for an unknown
// product, 409 for a taken SKU or attribute combination.
Task<http::Response> admin_create_variant(web::Context& ctx);
// GET /api/admin/variants/:id -> the variant (any state) with its product.
Task<http::Response> admin_get_variant(web::Context& ctx);
// PATCH /api/admin/variants/:id -> the variant row after the partial update.
Task<http::Response> admin_update_variant(web::Context& ctx);
// DELETE /api/admin/variants/:id; 400 for the product's last active
// variant, 409 while order items reference it.
Task<http::Response> admin_delete_variant(web::Context& ctx);
// PATCH /api/admin/inventory/bulk-update {variantIds[], updates{}} ->
// {count}: the same update on every listed variant, all or nothing (404 if
// any id is unknown).
Task<http::Response> admin_bulk_update_variants(web::Context& ctx);

}  // namespace wh::catalog
