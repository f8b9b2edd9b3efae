#include "catalog/routes.h"

#include "cache/instances.h"
#include "catalog/categories.h"
#include "catalog/products.h"
#include "content/public_content.h"
#include "currency/currency_routes.h"

namespace wh::catalog {

namespace {

// Routes that read no query parameter: any query is ignored, one key.
http::HeaderList no_query(const http::Request&) { return {}; }

web::CachePlan cached(std::string_view instance,
                      std::function<http::HeaderList(const http::Request&)> canonical_query = no_query) {
  return web::CachePlan{instance, std::move(canonical_query)};
}

}  // namespace

// The storefront's public reads, each cached as response bytes (see
// cache/instances.h for the instances and docs/caching.md for what
// invalidates them).
void register_routes(web::Router& router) {
  namespace instance = cache::instance;
  router.add("GET", "/api/products", list_products, cached(instance::kProductLists, list_products_query));
  router.add("GET", "/api/products/search", search_products, cached(instance::kProductLists, search_products_query));
  router.add("GET", "/api/products/categories", product_categories, cached(instance::kProductLists));
  router.add("GET", "/api/products/:id", get_product, cached(instance::kProductDetail));
  router.add("GET", "/api/products/:id/variants", get_product_variants, cached(instance::kProductDetail));
  router.add("GET", "/api/variants/:id", get_variant, cached(instance::kProductDetail));
  router.add("GET", "/api/categories", list_categories, cached(instance::kCategories, list_categories_query));
  router.add("GET", "/api/categories/:id", get_category, cached(instance::kCategories));
  router.add("GET", "/api/banners", content::active_banners, cached(instance::kBanners));
  router.add("GET", "/api/settings/public", content::public_settings, cached(instance::kSettings));
  router.add("GET", "/api/admin/settings/public", content::public_settings, cached(instance::kSettings));
  router.add("GET", "/api/currency/rates", currency::rates, cached(instance::kCurrency));
  router.add("GET", "/api/currency/supported", currency::supported, cached(instance::kCurrency));
  // Not cached: its key space is every amount; it reads one small table.
  router.add("GET", "/api/currency/convert", currency::convert);
}

}  // namespace wh::catalog
