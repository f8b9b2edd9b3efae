// The admin activity log (admin/activity_log.h): each admin write leaves one
// admin_activities row per entity it changed, with the admin, the client
// IP and a small changes object, written with the write itself; a refused
// or failed write leaves none.
#include <string>
#include <tuple>
#include <vector>

#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

using ActivityLogApi = CommerceApi;

long long rows(const std::string& action, const std::string& entity) {
  return CommerceApi::qn("SELECT count(*) FROM admin_activities WHERE action = " + CommerceApi::quote(action) +
                         " AND entity_id = " + CommerceApi::quote(entity));
}

TEST_F(ActivityLogApi, ProductUpdateIsRecordedWithWhoWhatAndWhere) {
  std::string id = q("SELECT id FROM products WHERE is_active ORDER BY id LIMIT 1");
  auto r =
      call("PATCH", "/api/admin/products/" + id, json::object{{"name", "Renamed Wig"}, {"basePrice", 120}}, admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(qn("SELECT count(*) FROM admin_activities"), 1);
  auto row = json::parse(q("SELECT json_build_object('admin', admin_id, 'action', action, 'type', entity_type,"
                           " 'entity', entity_id, 'changes', changes, 'ip', ip_address, 'recent',"
                           " created_at > (now() AT TIME ZONE 'UTC') - interval '1 minute') FROM admin_activities"))
                 .as_object();
  EXPECT_EQ(str(row.at("admin")), user_id(auth::kAdminEmail));
  EXPECT_EQ(str(row.at("action")), "product.update");
  EXPECT_EQ(str(row.at("type")), "product");
  EXPECT_EQ(str(row.at("entity")), id);
  EXPECT_EQ(row.at("changes"),
            json::parse(R"({"fields":["basePrice","name"],"values":{"basePrice":120,"name":"Renamed Wig"}})"));
  EXPECT_EQ(str(row.at("ip")), "127.0.0.1");
  EXPECT_EQ(row.at("recent"), true);

  // Refused and failed writes leave nothing.
  EXPECT_EQ(call("PATCH", "/api/admin/products/" + id, json::object{{"basePrice", -1}}, admin_).status, 400);
  EXPECT_EQ(
      call("PATCH", "/api/admin/products/cnosuchproduct00000000000", json::object{{"name", "Ghost"}}, admin_).status,
      404);
  EXPECT_EQ(call("PATCH", "/api/admin/products/" + id, json::object{{"name", "Customer"}}, customer_).status, 403);
  EXPECT_EQ(qn("SELECT count(*) FROM admin_activities"), 1);
}

TEST_F(ActivityLogApi, EveryAdminWriteLeavesItsRow) {
  std::string product = q("SELECT id FROM products WHERE is_active ORDER BY id LIMIT 1");
  std::string other = q("SELECT id FROM products WHERE is_active ORDER BY id OFFSET 1 LIMIT 1");
  std::string variant_id = variant(0);
  std::string category = q("SELECT id FROM categories ORDER BY id LIMIT 1");
  std::string banner = q("SELECT id FROM promotional_banners ORDER BY id LIMIT 1");
  std::string customer = user_id(customer_email_);
  q("INSERT INTO reviews (id, product_id, user_id, rating, title, content, author_name, is_approved, updated_at)"
    " VALUES ('creviewlogged000000000001', " +
    quote(product) + ", " + quote(customer) + ", 5, 'Lovely', 'Lovely wig, soft and full', 'Ama', true, now())");
  q("INSERT INTO support_tickets (id, user_id, subject, updated_at) VALUES ('cticketlogged000000000001', " +
    quote(customer) + ", 'Where is my order?', now())");

  auto discount = call("POST", "/api/admin/discounts",
                       json::object{{"code", "LOGGED10"},
                                    {"type", "percentage"},
                                    {"value", 10},
                                    {"startsAt", "2020-01-01T00:00:00.000Z"},
                                    {"expiresAt", "2099-01-01T00:00:00Z"}},
                       admin_);
  std::string discount_id = str(data(discount, 201).at("id"));

  // method, target, body, expected status, action, entity.
  std::vector<std::tuple<std::string, std::string, json::value, int, std::string, std::string>> writes{
      {"PATCH", "/api/admin/variants/" + variant_id, json::object{{"stock", 7}}, 200, "variant.update", variant_id},
      {"PATCH", "/api/admin/products/bulk-status",
       json::object{{"ids", json::array{product, other}}, {"isActive", false}}, 200, "product.bulk_status", other},
      {"PATCH", "/api/admin/categories/" + category, json::object{{"description", "Logged"}}, 200, "category.update",
       category},
      {"DELETE", "/api/admin/banners/" + banner, nullptr, 200, "banner.delete", banner},
      {"POST", "/api/admin/settings", json::object{{"key", "logged_setting"}, {"value", "on"}}, 200, "setting.update",
       ""},
      {"PATCH", "/api/reviews/creviewlogged000000000001/reject", nullptr, 200, "review.reject",
       "creviewlogged000000000001"},
      {"PUT", "/api/support/admin/cticketlogged000000000001/status", json::object{{"status", "closed"}}, 200,
       "ticket.status", "cticketlogged000000000001"},
      {"DELETE", "/api/admin/discounts/" + discount_id, nullptr, 200, "discount.delete", discount_id},
  };
  for (const auto& [method, target, body, status, action, entity] : writes) {
    auto r = call(method, target, body, admin_);
    EXPECT_EQ(r.status, status) << method << " " << target << " " << r.body;
    std::string id = entity.empty() ? q("SELECT id FROM system_settings WHERE key = 'logged_setting'") : entity;
    EXPECT_EQ(rows(action, id), 1) << action;
  }
  EXPECT_EQ(rows("discount.create", discount_id), 1);
  EXPECT_EQ(rows("product.bulk_status", product), 1) << "one row per product";
  EXPECT_EQ(q("SELECT changes::text FROM admin_activities WHERE action = 'setting.update'"),
            R"({"key": "logged_setting", "value": "on"})");
  // A write that found nothing records nothing.
  EXPECT_EQ(call("DELETE", "/api/admin/banners/" + banner, nullptr, admin_).status, 404);
  EXPECT_EQ(
      call("PUT", "/api/support/admin/cticketlogged000000000001/status", json::object{{"status", "closed"}}, admin_)
          .status,
      200);
  EXPECT_EQ(rows("banner.delete", banner), 1);
  EXPECT_EQ(rows("ticket.status", "cticketlogged000000000001"), 1) << "the same status again changes nothing";
}

}  // namespace
}  // namespace wh::test
