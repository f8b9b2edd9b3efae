#include "catalog/admin_routes.h"

#include "catalog/admin_products.h"
#include "catalog/admin_variants.h"
#include "catalog/catalog_writes.h"
#include "catalog/products.h"

namespace wh::catalog {
namespace {

// GET /api/admin/products: the storefront list with inactive products and
// variants (and sort=name); page size capped like the public one.
Task<http::Response> admin_list_products(web::Context& ctx) {
  require_admin(ctx);
  return list_admin_products(ctx);
}

}  // namespace

void register_admin_routes(web::Router& router) {
  router.add("GET", "/api/admin/products", admin_list_products);
  router.add("POST", "/api/admin/products", admin_create_product);
  router.add("PATCH", "/api/admin/products/bulk-status", admin_bulk_product_status);
  router.add("DELETE", "/api/admin/products/bulk", admin_bulk_delete_products);
  router.add("GET", "/api/admin/products/:id", admin_get_product);
  router.add("PATCH", "/api/admin/products/:id", admin_update_product);
  router.add("DELETE", "/api/admin/products/:id", admin_delete_product);
  router.add("POST", "/api/admin/products/:id/duplicate", admin_duplicate_product);
  router.add("POST", "/api/admin/variants", admin_create_variant);
  router.add("GET", "/api/admin/variants/:id", admin_get_variant);
  router.add("PATCH", "/api/admin/variants/:id", admin_update_variant);
  router.add("DELETE", "/api/admin/variants/:id", admin_delete_variant);
  router.add("PATCH", "/api/admin/inventory/bulk-update", admin_bulk_update_variants);
}

}  // namespace wh::catalog
