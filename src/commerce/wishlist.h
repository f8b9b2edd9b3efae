// The wishlist of reference §1.11 (/api/wishlist, signed-in customers):
//   GET    /api/wishlist             {data: items, count}: newest first, only
//                                    active products, each with its active
//                                    variants (available stock)
//   POST   /api/wishlist             {productId}: 201 with the item; 400 for a
//                                    missing or malformed id or an inactive
//                                    product, 404 unknown, 409 already there
//   DELETE /api/wishlist/:productId  404 when it was not there
// An item is the old row {id, userId, productId, createdAt, product}. The
// product's `category` is the category object {id, name, slug} the
// storefront's Product type reads (the old backend sent the bare slug, so
// the page's `category.slug` was always undefined). At most kMaxWishlist
// items per user keep the unpaginated list bounded. Private responses.
#pragma once
#include "web/router.h"

namespace wh::commerce {

inline constexpr int kMaxWishlist = 200;

void register_wishlist_routes(web::Router& router);

}  // namespace wh::commerce
