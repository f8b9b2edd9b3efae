// The admin variant and inventory routes (reference §1.4): shapes,
// validation, 404s, conflicts, all-or-nothing bulk updates, and that the
// storefront's next read shows every write.
#include "catalog/admin_fixture.h"

namespace wh::test {
namespace {

using AdminVariants = AdminCatalog;

// The active variant `id` as the storefront's product detail lists it
// (null when it is not listed).
json::value listed_variant(const std::string& product, const std::string& id) {
  auto r = AdminCatalog::pub("/api/products/" + product);
  if (r.status != 200) return nullptr;
  auto body = r.json();
  for (const auto& v : body.at("data").at("variants").as_array()) {
    if (v.at("id") == json::value(id)) return v;
  }
  return nullptr;
}

TEST_F(AdminVariants, CreateAnswersTheRowAndTheStorefrontListsIt) {
  std::string p = unordered_product();
  auto before = data(pub("/api/products/" + p)).at("variants").as_array().size();
  json::object body{{"productId", p},
                    {"sku", "NEW-VARIANT-1"},
                    {"price", "610.00"},
                    {"stock", 4},
                    {"color", "Test Blue"},
                    {"length", nullptr},
                    {"images", json::array{"https://example.com/v.jpg"}}};
  auto d = data(call("POST", "/api/admin/variants", body), 201).as_object();
  EXPECT_EQ(d.at("productId"), json::value(p));
  EXPECT_EQ(d.at("sku"), "NEW-VARIANT-1");
  EXPECT_EQ(d.at("price"), "610");
  EXPECT_EQ(d.at("stock"), 4);
  EXPECT_EQ(d.at("isActive"), true);
  EXPECT_TRUE(is_iso_time(d.at("createdAt")));
  EXPECT_EQ(data(pub("/api/products/" + p)).at("variants").as_array().size(), before + 1);
  EXPECT_EQ(data(pub("/api/variants/" + str(d.at("id")))).at("sku"), "NEW-VARIANT-1");
}

TEST_F(AdminVariants, CreateValidatesNamesTheProductAndRefusesConflicts) {
  auto r = call("POST", "/api/admin/variants", json::object{{"stock", 1.5}, {"color", std::string(51, 'c')}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has_field(r, "productId", "Product ID is required")) << r.body;
  EXPECT_TRUE(has_field(r, "sku", "SKU is required"));
  EXPECT_TRUE(has_field(r, "price", "Price is required"));
  EXPECT_TRUE(has_field(r, "stock", "Stock must be an integer"));
  EXPECT_TRUE(has_field(r, "color", "\"color\" length must be less than or equal to 50 characters long"));

  json::object body{{"productId", "cnosuchproduct"}, {"sku", "ORPHAN-1"}, {"price", 10}, {"stock", 0}};
  EXPECT_EQ(call("POST", "/api/admin/variants", body).status, 404);

  std::string p = unordered_product();
  body["productId"] = p;
  body["sku"] = q("SELECT sku FROM variants ORDER BY id LIMIT 1");
  r = call("POST", "/api/admin/variants", body);
  EXPECT_EQ(r.status, 409) << r.body;

  // Same attributes as an existing variant; "" and null count as equal.
  auto twin = json::parse(q("SELECT json_build_object('color', color, 'length', COALESCE(length, ''),"
                            " 'texture', texture, 'size', size) FROM variants WHERE product_id = " +
                            quote(p) + " ORDER BY created_at LIMIT 1"))
                  .as_object();
  for (const auto& kv : twin) body[kv.key()] = kv.value();
  body["sku"] = "TWIN-SKU";
  r = call("POST", "/api/admin/variants", body);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json().at("error").at("message"), "A variant with these attributes already exists");
  EXPECT_EQ(qn("SELECT count(*) FROM variants WHERE sku IN ('TWIN-SKU', 'ORPHAN-1')"), 0);
}

TEST_F(AdminVariants, AdminGetShowsAnyVariantWithItsProduct) {
  std::string v = q("SELECT id FROM variants WHERE NOT is_active ORDER BY id LIMIT 1");
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(pub("/api/variants/" + v).status, 404) << "the storefront hides it";
  auto d = data(call("GET", "/api/admin/variants/" + v)).as_object();
  EXPECT_EQ(d.at("isActive"), false);
  EXPECT_EQ(d.at("product").at("id"), d.at("productId"));
  EXPECT_EQ(call("GET", "/api/admin/variants/cnosuchvariant").status, 404);
}

TEST_F(AdminVariants, UpdateChangesTheGivenFieldsAndTheStorefrontSeesIt) {
  std::string p = unordered_product(0, 2), v = variant_of(p);
  ASSERT_EQ(pub("/api/variants/" + v).status, 200);
  auto d = data(call("PATCH", "/api/admin/variants/" + v, json::object{{"price", 777.7}, {"stock", 12}})).as_object();
  EXPECT_EQ(d.at("price"), "777.7");
  EXPECT_EQ(d.at("stock"), 12);
  auto seen = data(pub("/api/variants/" + v));
  EXPECT_EQ(seen.at("price"), "777.7");
  EXPECT_EQ(listed_variant(p, v).at("stock"), 12);

  EXPECT_EQ(call("PATCH", "/api/admin/variants/" + v, json::object{{"isActive", false}}).status, 200);
  EXPECT_EQ(pub("/api/variants/" + v).status, 404);
  EXPECT_TRUE(listed_variant(p, v).is_null());
}

TEST_F(AdminVariants, UpdateRefusesBadFieldsUnknownIdsAndConflicts) {
  std::string p = unordered_product(0, 2), v = variant_of(p), w = variant_of(p, 1);
  auto r = call("PATCH", "/api/admin/variants/" + v, json::object{{"price", 0}, {"sku", ""}, {"images", "x"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has_field(r, "price", "Price must be at least 0.01")) << r.body;
  EXPECT_TRUE(has_field(r, "sku", "\"sku\" is not allowed to be empty"));
  EXPECT_TRUE(has_field(r, "images", "\"images\" must be an array"));
  EXPECT_EQ(call("PATCH", "/api/admin/variants/cnosuchvariant", json::object{{"stock", 1}}).status, 404);

  std::string other_sku = q("SELECT sku FROM variants WHERE id = " + quote(w));
  r = call("PATCH", "/api/admin/variants/" + v, json::object{{"sku", other_sku}, {"stock", 99}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json().at("error").at("message"), "SKU already exists");

  auto attrs = json::parse(q("SELECT json_build_object('color', color, 'length', length, 'texture', texture,"
                             " 'size', size) FROM variants WHERE id = " +
                             quote(w)))
                   .as_object();
  attrs["stock"] = 99;
  r = call("PATCH", "/api/admin/variants/" + v, attrs);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(qn("SELECT stock FROM variants WHERE id = " + quote(v)), 99) << "nothing applied";
}

TEST_F(AdminVariants, DeleteRemovesItFromTheStorefrontButKeepsTheLastActiveOne) {
  std::string p = unordered_product(0, 2), v = variant_of(p, 1), last = variant_of(p, 0);
  ASSERT_FALSE(listed_variant(p, v).is_null());
  auto r = call("DELETE", "/api/admin/variants/" + v);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("message"), "Variant deleted successfully");
  EXPECT_TRUE(listed_variant(p, v).is_null());
  EXPECT_EQ(pub("/api/variants/" + v).status, 404);
  EXPECT_EQ(call("DELETE", "/api/admin/variants/" + v).status, 404);

  q("UPDATE variants SET is_active = false WHERE product_id = " + quote(p) + " AND id <> " + quote(last));
  r = call("DELETE", "/api/admin/variants/" + last);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json().at("error").at("message"), "Cannot delete the last active variant of a product");
  EXPECT_FALSE(listed_variant(p, last).is_null());
}

TEST_F(AdminVariants, VariantWritesInvalidateTheOwningProduct) {
  namespace instance = cache::instance;
  std::string a = unordered_product(0, 2), b = unordered_product(1), v = variant_of(a);
  cached(instance::kProductLists, "/api/products", "products");
  cached(instance::kProductDetail, "/api/variants/" + v, "product:" + a);
  cached(instance::kProductDetail, "/api/products/" + b, "product:" + b);

  EXPECT_EQ(call("PATCH", "/api/admin/variants/" + v, json::object{{"stock", 3}}).status, 200);
  EXPECT_FALSE(cached(instance::kProductLists, "/api/products", "products"));
  EXPECT_FALSE(cached(instance::kProductDetail, "/api/variants/" + v, "product:" + a));
  EXPECT_TRUE(cached(instance::kProductDetail, "/api/products/" + b, "product:" + b));

  json::object body{{"variantIds", json::array{v}}, {"updates", json::object{{"stock", 4}}}};
  EXPECT_EQ(call("PATCH", "/api/admin/inventory/bulk-update", body).status, 200);
  EXPECT_FALSE(cached(instance::kProductDetail, "/api/variants/" + v, "product:" + a));
}

TEST_F(AdminVariants, DeletingAnOrderedVariantIs409) {
  std::string v =
      q("SELECT v.id FROM variants v WHERE EXISTS (SELECT 1 FROM order_items oi WHERE oi.variant_id = v.id)"
        " AND (SELECT count(*) FROM variants o WHERE o.product_id = v.product_id AND o.is_active) > 1"
        " ORDER BY v.id LIMIT 1");
  ASSERT_FALSE(v.empty());
  auto r = call("DELETE", "/api/admin/variants/" + v);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(qn("SELECT count(*) FROM variants WHERE id = " + quote(v)), 1);
}

TEST_F(AdminVariants, BulkUpdateAppliesToAllAndTheStorefrontSeesIt) {
  std::string a = unordered_product(0, 2), b = unordered_product(1);
  std::string va = variant_of(a), vb = variant_of(b);
  ASSERT_FALSE(listed_variant(a, va).is_null());
  ASSERT_FALSE(listed_variant(b, vb).is_null());
  json::object body{{"variantIds", json::array{va, vb}}, {"updates", json::object{{"stock", 31}}}};
  auto r = call("PATCH", "/api/admin/inventory/bulk-update", body);
  EXPECT_EQ(data(r).at("count"), 2);
  EXPECT_EQ(r.json().at("message"), "Successfully updated 2 variants");
  EXPECT_EQ(listed_variant(a, va).at("stock"), 31);
  EXPECT_EQ(listed_variant(b, vb).at("stock"), 31);
}

TEST_F(AdminVariants, BulkUpdateIsAllOrNothingAndCostsTheSameForAnyCount) {
  std::string p = unordered_product(0, 2), v = variant_of(p), w = variant_of(p, 1);
  json::object body{{"variantIds", json::array{v, "cnosuchvariant"}}, {"updates", json::object{{"stock", 55}}}};
  EXPECT_EQ(call("PATCH", "/api/admin/inventory/bulk-update", body).status, 404);
  EXPECT_NE(qn("SELECT stock FROM variants WHERE id = " + quote(v)), 55);

  body = json::object{{"variantIds", json::array{v, w}}, {"updates", json::object{{"sku", "ONE-SKU-FOR-TWO"}}}};
  EXPECT_EQ(call("PATCH", "/api/admin/inventory/bulk-update", body).status, 409);

  auto r = call("PATCH", "/api/admin/inventory/bulk-update", json::object{{"updates", json::object{}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has_field(r, "variantIds", "variantIds array is required")) << r.body;
  EXPECT_TRUE(has_field(r, "updates", "updates object is required"));
  r = call("PATCH", "/api/admin/inventory/bulk-update",
           json::object{{"variantIds", json::array{v}}, {"updates", json::object{{"stock", -3}}}});
  EXPECT_TRUE(has_field(r, "updates.stock", "Stock cannot be negative")) << r.body;

  auto many = json::parse(q("SELECT json_agg(id) FROM (SELECT id FROM variants ORDER BY id LIMIT 20) s"));
  json::array two{many.as_array()[0], many.as_array()[1]};
  auto small = call("PATCH", "/api/admin/inventory/bulk-update",
                    json::object{{"variantIds", two}, {"updates", json::object{{"stock", 8}}}});
  auto large = call("PATCH", "/api/admin/inventory/bulk-update",
                    json::object{{"variantIds", many}, {"updates", json::object{{"stock", 8}}}});
  EXPECT_EQ(data(large).at("count"), 20);
  EXPECT_EQ(small.statements(), large.statements()) << "no statement per variant";
}

}  // namespace
}  // namespace wh::test
