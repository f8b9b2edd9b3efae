#include "catalog/products.h"

#include <array>
#include <string>

#include "cache/tags.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::catalog {
namespace {

// One list item, as the old backend's repository shaped it. Expects `p`
// (products), `c` (categories) and `vs` (lateral active-variant summary).
constexpr const char* kListItem = R"(json_build_object(
    'id', p.id, 'name', p.name, 'description', p.description, 'basePrice', wh_money(p.base_price),
    'categoryId', p.category_id,
    'category', json_build_object('id', c.id, 'name', c.name, 'slug', c.slug),
    'images', COALESCE(to_json(p.images), '[]'::json),
    'isActive', p.is_active, 'isFeatured', p.is_featured,
    'variantCount', vs.variant_count, 'totalStock', vs.total_stock,
    'createdAt', wh_iso(p.created_at), 'updatedAt', wh_iso(p.updated_at),
    'variants', vs.variants))";

// Active variants of p in creation order (variants[0] is the "main" one).
constexpr const char* kVariantSummary = R"(LEFT JOIN LATERAL (
    SELECT count(*)::int AS variant_count, COALESCE(sum(v.stock), 0)::int AS total_stock,
           COALESCE(json_agg(json_build_object(
             'id', v.id, 'price', wh_money(v.price), 'stock', v.stock, 'sku', v.sku,
             'images', COALESCE(to_json(v.images), '[]'::json),
             'color', v.color, 'length', v.length, 'texture', v.texture, 'size', v.size,
             'isActive', v.is_active) ORDER BY v.created_at, v.id), '[]'::json) AS variants
    FROM variants v WHERE v.product_id = p.id AND v.is_active) vs ON true)";

// $1 category slug or id, $2 min price, $3 max price, $4 in stock only,
// $5 search pattern (ILIKE), $6 limit, $7 offset.
constexpr const char* kFilter = R"(
  SELECT p.id, p.created_at, p.base_price
  FROM products p JOIN categories c ON c.id = p.category_id
  WHERE p.is_active
    AND ($1::text IS NULL OR c.slug = $1 OR c.id = $1)
    AND ($2::numeric IS NULL OR p.base_price >= $2::numeric)
    AND ($3::numeric IS NULL OR p.base_price <= $3::numeric)
    AND (NOT $4::bool OR EXISTS (
          SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.is_active AND v.stock > 0))
    AND ($5::text IS NULL OR p.name ILIKE $5 OR p.description ILIKE $5 OR c.name ILIKE $5
         OR EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id
                    AND (v.color ILIKE $5 OR v.texture ILIKE $5 OR v.length ILIKE $5 OR v.sku ILIKE $5))))";

enum class Sort { kNewest, kPriceAsc, kPriceDesc, kPopular };

std::string build_list_sql(Sort sort) {
  std::string order;
  std::string popularity;
  switch (sort) {
    case Sort::kNewest:
      order = "f.created_at DESC, f.id";
      break;
    case Sort::kPriceAsc:
      order = "f.base_price ASC, f.created_at DESC, f.id";
      break;
    case Sort::kPriceDesc:
      order = "f.base_price DESC, f.created_at DESC, f.id";
      break;
    case Sort::kPopular:
      // Units ordered per product over orders that were not cancelled.
      popularity = R"(LEFT JOIN (
          SELECT v.product_id, sum(oi.quantity) AS sold
          FROM order_items oi JOIN variants v ON v.id = oi.variant_id
          JOIN orders o ON o.id = oi.order_id AND o.status <> 'cancelled'
          GROUP BY v.product_id) pop ON pop.product_id = f.id)";
      order = "COALESCE(pop.sold, 0) DESC, f.created_at DESC, f.id";
      break;
  }
  return std::string("WITH filtered AS MATERIALIZED (") + kFilter + R"(),
page AS (
  SELECT f.id, row_number() OVER (ORDER BY )" +
         order + R"() AS ord
  FROM filtered f )" +
         popularity + R"(
  ORDER BY )" +
         order + R"(
  LIMIT $6 OFFSET $7)
SELECT COALESCE((
    SELECT json_agg()" +
         kListItem + R"( ORDER BY page.ord)
    FROM page JOIN products p ON p.id = page.id JOIN categories c ON c.id = p.category_id
    )" + kVariantSummary +
         R"(), '[]'::json)::text,
  (SELECT count(*) FROM filtered))";
}

const std::string& list_sql(Sort sort) {
  static const std::array<std::string, 4> all{build_list_sql(Sort::kNewest), build_list_sql(Sort::kPriceAsc),
                                              build_list_sql(Sort::kPriceDesc), build_list_sql(Sort::kPopular)};
  return all[static_cast<std::size_t>(sort)];
}

Sort parse_sort(std::string_view s) {
  if (s == "price_asc") return Sort::kPriceAsc;
  if (s == "price_desc") return Sort::kPriceDesc;
  if (s == "popular") return Sort::kPopular;
  return Sort::kNewest;
}

struct ListQuery {
  std::optional<std::string> category, min_price, max_price, search;
  bool in_stock = false;
  Sort sort = Sort::kNewest;
  int page = 1;
  int limit = web::kDefaultPageSize;
};

struct ListPage {
  std::string products_json;
  long long total = 0;
  // {"products":[..],"total":N<extra>}
  std::string object(const std::string& extra) const {
    return "{\"products\":" + products_json + ",\"total\":" + std::to_string(total) + extra + "}";
  }
};

Task<ListPage> run_list(web::Context& ctx, const ListQuery& q) {
  // Built before co_await: g++ 12 mis-compiles braced lists inside co_await.
  db::Params params{q.category,
                    q.min_price,
                    q.max_price,
                    q.in_stock,
                    q.search ? std::optional(web::contains_pattern(*q.search)) : std::nullopt,
                    q.limit,
                    static_cast<long long>(q.page - 1) * q.limit};
  auto r = co_await ctx.db().query(list_sql(q.sort), std::move(params));
  co_return ListPage{std::string(r.get(0, 0)), r.get_int(0, 1)};
}

}  // namespace

namespace {

ListQuery read_list_query(web::QueryReader& in) {
  ListQuery q;
  q.page = in.integer("page", 1, web::kMaxPage);
  q.limit = in.integer("limit", web::kDefaultPageSize, web::kMaxPageSize);
  // Slugs and ids are lower case; ILIKE ignores case.
  q.category = in.text("category", 100, web::QueryReader::Case::kLower);
  q.min_price = in.money("minPrice");
  q.max_price = in.money("maxPrice");
  q.in_stock = in.boolean("inStock", false);
  q.search = in.text("search", 100, web::QueryReader::Case::kLower);
  q.sort = parse_sort(in.choice("sort", {"newest", "price_asc", "price_desc", "popular"}, "newest"));
  in.finish();
  return q;
}

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

Task<http::Response> answer_list(web::Context& ctx, ListQuery (*read)(web::QueryReader&), PagesAt at) {
  web::QueryReader in(ctx.req);
  ListQuery q = read(in);
  tag_list(ctx);
  auto page = co_await run_list(ctx, q);
  std::string pages = ",\"pages\":" + std::to_string((page.total + q.limit - 1) / q.limit);
  std::string page_limit = ",\"page\":" + std::to_string(q.page) + ",\"limit\":" + std::to_string(q.limit);
  co_return web::ok_data(page.object(at == PagesAt::kBeforePage ? pages + page_limit : page_limit + pages));
}

}  // namespace

Task<http::Response> list_products(web::Context& ctx) {
  return answer_list(ctx, read_list_query, PagesAt::kBeforePage);
}

Task<http::Response> search_products(web::Context& ctx) { return answer_list(ctx, read_search_query, PagesAt::kLast); }

namespace {

// Full variant row (schema order), as Prisma returned it.
constexpr const char* kFullVariant = R"(json_build_object(
    'id', v.id, 'productId', v.product_id, 'sku', v.sku, 'price', wh_money(v.price), 'stock', v.stock,
    'length', v.length, 'color', v.color, 'texture', v.texture, 'size', v.size,
    'images', COALESCE(to_json(v.images), '[]'::json), 'isActive', v.is_active,
    'createdAt', wh_iso(v.created_at), 'updatedAt', wh_iso(v.updated_at)))";

const std::string& product_detail_sql() {
  static const std::string sql = std::string(R"(
SELECT json_build_object(
  'id', p.id, 'name', p.name, 'description', p.description, 'basePrice', wh_money(p.base_price),
  'categoryId', p.category_id, 'images', COALESCE(to_json(p.images), '[]'::json),
  'isActive', p.is_active, 'isFeatured', p.is_featured,
  'createdAt', wh_iso(p.created_at), 'updatedAt', wh_iso(p.updated_at),
  'category', json_build_object('id', c.id, 'name', c.name, 'slug', c.slug, 'description', c.description,
      'image', c.image, 'isActive', c.is_active, 'isFeatured', c.is_featured, 'type', c.type,
      'createdAt', wh_iso(c.created_at), 'updatedAt', wh_iso(c.updated_at)),
  'variants', COALESCE(vs.variants, '[]'::json),
  'stats', json_build_object('total_variants', COALESCE(vs.total, 0), 'in_stock', COALESCE(vs.in_stock, 0),
      'low_stock', COALESCE(vs.low_stock, 0), 'out_of_stock', COALESCE(vs.out_of_stock, 0)))::text,
  p.category_id
FROM products p JOIN categories c ON c.id = p.category_id
LEFT JOIN LATERAL (
  SELECT json_agg()") + kFullVariant +
                                 R"( ORDER BY v.created_at, v.id) AS variants,
         count(*)::int AS total,
         count(*) FILTER (WHERE v.stock > 5)::int AS in_stock,
         count(*) FILTER (WHERE v.stock BETWEEN 1 AND 5)::int AS low_stock,
         count(*) FILTER (WHERE v.stock <= 0)::int AS out_of_stock
  FROM variants v WHERE v.product_id = p.id AND v.is_active) vs ON true
WHERE p.id = $1 AND p.is_active)";
  return sql;
}

const std::string& product_variants_sql() {
  static const std::string sql = std::string(R"(
SELECT COALESCE(json_agg()") + kFullVariant +
                                 R"( ORDER BY v.price, v.created_at, v.id), '[]'::json)::text
FROM variants v WHERE v.product_id = $1 AND v.is_active)";
  return sql;
}

constexpr const char* kProductActiveSql = "SELECT 1 FROM products WHERE id = $1 AND is_active";

const std::string& variant_sql() {
  static const std::string sql = R"(
SELECT json_build_object(
  'id', v.id, 'productId', v.product_id, 'sku', v.sku, 'price', wh_money(v.price), 'stock', v.stock,
  'length', v.length, 'color', v.color, 'texture', v.texture, 'size', v.size,
  'images', COALESCE(to_json(v.images), '[]'::json), 'isActive', v.is_active,
  'createdAt', wh_iso(v.created_at), 'updatedAt', wh_iso(v.updated_at),
  'product', json_build_object('id', p.id, 'name', p.name, 'description', p.description,
      'basePrice', wh_money(p.base_price), 'categoryId', p.category_id,
      'images', COALESCE(to_json(p.images), '[]'::json), 'isActive', p.is_active, 'isFeatured', p.is_featured,
      'createdAt', wh_iso(p.created_at), 'updatedAt', wh_iso(p.updated_at)))::text,
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
  auto r = co_await ctx.db().query(product_detail_sql(), std::move(params));
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
