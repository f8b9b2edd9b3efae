#include "catalog/products.h"

#include <string>
#include <vector>

#include "cache/tags.h"
#include "catalog/product_queries.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::catalog {
namespace {

ListQuery read_list(web::QueryReader& in, Audience audience) {
  ListQuery q;
  q.page = in.integer("page", 1, web::kMaxPage);
  q.limit = in.integer("limit", web::kDefaultPageSize, web::kMaxPageSize);
  // Slugs and ids are lower case; ILIKE ignores case.
  q.category = in.text("category", 100, web::QueryReader::Case::kLower);
  q.min_price = in.money("minPrice");
  q.max_price = in.money("maxPrice");
  q.in_stock = in.boolean("inStock", false);
  q.search = in.text("search", 100, web::QueryReader::Case::kLower);
  // The admin's product list also sorts by name.
  std::vector<std::string_view> sorts{"newest", "price_asc", "price_desc", "popular"};
  if (audience == Audience::kAdmin) sorts.push_back("name");
  q.sort = parse_sort(in.choice("sort", sorts, "newest"));
  in.finish();
  return q;
}

ListQuery read_list_query(web::QueryReader& in) { return read_list(in, Audience::kStorefront); }
ListQuery read_admin_list_query(web::QueryReader& in) { return read_list(in, Audience::kAdmin); }

ListQuery read_search_query(web::QueryReader& in) {
  ListQuery q;
  q.search = in.text("q", 100, web::QueryReader::Case::kLower);
  q.page = in.integer("page", 1, web::kMaxPage);
  q.limit = in.integer("limit", web::kDefaultPageSize, web::kMaxPageSize);
  in.finish();
  if (!q.search || q.search->size() < 2) {
    throw ApiError(400, "ValidationError", "Search query must be at least 2 characters");
  }
  return q;
}

// Lists embed category names and every product: any product or category
// change may alter them.
void tag_list(web::Context& ctx) {
  ctx.tag(cache::tags::kCatalog);
  ctx.tag(cache::tags::kProducts);
  ctx.tag(cache::tags::kCategories);
}

}  // namespace

http::HeaderList list_products_query(const http::Request& req) {
  web::QueryReader in(req);
  read_list_query(in);
  return in.canonical();
}

http::HeaderList search_products_query(const http::Request& req) {
  web::QueryReader in(req);
  read_search_query(in);
  return in.canonical();
}

namespace {

// The list and the search differ only in where the old backend put "pages".
enum class PagesAt { kBeforePage, kLast };

Task<http::Response> answer_list(web::Context& ctx, ListQuery (*read)(web::QueryReader&), PagesAt at,
                                 Audience audience) {
  web::QueryReader in(ctx.req);
  ListQuery q = read(in);
  tag_list(ctx);
  auto page = co_await run_list(ctx, q, audience);
  std::string pages = ",\"pages\":" + std::to_string((page.total + q.limit - 1) / q.limit);
  std::string page_limit = ",\"page\":" + std::to_string(q.page) + ",\"limit\":" + std::to_string(q.limit);
  co_return web::ok_data(page.object(at == PagesAt::kBeforePage ? pages + page_limit : page_limit + pages));
}

}  // namespace

Task<http::Response> list_products(web::Context& ctx) {
  return answer_list(ctx, read_list_query, PagesAt::kBeforePage, Audience::kStorefront);
}

Task<http::Response> list_admin_products(web::Context& ctx) {
  return answer_list(ctx, read_admin_list_query, PagesAt::kBeforePage, Audience::kAdmin);
}

Task<http::Response> search_products(web::Context& ctx) {
  return answer_list(ctx, read_search_query, PagesAt::kLast, Audience::kStorefront);
}

namespace {

const std::string& product_variants_sql() {
  static const std::string sql = std::string(R"(
SELECT COALESCE(json_agg()") + full_variant_json(Audience::kStorefront) +
                                 R"( ORDER BY v.price, v.created_at, v.id), '[]'::json)::text
FROM variants v WHERE v.product_id = $1 AND v.is_active)";
  return sql;
}

constexpr const char* kProductActiveSql = "SELECT 1 FROM products WHERE id = $1 AND is_active";

const std::string& variant_sql() {
  static const std::string sql = "SELECT " + variant_with_product_json(Audience::kStorefront) + R"(::text,
  v.product_id
FROM variants v JOIN products p ON p.id = v.product_id
WHERE v.id = $1 AND v.is_active AND p.is_active)";
  return sql;
}

}  // namespace

Task<http::Response> get_product(web::Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found("Product not found");
  ctx.tag(cache::tags::kCatalog);
  ctx.tag(cache::tags::product(id));
  db::Params params{id};
  auto r = co_await ctx.db().query(product_detail_sql(Audience::kStorefront), std::move(params));
  if (r.empty()) web::throw_not_found("Product not found");
  ctx.tag(cache::tags::category(r.get(0, 1)));
  co_return web::ok_data(r.get(0, 0));
}

Task<http::Response> get_product_variants(web::Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found("Product not found");
  ctx.tag(cache::tags::kCatalog);
  ctx.tag(cache::tags::product(id));
  // Both statements in one round trip.
  std::vector<db::Statement> statements{{kProductActiveSql, {id}}, {product_variants_sql(), {id}}};
  auto rs = co_await ctx.db().pipeline(std::move(statements));
  if (rs[0].empty()) web::throw_not_found("Product not found");
  co_return web::ok_data(rs[1].get(0, 0));
}

Task<http::Response> get_variant(web::Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found("Variant not found");
  ctx.tag(cache::tags::kCatalog);
  db::Params params{id};
  auto r = co_await ctx.db().query(variant_sql(), std::move(params));
  if (r.empty()) web::throw_not_found("Variant not found");
  ctx.tag(cache::tags::product(r.get(0, 1)));
  co_return web::ok_data(r.get(0, 0));
}

}  // namespace wh::catalog
