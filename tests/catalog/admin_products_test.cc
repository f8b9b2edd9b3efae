// The admin product routes (reference §1.3): shapes, role checks,
// validation, 404s, conflicts, transactions, and that the storefront's
// next read shows every write.
#include "catalog/admin_fixture.h"

namespace wh::test {
namespace {

using AdminProducts = AdminCatalog;

json::object product_body(const std::string& name, const std::string& category) {
  return json::object{
      {"name", name},
      {"description", "A test wig"},
      {"basePrice", 450},
      {"categoryId", category},
      {"isActive", true},
      {"isFeatured", false},
      {"images", json::array{"https://example.com/a.jpg"}},
      {"variants",
       json::array{json::object{{"sku", name + "-1"},
                                {"price", 0},
                                {"stock", 3},
                                {"color", "Black"},
                                {"length", ""},
                                {"texture", ""},
                                {"size", ""},
                                {"images", json::array{}},
                                {"isActive", true}},
                   json::object{
                       {"sku", name + "-2"}, {"price", 500.5}, {"stock", 0}, {"color", "Brown"}, {"isActive", true}}}}};
}

// Whether the storefront's first page of newest products lists `id`.
bool listed(const std::string& id) {
  auto body = AdminCatalog::pub("/api/products?sort=newest&limit=100").json();
  for (const auto& p : body.at("data").at("products").as_array()) {
    if (p.at("id") == json::value(id)) return true;
  }
  return false;
}

TEST_F(AdminProducts, EveryRouteIs401WithoutATokenAnd403ForACustomer) {
  std::string p = unordered_product(), v = variant_of(p);
  const std::vector<std::pair<std::string, std::string>> routes = {{"GET", "/api/admin/products"},
                                                                   {"POST", "/api/admin/products"},
                                                                   {"GET", "/api/admin/products/" + p},
                                                                   {"PATCH", "/api/admin/products/" + p},
                                                                   {"DELETE", "/api/admin/products/" + p},
                                                                   {"POST", "/api/admin/products/" + p + "/duplicate"},
                                                                   {"PATCH", "/api/admin/products/bulk-status"},
                                                                   {"DELETE", "/api/admin/products/bulk"},
                                                                   {"POST", "/api/admin/variants"},
                                                                   {"GET", "/api/admin/variants/" + v},
                                                                   {"PATCH", "/api/admin/variants/" + v},
                                                                   {"DELETE", "/api/admin/variants/" + v},
                                                                   {"PATCH", "/api/admin/inventory/bulk-update"}};
  for (const auto& [method, target] : routes) {
    EXPECT_EQ(raw(method, target, "{}", "").status, 401) << method << " " << target;
    EXPECT_EQ(raw(method, target, "{}", customer_).status, 403) << method << " " << target;
  }
  EXPECT_EQ(pub("/api/products/" + p).status, 200) << "nothing was deleted";
  EXPECT_EQ(raw("GET", "/api/admin/products/" + p, "", super_).status, 200) << "super admins pass";
}

TEST_F(AdminProducts, CreateAnswersTheAdminProductAndTheStorefrontListsIt) {
  std::string cat = category_id();
  long long total = data(pub("/api/products?limit=1")).at("total").as_int64();
  auto r = call("POST", "/api/admin/products", product_body("Create Test", cat));
  auto d = data(r, 201).as_object();
  std::string id = str(d.at("id"));
  EXPECT_EQ(d.at("name"), "Create Test");
  EXPECT_EQ(d.at("basePrice"), "450");
  EXPECT_EQ(d.at("images").as_array().size(), 0u) << "product images are deprecated";
  EXPECT_EQ(d.at("category").at("id"), json::value(cat));
  const auto& variants = d.at("variants").as_array();
  ASSERT_EQ(variants.size(), 2u);
  EXPECT_EQ(variants[0].at("sku"), "Create Test-1") << "list order is creation order";
  EXPECT_EQ(variants[0].at("price"), "450") << "price 0 falls back to the base price";
  EXPECT_EQ(variants[0].at("images").as_array()[0], "https://example.com/a.jpg") << "main variant holds images";
  EXPECT_TRUE(variants[0].at("length").is_null()) << "empty attributes are stored as null";
  EXPECT_EQ(variants[1].at("price"), "500.5");
  EXPECT_EQ(d.at("variantData").at("mainVariant").at("id"), variants[0].at("id"));
  EXPECT_EQ(d.at("variantData").at("subVariants").as_array().size(), 1u);
  EXPECT_EQ(d.at("variantData").at("count"), 2);
  EXPECT_EQ(d.at("stats").at("out_of_stock"), 1);

  EXPECT_TRUE(listed(id));
  EXPECT_EQ(data(pub("/api/products?limit=1")).at("total").as_int64(), total + 1);
  auto detail = data(pub("/api/products/" + id)).as_object();
  EXPECT_EQ(detail.at("variants").as_array().size(), 2u);
}

TEST_F(AdminProducts, CreateAcceptsSnakeCaseAndACategorySlugAndMakesADefaultVariant) {
  std::string slug = q("SELECT slug FROM categories WHERE is_active ORDER BY name LIMIT 1");
  json::object body{{"name", "Snake Case"}, {"description", "snake body"}, {"base_price", "99.5"},   {"category", slug},
                    {"is_active", false},   {"is_featured", true},         {"images", json::array{}}};
  auto d = data(call("POST", "/api/admin/products", body), 201).as_object();
  EXPECT_EQ(d.at("basePrice"), "99.5");
  EXPECT_EQ(d.at("isActive"), false);
  EXPECT_EQ(d.at("isFeatured"), true);
  EXPECT_EQ(d.at("category").at("slug"), json::value(slug));
  const auto& variants = d.at("variants").as_array();
  ASSERT_EQ(variants.size(), 1u);
  std::string id = str(d.at("id"));
  std::string tail = id.substr(id.size() - 6);
  for (auto& c : tail) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(variants[0].at("sku"), json::value(tail + "-DEFAULT"));
  EXPECT_EQ(variants[0].at("price"), "99.5");
  EXPECT_EQ(pub("/api/products/" + id).status, 404) << "created inactive";
}

TEST_F(AdminProducts, CreateValidationListsEveryBadField) {
  auto r = call("POST", "/api/admin/products", json::object{});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has_field(r, "name", "Product name is required")) << r.body;
  EXPECT_TRUE(has_field(r, "description", "Product description is required"));
  EXPECT_TRUE(has_field(r, "basePrice", "Base price is required"));
  EXPECT_TRUE(has_field(r, "categoryId", "Category is required"));

  json::object body{{"name", std::string(256, 'x')},
                    {"description", "ab"},
                    {"basePrice", 0},
                    {"categoryId", category_id()},
                    {"isActive", "maybe"},
                    {"images", json::array{"not a url"}},
                    {"variants", json::array{json::object{{"stock", -1}}, json::object{{"price", "abc"}}, 5}}};
  r = call("POST", "/api/admin/products", body);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has_field(r, "name", "Product name must not exceed 255 characters")) << r.body;
  EXPECT_TRUE(has_field(r, "description", "Product description must be at least 3 characters"));
  EXPECT_TRUE(has_field(r, "basePrice", "Base price must be at least 0.01"));
  EXPECT_TRUE(has_field(r, "isActive", "\"isActive\" must be a boolean"));
  EXPECT_TRUE(has_field(r, "images.0", "\"images[0]\" must be a valid uri"));
  EXPECT_TRUE(has_field(r, "variants.0.stock", "Stock cannot be negative"));
  EXPECT_TRUE(has_field(r, "variants.1.price", "\"price\" must be a number"));
  EXPECT_TRUE(has_field(r, "variants.2", "\"variants[2]\" must be of type object"));
  EXPECT_EQ(qn("SELECT count(*) FROM products WHERE description = 'ab'"), 0);
}

TEST_F(AdminProducts, CreateWithAnUnknownCategoryIs400OnThatField) {
  auto body = product_body("No Category", "cnosuchcategory");
  auto r = call("POST", "/api/admin/products", body);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has_field(r, "categoryId", "Category not found")) << r.body;
}

TEST_F(AdminProducts, CreateWithATakenSkuIs409AndCreatesNothing) {
  auto body = product_body("Taken Sku", category_id());
  body["variants"].as_array()[1].as_object()["sku"] = q("SELECT sku FROM variants ORDER BY id LIMIT 1");
  auto r = call("POST", "/api/admin/products", body);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json().at("error").at("message"), "SKU already exists");
  EXPECT_EQ(qn("SELECT count(*) FROM products WHERE name = 'Taken Sku'"), 0);

  body = product_body("Same Attributes", category_id());
  body["variants"].as_array()[1].as_object()["color"] = "Black";
  body["variants"].as_array()[1].as_object()["length"] = nullptr;
  r = call("POST", "/api/admin/products", body);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json().at("error").at("message"), "A variant with these attributes already exists");
}

// A variant insert that fails after the product row was written (here a
// trigger plays a concurrent writer taking the SKU) leaves no product.
TEST_F(AdminProducts, AVariantFailingInACreateLeavesNoProduct) {
  q("CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF NEW.sku = 'LOST-RACE' THEN RAISE EXCEPTION 'taken' USING ERRCODE = 'unique_violation'; END IF; "
    "RETURN NEW; END $$");
  q("CREATE TRIGGER boom BEFORE INSERT ON variants FOR EACH ROW EXECUTE FUNCTION boom()");
  auto body = product_body("Half Applied", category_id());
  body["variants"].as_array()[1].as_object()["sku"] = "LOST-RACE";
  auto r = call("POST", "/api/admin/products", body);
  q("DROP TRIGGER boom ON variants");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(qn("SELECT count(*) FROM products WHERE name = 'Half Applied'"), 0);
  EXPECT_EQ(qn("SELECT count(*) FROM variants WHERE sku LIKE 'Half Applied%'"), 0);
}

TEST_F(AdminProducts, AdminGetShowsInactiveVariantsAndVariantData) {
  std::string id = q(
      "SELECT product_id FROM variants GROUP BY product_id HAVING bool_or(NOT is_active) ORDER BY product_id LIMIT 1");
  ASSERT_FALSE(id.empty());
  auto d = data(call("GET", "/api/admin/products/" + id)).as_object();
  EXPECT_EQ(static_cast<long long>(d.at("variants").as_array().size()),
            qn("SELECT count(*) FROM variants WHERE product_id = " + quote(id)));
  const auto& vd = d.at("variantData").as_object();
  EXPECT_EQ(vd.at("allVariants"), d.at("variants"));
  EXPECT_EQ(vd.at("hasVariants"), true);
  EXPECT_EQ(vd.at("count").as_int64() - 1, static_cast<long long>(vd.at("subVariants").as_array().size()));
  EXPECT_TRUE(d.at("category").as_object().contains("description"));
  EXPECT_EQ(call("GET", "/api/admin/products/cnosuchproduct").status, 404);
}

TEST_F(AdminProducts, AdminListHasInactiveProductsAndCapsTheLimit) {
  q("UPDATE products SET is_active = false WHERE id = " + quote(unordered_product()));
  long long all = qn("SELECT count(*) FROM products");
  auto d = data(call("GET", "/api/admin/products?limit=100&sort=name")).as_object();
  EXPECT_EQ(d.at("total"), all);
  EXPECT_EQ(d.at("limit"), 100);
  const auto& products = d.at("products").as_array();
  for (std::size_t i = 1; i < products.size(); ++i) {
    std::string a = str(products[i - 1].at("name")), b = str(products[i].at("name"));
    for (auto* s : {&a, &b}) {
      for (auto& c : *s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    EXPECT_LE(a, b) << "sort=name";
  }
  auto r = call("GET", "/api/admin/products?limit=5000");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(names_field(r, "limit"));
}

TEST_F(AdminProducts, UpdateChangesOnlyTheGivenFieldsAndTheStorefrontSeesIt) {
  std::string id = unordered_product();
  auto before = data(pub("/api/products/" + id)).as_object();
  auto d = data(call("PATCH", "/api/admin/products/" + id, json::object{{"name", "Renamed Wig"}})).as_object();
  EXPECT_EQ(d.at("name"), "Renamed Wig");
  EXPECT_EQ(d.at("description"), before.at("description"));
  EXPECT_EQ(d.at("basePrice"), before.at("basePrice"));
  EXPECT_EQ(data(pub("/api/products/" + id)).at("name"), "Renamed Wig");

  d = data(call("PATCH", "/api/admin/products/" + id, json::object{{"base_price", 123.45}, {"is_featured", true}}))
          .as_object();
  EXPECT_EQ(d.at("basePrice"), "123.45");
  EXPECT_EQ(data(pub("/api/products/" + id)).at("basePrice"), "123.45");
}

TEST_F(AdminProducts, UpdateVariantsUpdatesThoseWithAnIdAndAddsTheOthers) {
  std::string id = unordered_product();
  std::string v = variant_of(id);
  auto before = data(pub("/api/products/" + id)).as_object();
  json::object body{{"variants", json::array{json::object{{"id", v}, {"stock", 77}},
                                             json::object{{"sku", "ADDED-1"}, {"color", "Ombre Test"}, {"stock", 2}}}}};
  auto d = data(call("PATCH", "/api/admin/products/" + id, body)).as_object();
  EXPECT_EQ(d.at("variants").as_array().size(), before.at("variants").as_array().size() + 1);
  auto after = data(pub("/api/products/" + id)).as_object();
  bool updated = false, added = false;
  for (const auto& x : after.at("variants").as_array()) {
    updated = updated || (x.at("id") == json::value(v) && x.at("stock") == 77);
    added = added || (x.at("sku") == "ADDED-1" && x.at("price") == before.at("basePrice"));
  }
  EXPECT_TRUE(updated);
  EXPECT_TRUE(added);
}

TEST_F(AdminProducts, UpdateNotFoundAndConflictsAreRefusedWhole) {
  std::string id = unordered_product(), other = unordered_product(1);
  EXPECT_EQ(call("PATCH", "/api/admin/products/cnosuchproduct", json::object{{"name", "x"}}).status, 404);
  json::object foreign{{"name", "Never Applied"}, {"variants", json::array{json::object{{"id", variant_of(other)}}}}};
  EXPECT_EQ(call("PATCH", "/api/admin/products/" + id, foreign).status, 404) << "a variant of another product";

  // A new variant repeating an existing one's attributes.
  auto existing =
      q("SELECT json_build_object('color', color, 'length', length, 'texture', texture, 'size', size)"
        " FROM variants WHERE product_id = " +
        quote(id) + " ORDER BY created_at LIMIT 1");
  json::object twin = json::parse(existing).as_object();
  twin["sku"] = "TWIN-1";
  json::object body{{"name", "Never Applied"}, {"variants", json::array{twin}}};
  auto r = call("PATCH", "/api/admin/products/" + id, body);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(qn("SELECT count(*) FROM products WHERE name = 'Never Applied'"), 0);

  body = json::object{{"categoryId", "cnosuchcategory"}};
  r = call("PATCH", "/api/admin/products/" + id, body);
  EXPECT_TRUE(has_field(r, "categoryId", "Category not found")) << r.body;
}

TEST_F(AdminProducts, WritesInvalidateTheListsAndTheProductBeforeAnswering) {
  namespace instance = cache::instance;
  std::string a = unordered_product(0), b = unordered_product(1);
  cached(instance::kProductLists, "/api/products", "products");
  cached(instance::kProductDetail, "/api/products/" + a, "product:" + a);
  cached(instance::kProductDetail, "/api/products/" + b, "product:" + b);
  ASSERT_TRUE(cached(instance::kProductDetail, "/api/products/" + a, "product:" + a));

  EXPECT_EQ(call("PATCH", "/api/admin/products/" + a, json::object{{"isFeatured", true}}).status, 200);
  EXPECT_FALSE(cached(instance::kProductLists, "/api/products", "products"));
  EXPECT_FALSE(cached(instance::kProductDetail, "/api/products/" + a, "product:" + a));
  EXPECT_TRUE(cached(instance::kProductDetail, "/api/products/" + b, "product:" + b)) << "other products stay";

  EXPECT_EQ(
      call("PATCH", "/api/admin/products/bulk-status", json::object{{"ids", json::array{a, b}}, {"isActive", true}})
          .status,
      200);
  EXPECT_FALSE(cached(instance::kProductDetail, "/api/products/" + a, "product:" + a));
  EXPECT_FALSE(cached(instance::kProductDetail, "/api/products/" + b, "product:" + b));
}

TEST_F(AdminProducts, DeleteRemovesTheProductFromTheStorefront) {
  std::string id = unordered_product();
  ASSERT_EQ(pub("/api/products/" + id).status, 200);
  long long total = data(pub("/api/products?limit=1")).at("total").as_int64();
  auto r = call("DELETE", "/api/admin/products/" + id);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("message"), "Product deleted successfully");
  EXPECT_EQ(pub("/api/products/" + id).status, 404);
  EXPECT_EQ(data(pub("/api/products?limit=1")).at("total").as_int64(), total - 1);
  EXPECT_EQ(qn("SELECT count(*) FROM variants WHERE product_id = " + quote(id)), 0);
  EXPECT_EQ(call("DELETE", "/api/admin/products/" + id).status, 404);
}

TEST_F(AdminProducts, DeletingAProductWithOrdersIs409) {
  std::string id = ordered_product();
  ASSERT_FALSE(id.empty());
  auto r = call("DELETE", "/api/admin/products/" + id);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(pub("/api/products/" + id).status, 200);
}

TEST_F(AdminProducts, DuplicateMakesAnInactiveCopyWithNewSkus) {
  std::string id = unordered_product(0, 2);
  long long total = data(pub("/api/products?limit=1")).at("total").as_int64();
  auto d = data(call("POST", "/api/admin/products/" + id + "/duplicate"), 201).as_object();
  auto source = data(pub("/api/products/" + id)).as_object();
  EXPECT_EQ(d.at("name"), json::value("Copy of " + str(source.at("name"))));
  EXPECT_EQ(d.at("isActive"), false);
  const auto& copies = d.at("variants").as_array();
  const auto& originals = source.at("variants").as_array();
  ASSERT_EQ(copies.size(), originals.size());
  for (std::size_t i = 0; i < copies.size(); ++i) {
    EXPECT_NE(copies[i].at("sku"), originals[i].at("sku"));
    EXPECT_EQ(copies[i].at("color"), originals[i].at("color")) << "same order, same attributes";
  }
  // The copy is inactive: the storefront does not show it, the admin list does.
  EXPECT_EQ(data(pub("/api/products?limit=1")).at("total").as_int64(), total);
  EXPECT_EQ(pub("/api/products/" + str(d.at("id"))).status, 404);
  EXPECT_EQ(call("GET", "/api/admin/products/" + str(d.at("id"))).status, 200);
  EXPECT_EQ(call("POST", "/api/admin/products/cnosuchproduct/duplicate").status, 404);
}

TEST_F(AdminProducts, BulkStatusHidesAndShowsProductsOnTheStorefront) {
  std::string a = unordered_product(0), b = unordered_product(1);
  ASSERT_EQ(pub("/api/products/" + a).status, 200);
  ASSERT_EQ(pub("/api/products/" + b).status, 200);
  json::object body{{"ids", json::array{a, b, "cnosuchproduct"}}, {"isActive", false}};
  auto r = call("PATCH", "/api/admin/products/bulk-status", body);
  EXPECT_EQ(data(r).at("count"), 2);
  EXPECT_EQ(r.json().at("message"), "Updated 2 products");
  EXPECT_EQ(pub("/api/products/" + a).status, 404);
  EXPECT_EQ(pub("/api/products/" + b).status, 404);

  body["isActive"] = true;
  EXPECT_EQ(data(call("PATCH", "/api/admin/products/bulk-status", body)).at("count"), 2);
  EXPECT_EQ(pub("/api/products/" + a).status, 200);

  r = call("PATCH", "/api/admin/products/bulk-status", json::object{{"ids", json::array{}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has_field(r, "ids", "No product IDs provided")) << r.body;
  EXPECT_TRUE(has_field(r, "isActive", "\"isActive\" is required"));
}

TEST_F(AdminProducts, BulkDeleteDeletesWhatNoOrderHoldsInOneStatement) {
  std::string a = unordered_product(0), b = unordered_product(1), held = ordered_product();
  ASSERT_EQ(pub("/api/products/" + a).status, 200);
  ASSERT_EQ(call("GET", "/api/admin/products/" + a).status, 200);  // the admin's principal is cached now
  json::object body{{"ids", json::array{a, b, held}}};
  auto r = call("DELETE", "/api/admin/products/bulk", body);
  auto d = data(r).as_object();
  EXPECT_EQ(d.at("success"), 2);
  EXPECT_EQ(d.at("failed"), 1);
  EXPECT_EQ(r.statements(), 1);
  EXPECT_EQ(pub("/api/products/" + a).status, 404);
  EXPECT_EQ(pub("/api/products/" + b).status, 404);
  EXPECT_EQ(pub("/api/products/" + held).status, 200);
}

}  // namespace
}  // namespace wh::test
