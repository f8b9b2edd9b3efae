#include "reviews/review_routes.h"

#include "reviews/review_common.h"

namespace wh::reviews {

void register_review_routes(web::Router& router) {
  register_storefront_routes(router);
  register_admin_routes(router);
}

}  // namespace wh::reviews
