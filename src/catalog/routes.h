// Storefront catalog read API: products, variants, categories, banners,
// public settings and currency.
#pragma once
#include "app/router.h"

namespace wh::catalog {

void register_routes(app::Router& router);

}  // namespace wh::catalog
