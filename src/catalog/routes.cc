#include "catalog/routes.h"

#include "catalog/categories.h"
#include "catalog/products.h"
#include "content/public_content.h"
#include "currency/currency_routes.h"

namespace wh::catalog {

void register_routes(web::Router& router) {
  router.add("GET", "/api/products", list_products);
  router.add("GET", "/api/products/search", search_products);
  router.add("GET", "/api/products/categories", product_categories);
  router.add("GET", "/api/products/:id", get_product);
  router.add("GET", "/api/products/:id/variants", get_product_variants);
  router.add("GET", "/api/variants/:id", get_variant);
  router.add("GET", "/api/categories", list_categories);
  router.add("GET", "/api/categories/:id", get_category);
  router.add("GET", "/api/banners", content::active_banners);
  router.add("GET", "/api/settings/public", content::public_settings);
  router.add("GET", "/api/admin/settings/public", content::public_settings);
  router.add("GET", "/api/currency/rates", currency::rates);
  router.add("GET", "/api/currency/supported", currency::supported);
  router.add("GET", "/api/currency/convert", currency::convert);
}

}  // namespace wh::catalog
