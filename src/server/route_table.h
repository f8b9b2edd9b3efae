// The route table as data, for the edge (`wighaven routes`): the Cloudflare
// Worker in edge/ sends exactly these method + pattern pairs to this server
// and everything else to the legacy backend; edge/src/routes.json is this
// output and the edge tests check it still is.
#pragma once
#include <string>

#include "web/router.h"

namespace wh::server {

// A JSON array, one object per route, sorted by pattern then method:
//   {"method":"GET","pattern":"/api/products/:id","public":true,"cache":"product_detail"}
// `public` = the route has a web::CachePlan (its response does not depend on
// the caller, so the edge may drop credentials and cache it); `cache` is the
// plan's cache instance, or null. One route per line, so diffs stay readable.
std::string routes_json(const web::Router& router);

}  // namespace wh::server
