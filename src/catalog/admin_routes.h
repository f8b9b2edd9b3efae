// The admin catalog write API: products and variants (reference §1.3,
// §1.4). The CSV bulk upload is registered elsewhere.
#pragma once
#include "web/router.h"

namespace wh::catalog {

void register_admin_routes(web::Router& router);

}  // namespace wh::catalog
