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

// The category list of GET /api/categories. `all` (the admin list) shows
// inactive categories too and counts inactive products in productCount.
Task<http::Response> category_list(web::Context& ctx, bool all);

// One category in any state as the old backend's JSON object (the Prisma
// row: id, name, slug, description, image, isActive, isFeatured, type,
// createdAt, updatedAt), as text. $1 = id; no row when it does not exist.
extern const char* const kCategoryByIdSql;

}  // namespace wh::catalog
