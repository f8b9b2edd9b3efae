// Category read routes (reference §1.3 /products/categories, §1.5).
#pragma once
#include "core/task.h"
#include "http/message.h"
#include "web/context.h"

namespace wh::catalog {

// GET /api/products/categories: active categories that have active products,
// as [{id:<slug>, label, count, image}] for the shop's filter.
Task<http::Response> product_categories(web::Context& ctx);
// GET /api/categories?page&limit&isActive&type&search: active categories,
// with `pagination`.
Task<http::Response> list_categories(web::Context& ctx);
// Its canonical query (see web::CachePlan); throws its 400.
http::HeaderList list_categories_query(const http::Request& req);
// GET /api/categories/:id (id or slug): one active category.
Task<http::Response> get_category(web::Context& ctx);

}  // namespace wh::catalog
