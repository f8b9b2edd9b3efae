#include "catalog/products.h"

#include <string>
#include <vector>

#include "catalog/product_queries.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::catalog {

Task<http::Response> list_products_for(web::Context& ctx, Audience audience) {
  web::QueryReader in(ctx.req);
  ListQuery q;
  q.page = in.integer("page", 1, web::kMaxPage);
  q.limit = in.integer("limit", web::kDefaultPageSize, web::kMaxPageSize);
  q.category = in.text("category", 100);
  q.min_price = in.money("minPrice");
  q.max_price = in.money("maxPrice");
  q.in_stock = in.boolean("inStock").value_or(false);
  q.search = in.text("search", 100);
  // The admin's product list also sorts by name.
  std::vector<std::string_view> sorts{"newest", "price_asc", "price_desc", "popular"};
  if (audience == Audience::kAdmin) sorts.push_back("name");
  q.sort = parse_sort(in.choice("sort", sorts, "newest"));
  in.finish();

  auto page = co_await run_list(ctx, q, audience);
  long long pages = (page.total + q.limit - 1) / q.limit;
  co_return web::ok_data(page.object(",\"pages\":" + std::to_string(pages) + ",\"page\":" + std::to_string(q.page) +
                                     ",\"limit\":" + std::to_string(q.limit)));
}

Task<http::Response> list_products(web::Context& ctx) { return list_products_for(ctx, Audience::kStorefront); }

Task<http::Response> search_products(web::Context& ctx) {
  web::QueryReader in(ctx.req);
  ListQuery q;
  q.search = in.text("q", 100);
  q.page = in.integer("page", 1, web::kMaxPage);
  q.limit = in.integer("limit", web::kDefaultPageSize, web::kMaxPageSize);
  in.finish();
  if (!q.search || q.search->size() < 2) {
    throw ApiError(400, "ValidationError", "Search query must be at least 2 characters");
  }
  auto page = co_await run_list(ctx, q, Audience::kStorefront);
  long long pages = (page.total + q.limit - 1) / q.limit;
  co_return web::ok_data(page.object(",\"page\":" + std::to_string(q.page) + ",\"limit\":" + std::to_string(q.limit) +
                                     ",\"pages\":" + std::to_string(pages)));
}

namespace {

const std::string& product_variants_sql() {
  static const std::string sql = std::string(R"(
SELECT COALESCE(json_agg()") + full_variant_json() +
                                 R"( ORDER BY v.price, v.created_at, v.id), '[]'::json)::text
FROM variants v WHERE v.product_id = $1 AND v.is_active)";
  return sql;
}

constexpr const char* kProductActiveSql = "SELECT 1 FROM products WHERE id = $1 AND is_active";

const std::string& variant_sql() {
  static const std::string sql = "SELECT " + variant_with_product_json() + R"(::text
FROM variants v JOIN products p ON p.id = v.product_id
WHERE v.id = $1 AND v.is_active AND p.is_active)";
  return sql;
}

}  // namespace

Task<http::Response> get_product(web::Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found("Product not found");
  db::Params params{id};
  auto r = co_await ctx.db().query(product_detail_sql(Audience::kStorefront), std::move(params));
  if (r.empty()) web::throw_not_found("Product not found");
  co_return web::ok_data(r.get(0, 0));
}

Task<http::Response> get_product_variants(web::Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found("Product not found");
  // Both statements in one round trip.
  std::vector<db::Statement> statements{{kProductActiveSql, {id}}, {product_variants_sql(), {id}}};
  auto rs = co_await ctx.db().pipeline(std::move(statements));
  if (rs[0].empty()) web::throw_not_found("Product not found");
  co_return web::ok_data(rs[1].get(0, 0));
}

Task<http::Response> get_variant(web::Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found("Variant not found");
  db::Params params{id};
  auto r = co_await ctx.db().query(variant_sql(), std::move(params));
  if (r.empty()) web::throw_not_found("Variant not found");
  co_return web::ok_data(r.get(0, 0));
}

}  // namespace wh::catalog
