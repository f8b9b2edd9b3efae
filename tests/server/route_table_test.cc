// `wighaven routes`: the route table the edge Worker is checked against.
#include "server/route_table.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "server/routes.h"

namespace wh {
namespace {

web::Handler no_handler() {
  return [](web::Context&) -> Task<http::Response> { co_return http::Response{}; };
}

TEST(RouteTableTest, ListsEachRouteSortedWithItsCachePlan) {
  web::Router router;
  router.add("POST", "/b", no_handler());
  router.add("GET", "/b/:id", no_handler(), web::CachePlan{"things", {}});
  router.add("GET", "/b", no_handler());
  EXPECT_EQ(server::routes_json(router),
            "[\n"
            "  {\"method\":\"GET\",\"pattern\":\"/b\",\"public\":false,\"cache\":null},\n"
            "  {\"method\":\"POST\",\"pattern\":\"/b\",\"public\":false,\"cache\":null},\n"
            "  {\"method\":\"GET\",\"pattern\":\"/b/:id\",\"public\":true,\"cache\":\"things\"}\n"
            "]\n");
}

TEST(RouteTableTest, TheServerTableMarksCatalogReadsPublicAndAccountRoutesNot) {
  web::Router router;
  server::register_routes(router);
  auto table = boost::json::parse(server::routes_json(router)).as_array();
  EXPECT_EQ(table.size(), router.size());
  auto is_public = [&](std::string_view method, std::string_view pattern) {
    for (const auto& r : table) {
      const auto& o = r.as_object();
      if (o.at("method").as_string() == method && o.at("pattern").as_string() == pattern) {
        return o.at("public").as_bool();
      }
    }
    ADD_FAILURE() << method << " " << pattern << " is not in the table";
    return false;
  };
  EXPECT_TRUE(is_public("GET", "/api/products/:id"));
  EXPECT_FALSE(is_public("GET", "/api/auth/me"));
  EXPECT_FALSE(is_public("GET", "/api/admin/products"));
}

}  // namespace
}  // namespace wh
