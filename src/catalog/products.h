// Product and variant read routes of the storefront (reference §1.3, §1.4).
#pragma once
#include "core/task.h"
#include "http/message.h"
#include "web/context.h"

namespace wh::catalog {

// GET /api/products: filters category (slug or id), minPrice, maxPrice,
// inStock, search; sort newest|price_asc|price_desc|popular; page, limit
// (default 20, max 100). One statement whatever the page size.
Task<http::Response> list_products(web::Context& ctx);
// The same list for the admin (GET /api/admin/products; the caller checks
// the role): inactive products and variants too, and sort=name.
Task<http::Response> list_admin_products(web::Context& ctx);
// The canonical query of each listing (see web::CachePlan); throws the
// handler's 400 for bad parameters.
http::HeaderList list_products_query(const http::Request& req);
http::HeaderList search_products_query(const http::Request& req);
// GET /api/products/search?q&page: name/description/category/variant search.
Task<http::Response> search_products(web::Context& ctx);
// GET /api/products/:id: active product, full category, active variants, stats.
Task<http::Response> get_product(web::Context& ctx);
// GET /api/products/:id/variants: active variants by price.
Task<http::Response> get_product_variants(web::Context& ctx);
// GET /api/variants/:id: an active variant of an active product, with the product.
Task<http::Response> get_variant(web::Context& ctx);

}  // namespace wh::catalog
