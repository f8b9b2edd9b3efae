// Admin category API (reference §1.5), admin or super-admin only:
//   GET    /api/admin/categories      the public list, with inactive ones
//   POST   /api/admin/categories      create; the slug comes from the name
//   PATCH  /api/admin/categories/:id  update (at least one field); a rename
//                                     keeps the slug (links stay valid)
//                                     unless `slug` is given
//   DELETE /api/admin/categories/:id  delete; body {transferToId} moves the
//                                     category's products there first
// Names and slugs are unique (409 naming the field). A category that still
// has products is deleted only with a valid transfer target; the move and
// the delete are one transaction. Every write invalidates the cached
// category and product reads before it answers.
#pragma once
#include <string>
#include <string_view>

#include "web/router.h"

namespace wh::catalog {

void register_admin_category_routes(web::Router& router);

// The old backend's slug of a name: lower case, characters other than
// [a-z0-9], white space and '-' removed, runs of white space and hyphens
// made one '-'; and (a fix) no '-' at either end. "" when nothing is left.
std::string category_slug(std::string_view name);

}  // namespace wh::catalog
