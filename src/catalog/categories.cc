#include "catalog/categories.h"

#include "cache/tags.h"
#include "core/json_text.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::catalog {
namespace {

constexpr const char* kProductCategoriesSql = R"(
SELECT COALESCE(json_agg(json_build_object('id', c.slug, 'label', c.name, 'count', x.n, 'image', c.image)
                         ORDER BY c.name), '[]'::json)::text
FROM (SELECT category_id, count(*)::int AS n FROM products WHERE is_active GROUP BY category_id) x
JOIN categories c ON c.id = x.category_id
WHERE c.is_active)";

#define WH_CATEGORY_FIELDS                                                                       \
  "'id', c.id, 'name', c.name, 'slug', c.slug, 'description', c.description, 'image', c.image, " \
  "'isActive', c.is_active, 'isFeatured', c.is_featured, 'type', c.type"

// $1 isActive filter, $2 type, $3 search pattern, $4 limit, $5 offset, $6 all
// (the admin list: inactive categories too, and every product counted).
constexpr const char* kListSql = R"(
WITH filtered AS MATERIALIZED (
  SELECT c.id, c.created_at FROM categories c
  WHERE (c.is_active OR $6::bool) AND ($1::bool IS NULL OR c.is_active = $1::bool)
    AND ($2::text IS NULL OR c.type = $2)
    AND ($3::text IS NULL OR c.name ILIKE $3 OR c.description ILIKE $3)),
page AS (SELECT id FROM filtered ORDER BY created_at DESC, id LIMIT $4 OFFSET $5)
SELECT COALESCE((
  SELECT json_agg(json_build_object()" WH_CATEGORY_FIELDS R"(,
      'productCount', (SELECT count(*)::int FROM products p WHERE p.category_id = c.id AND (p.is_active OR $6::bool)),
      'createdAt', wh_iso(c.created_at), 'updatedAt', wh_iso(c.updated_at)) ORDER BY c.created_at DESC, c.id)
  FROM page JOIN categories c ON c.id = page.id), '[]'::json)::text,
  (SELECT count(*) FROM filtered))";

constexpr const char* kGetSql = R"(
SELECT json_build_object()" WH_CATEGORY_FIELDS R"(,
    'createdAt', wh_iso(c.created_at), 'updatedAt', wh_iso(c.updated_at))::text
FROM categories c WHERE (c.id = $1 OR c.slug = $1) AND c.is_active
ORDER BY (c.id = $1) DESC LIMIT 1)";

}  // namespace

namespace {

struct ListQuery {
  int page = 1;
  int limit = web::kDefaultPageSize;
  std::optional<bool> active;
  std::optional<std::string> type, search;
};

ListQuery read_list_query(web::QueryReader& in) {
  ListQuery q;
  q.page = in.integer("page", 1, web::kMaxPage);
  q.limit = in.integer("limit", web::kDefaultPageSize, web::kMaxPageSize);
  q.active = in.boolean("isActive");
  q.type = in.text("type", 20);
  q.search = in.text("search", 100, web::QueryReader::Case::kLower);
  in.finish();
  return q;
}

// Category responses; those counting products also change with products.
void tag_categories(web::Context& ctx, bool with_products) {
  ctx.tag(cache::tags::kCatalog);
  ctx.tag(cache::tags::kCategories);
  if (with_products) ctx.tag(cache::tags::kProducts);
}

}  // namespace

http::HeaderList list_categories_query(const http::Request& req) {
  web::QueryReader in(req);
  read_list_query(in);
  return in.canonical();
}
const char* const kCategoryByIdSql = R"(
SELECT json_build_object()" WH_CATEGORY_FIELDS R"(,
    'createdAt', wh_iso(c.created_at), 'updatedAt', wh_iso(c.updated_at))::text
FROM categories c WHERE c.id = $1)";

#undef WH_CATEGORY_FIELDS

Task<http::Response> product_categories(web::Context& ctx) {
  tag_categories(ctx, true);
  auto r = co_await ctx.db().query(kProductCategoriesSql);
  co_return web::ok_data(r.get(0, 0));
}

Task<http::Response> list_categories(web::Context& ctx) { co_return co_await category_list(ctx, false); }

Task<http::Response> category_list(web::Context& ctx, bool all) {
  web::QueryReader in(ctx.req);
  auto [page, limit, active, type, search] = read_list_query(in);
  tag_categories(ctx, true);
  // Built before co_await: g++ 12 mis-compiles braced lists inside co_await.
  db::Params params{active,
                    type,
                    search ? std::optional(web::contains_pattern(*search)) : std::nullopt,
                    limit,
                    static_cast<long long>(page - 1) * limit,
                    all};
  auto r = co_await ctx.db().query(kListSql, std::move(params));
  long long total = r.get_int(0, 1);
  std::string body = R"({"success":true,"data":)";
  body += compact_json(r.get(0, 0));
  body += R"(,"pagination":{"page":)" + std::to_string(page) + ",\"limit\":" + std::to_string(limit) +
          ",\"total\":" + std::to_string(total) + ",\"pages\":" + std::to_string((total + limit - 1) / limit) + "}}";
  co_return http::Response::json(std::move(body));
}

Task<http::Response> get_category(web::Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found("Category not found");
  tag_categories(ctx, false);
  db::Params params{id};
  auto r = co_await ctx.db().query(kGetSql, std::move(params));
  if (r.empty()) web::throw_not_found("Category not found");
  co_return web::ok_data(r.get(0, 0));
}

}  // namespace wh::catalog
