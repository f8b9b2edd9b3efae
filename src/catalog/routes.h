// Storefront catalog read API: products, variants, categories, banners,
// public settings and currency.
#pragma once
#include "web/router.h"

namespace wh::catalog {

void register_routes(web::Router& router);

}  // namespace wh::catalog
