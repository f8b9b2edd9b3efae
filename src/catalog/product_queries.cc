#include "catalog/product_queries.h"

#include <array>

#include "web/query_params.h"

namespace wh::catalog {

const char* const kProductFieldsJson = R"(
    'id', p.id, 'name', p.name, 'description', p.description, 'basePrice', wh_money(p.base_price),
    'categoryId', p.category_id, 'images', COALESCE(to_json(p.images), '[]'::json),
    'isActive', p.is_active, 'isFeatured', p.is_featured,
    'createdAt', wh_iso(p.created_at), 'updatedAt', wh_iso(p.updated_at))";

const char* const kCategoryJson = R"(json_build_object('id', c.id, 'name', c.name, 'slug', c.slug,
    'description', c.description, 'image', c.image, 'isActive', c.is_active, 'isFeatured', c.is_featured,
    'type', c.type, 'createdAt', wh_iso(c.created_at), 'updatedAt', wh_iso(c.updated_at)))";

namespace {

// Keys of a variant row (schema order), for a json_build_object, with the
// audience's stock.
std::string variant_fields(Audience audience) {
  return std::string(R"(
    'id', v.id, 'productId', v.product_id, 'sku', v.sku, 'price', wh_money(v.price), 'stock', )") +
         stock_sql(audience) + R"(,
    'length', v.length, 'color', v.color, 'texture', v.texture, 'size', v.size,
    'images', COALESCE(to_json(v.images), '[]'::json), 'isActive', v.is_active,
    'createdAt', wh_iso(v.created_at), 'updatedAt', wh_iso(v.updated_at))";
}

std::string build_full_variant_json(Audience audience) { return "json_build_object(" + variant_fields(audience) + ")"; }

std::string build_variant_with_product_json(Audience audience) {
  return "json_build_object(" + variant_fields(audience) + ",\n    'product', json_build_object(" + kProductFieldsJson +
         "))";
}

}  // namespace

const char* stock_sql(Audience audience) {
  return audience == Audience::kStorefront ? "GREATEST(v.stock - v.reserved_stock, 0)" : "v.stock";
}

const std::string& full_variant_json(Audience audience) {
  static const std::string storefront = build_full_variant_json(Audience::kStorefront);
  static const std::string admin = build_full_variant_json(Audience::kAdmin);
  return audience == Audience::kStorefront ? storefront : admin;
}

const std::string& variant_with_product_json(Audience audience) {
  static const std::string storefront = build_variant_with_product_json(Audience::kStorefront);
  static const std::string admin = build_variant_with_product_json(Audience::kAdmin);
  return audience == Audience::kStorefront ? storefront : admin;
}

namespace {

std::string build_detail_sql(Audience audience) {
  bool admin = audience == Audience::kAdmin;
  const std::string stock = stock_sql(audience);
  std::string variant_data = R"(,
  'variantData', json_build_object(
      'mainVariant', vs.variants -> 0,
      'subVariants', COALESCE((SELECT json_agg(e ORDER BY i) FROM json_array_elements(vs.variants)
                               WITH ORDINALITY AS t(e, i) WHERE i > 1), '[]'::json),
      'allVariants', COALESCE(vs.variants, '[]'::json),
      'hasVariants', COALESCE(vs.total, 0) > 0,
      'count', COALESCE(vs.total, 0)))";
  return std::string("\nSELECT json_build_object(") + kProductFieldsJson + ",\n  'category', " + kCategoryJson +
         R"(,
  'variants', COALESCE(vs.variants, '[]'::json),
  'stats', json_build_object('total_variants', COALESCE(vs.active, 0), 'in_stock', COALESCE(vs.in_stock, 0),
      'low_stock', COALESCE(vs.low_stock, 0), 'out_of_stock', COALESCE(vs.out_of_stock, 0)))" +
         (admin ? variant_data : "") + R"()::text,
  p.category_id
FROM products p JOIN categories c ON c.id = p.category_id
LEFT JOIN LATERAL (
  SELECT json_agg()" +
         full_variant_json(audience) +
         R"( ORDER BY v.created_at, v.id) AS variants,
         count(*)::int AS total,
         count(*) FILTER (WHERE v.is_active)::int AS active,
         count(*) FILTER (WHERE v.is_active AND )" +
         stock + R"( > 5)::int AS in_stock,
         count(*) FILTER (WHERE v.is_active AND )" +
         stock + R"( BETWEEN 1 AND 5)::int AS low_stock,
         count(*) FILTER (WHERE v.is_active AND )" +
         stock + R"( <= 0)::int AS out_of_stock
  FROM variants v WHERE v.product_id = p.id)" +
         (admin ? "" : " AND v.is_active") + ") vs ON true\nWHERE p.id = $1" + (admin ? "" : " AND p.is_active");
}

// One list item, as the old backend's repository shaped it. Expects `p`
// (products), `c` (categories) and `vs` (lateral variant summary).
constexpr const char* kListItem = R"(json_build_object(
    'id', p.id, 'name', p.name, 'description', p.description, 'basePrice', wh_money(p.base_price),
    'categoryId', p.category_id,
    'category', json_build_object('id', c.id, 'name', c.name, 'slug', c.slug),
    'images', COALESCE(to_json(p.images), '[]'::json),
    'isActive', p.is_active, 'isFeatured', p.is_featured,
    'variantCount', vs.variant_count, 'totalStock', vs.total_stock,
    'createdAt', wh_iso(p.created_at), 'updatedAt', wh_iso(p.updated_at),
    'variants', vs.variants))";

// The variants of p in creation order (variants[0] is the "main" one):
// active ones for the storefront, all for the admin.
std::string variant_summary(Audience audience) {
  const std::string stock = stock_sql(audience);
  return std::string(R"(LEFT JOIN LATERAL (
    SELECT count(*)::int AS variant_count, COALESCE(sum()") +
         stock + R"(), 0)::int AS total_stock,
           COALESCE(json_agg(json_build_object(
             'id', v.id, 'price', wh_money(v.price), 'stock', )" +
         stock + R"(, 'sku', v.sku,
             'images', COALESCE(to_json(v.images), '[]'::json),
             'color', v.color, 'length', v.length, 'texture', v.texture, 'size', v.size,
             'isActive', v.is_active) ORDER BY v.created_at, v.id), '[]'::json) AS variants
    FROM variants v WHERE v.product_id = p.id)" +
         (audience == Audience::kStorefront ? " AND v.is_active" : "") + ") vs ON true";
}

// The products matching the filters, as conditions on `p` alone (no join:
// counting 95,000 products joined to their categories took 35-60 ms, alone
// 4 ms; the categories are looked up first, so the indexes on
// (is_active, category_id, ...) apply): $1 category slug or id, $2 min
// price, $3 max price, $4 in stock only, $5 search pattern (ILIKE). The
// in-stock and search conditions stay correlated EXISTS / ILIKE per product:
// a set computed once in a CTE and tested with IN (...) was planned, on a
// custom plan at 100k products, as a scan of the CTE per product (minutes).
std::string matches(Audience audience) {
  return std::string(audience == Audience::kStorefront ? "p.is_active\n    AND " : "") +
         R"(($1::text IS NULL OR p.category_id = ANY (ARRAY(SELECT c.id FROM categories c WHERE c.slug = $1 OR c.id = $1)))
    AND ($2::numeric IS NULL OR p.base_price >= $2::numeric)
    AND ($3::numeric IS NULL OR p.base_price <= $3::numeric)
    AND (NOT $4::bool OR EXISTS (
          SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.is_active AND )" +
         std::string(stock_sql(audience)) + R"( > 0))
    AND ($5::text IS NULL OR p.name ILIKE $5 OR p.description ILIKE $5
         OR p.category_id = ANY (ARRAY(SELECT c.id FROM categories c WHERE c.name ILIKE $5))
         OR EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id
                    AND (v.color ILIKE $5 OR v.texture ILIKE $5 OR v.length ILIKE $5 OR v.sku ILIKE $5))))";
}

// How a sort orders `p` (by), the keys the page carries (keys, as k1, k2),
// and the same order over the page's rows (again).
struct SortSql {
  std::string by;
  std::string keys;
  std::string again;
  std::string join;  // what `by` needs besides p
};

SortSql sort_sql(Sort sort) {
  switch (sort) {
    case Sort::kPriceAsc:
      return {"p.base_price ASC, p.created_at DESC, p.id", "p.base_price AS k1, p.created_at AS k2",
              "page.k1 ASC, page.k2 DESC, page.id", ""};
    case Sort::kPriceDesc:
      return {"p.base_price DESC, p.created_at DESC, p.id", "p.base_price AS k1, p.created_at AS k2",
              "page.k1 DESC, page.k2 DESC, page.id", ""};
    case Sort::kPopular:
      // Units ordered per product over orders that were not cancelled.
      return {"COALESCE(pop.sold, 0) DESC, p.created_at DESC, p.id", "COALESCE(pop.sold, 0) AS k1, p.created_at AS k2",
              "page.k1 DESC, page.k2 DESC, page.id",
              R"(
  LEFT JOIN (
      SELECT v.product_id, sum(oi.quantity) AS sold
      FROM order_items oi JOIN variants v ON v.id = oi.variant_id
      JOIN orders o ON o.id = oi.order_id AND o.status <> 'cancelled'
      GROUP BY v.product_id) pop ON pop.product_id = p.id)"};
    case Sort::kName:
      return {"lower(p.name), p.created_at DESC, p.id", "lower(p.name) AS k1, p.created_at AS k2",
              "page.k1, page.k2 DESC, page.id", ""};
    case Sort::kNewest:
      break;
  }
  return {"p.created_at DESC, p.id", "p.created_at AS k1, NULL::timestamp AS k2", "page.k1 DESC, page.id", ""};
}

// One statement: the page and the count, each read straight from the
// products (the page through the index on its sort keys where one exists,
// e.g. (is_active, created_at) for newest, so it reads offset + limit rows
// rather than sorting every match). $6 limit, $7 offset.
std::string build_list_sql(Sort sort, Audience audience) {
  const SortSql o = sort_sql(sort);
  const std::string where = matches(audience);
  return std::string(R"(WITH page AS (
  SELECT p.id, )") +
         o.keys + R"(
  FROM products p)" +
         o.join + R"(
  WHERE )" +
         where + R"(
  ORDER BY )" +
         o.by + R"(
  LIMIT $6 OFFSET $7)
SELECT COALESCE((
    SELECT json_agg()" +
         kListItem + R"( ORDER BY )" + o.again + R"()
    FROM page JOIN products p ON p.id = page.id JOIN categories c ON c.id = p.category_id
    )" + variant_summary(audience) +
         R"(), '[]'::json)::text,
  (SELECT count(*) FROM products p WHERE )" +
         where + ")";
}

constexpr std::size_t kSorts = 5;

const std::string& list_sql(Sort sort, Audience audience) {
  static const auto all = [] {
    std::array<std::array<std::string, kSorts>, 2> sqls;
    for (std::size_t a = 0; a < 2; ++a) {
      for (std::size_t s = 0; s < kSorts; ++s) sqls[a][s] = build_list_sql(Sort(s), Audience(a));
    }
    return sqls;
  }();
  return all[static_cast<std::size_t>(audience)][static_cast<std::size_t>(sort)];
}

}  // namespace

const std::string& product_detail_sql(Audience audience) {
  static const std::string storefront = build_detail_sql(Audience::kStorefront);
  static const std::string admin = build_detail_sql(Audience::kAdmin);
  return audience == Audience::kAdmin ? admin : storefront;
}

Sort parse_sort(std::string_view s) {
  if (s == "price_asc") return Sort::kPriceAsc;
  if (s == "price_desc") return Sort::kPriceDesc;
  if (s == "popular") return Sort::kPopular;
  if (s == "name") return Sort::kName;
  return Sort::kNewest;
}

std::string ListPage::object(const std::string& extra) const {
  return "{\"products\":" + products_json + ",\"total\":" + std::to_string(total) + extra + "}";
}

Task<ListPage> run_list(web::Context& ctx, const ListQuery& q, Audience audience) {
  // Built before co_await: g++ 12 mis-compiles braced lists inside co_await.
  db::Params params{q.category,
                    q.min_price,
                    q.max_price,
                    q.in_stock,
                    q.search ? std::optional(web::contains_pattern(*q.search)) : std::nullopt,
                    q.limit,
                    static_cast<long long>(q.page - 1) * q.limit};
  auto r = co_await ctx.db().query(list_sql(q.sort, audience), std::move(params));
  co_return ListPage{std::string(r.get(0, 0)), r.get_int(0, 1)};
}

}  // namespace wh::catalog
