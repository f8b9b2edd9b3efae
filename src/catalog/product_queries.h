// Product queries shared by the storefront reads (catalog/products.cc) and
// the admin catalog API (catalog/admin_*.cc): the JSON shapes the old
// backend's Prisma queries returned, built by PostgreSQL, and the one
// paginated list statement.
//
// Table aliases used by the fragments: p = products, c = categories,
// v = variants.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/task.h"
#include "web/context.h"

namespace wh::catalog {

// Keys of a product row, for a json_build_object: id, name, description,
// basePrice, categoryId, images, isActive, isFeatured, createdAt, updatedAt.
extern const char* const kProductFieldsJson;
// The whole category row as a JSON object.
extern const char* const kCategoryJson;
// Who a read is for: the storefront sees active products and their active
// variants, and as `stock` what it can still buy (stock - reserved_stock,
// never below 0: units held by pending checkouts are not offered); the admin
// sees every product and every variant, with the stock on the shelf.
enum class Audience { kStorefront, kAdmin };

// The SQL expression of a variant `v`'s stock as `audience` sees it.
const char* stock_sql(Audience audience);
// json_build_object of a variant row's keys (schema order).
const std::string& full_variant_json(Audience audience);
// The variant with its product: full_variant_json's keys plus
// 'product', json_build_object(kProductFieldsJson).
const std::string& variant_with_product_json(Audience audience);

enum class Sort { kNewest, kPriceAsc, kPriceDesc, kPopular, kName };

// $1 product id -> (JSON, category id): the product with its full category, variants in
// creation order and stats {total_variants, in_stock (> 5), low_stock (1-5),
// out_of_stock} over its active variants; no row when absent. The
// storefront's: an active product and its active variants. The admin's:
// any product, every variant, and variantData {mainVariant, subVariants,
// allVariants, hasVariants, count} as the old admin route returned it.
const std::string& product_detail_sql(Audience audience);

// newest (also the fallback), price_asc, price_desc, popular, name.
Sort parse_sort(std::string_view s);

struct ListQuery {
  std::optional<std::string> category, min_price, max_price, search;
  bool in_stock = false;
  Sort sort = Sort::kNewest;
  int page = 1;
  int limit = 20;
};

struct ListPage {
  std::string products_json;
  long long total = 0;
  // {"products":[..],"total":N<extra>}
  std::string object(const std::string& extra) const;
};

// One page of list items {id, name, ..., category{id,name,slug},
// variantCount, totalStock, variants[]} and the filtered total, in one
// statement whatever the page size.
Task<ListPage> run_list(web::Context& ctx, const ListQuery& q, Audience audience);

}  // namespace wh::catalog
