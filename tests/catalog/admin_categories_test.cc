// The admin category API: roles, shapes, validation, conflicts, delete with
// transfer (atomic), and that every write shows in the public reads at once
// and invalidates the cached ones.
#include "catalog/admin_categories.h"

#include "support/admin_api.h"
#include "support/json_checks.h"

namespace wh::test {
namespace {

namespace json = boost::json;
using auth::str;

class AdminCategories : public AdminApi {
 protected:
  // The nth active category (by id) that has active products.
  static std::string stocked_category(int nth = 0) {
    return q(
        "SELECT c.id FROM categories c WHERE c.is_active AND EXISTS (SELECT 1 FROM products p WHERE "
        "p.category_id = c.id AND p.is_active) ORDER BY c.id OFFSET " +
        std::to_string(nth) + " LIMIT 1");
  }
  static std::string slug_of(const std::string& id) { return q("SELECT slug FROM categories WHERE id = '" + id + "'"); }
  static long long listed_products(const std::string& slug) {
    return ok("/api/products?category=" + slug).at("data").at("total").as_int64();
  }
  // The shop filter's entry for `slug`, or null.
  static json::value shop_entry(const std::string& slug) {
    auto list = ok("/api/products/categories").at("data").as_array();
    for (const auto& c : list) {
      if (str(c.at("id")) == slug) return c;
    }
    return nullptr;
  }
  // Its count; -1 when it is not listed.
  static long long shop_count(const std::string& slug) {
    auto c = shop_entry(slug);
    return c.is_null() ? -1 : c.at("count").as_int64();
  }
  static std::string shop_label(const std::string& slug) {
    auto c = shop_entry(slug);
    return c.is_null() ? "" : str(c.at("label"));
  }
  static HttpResult remove(const std::string& id, const json::value& body = nullptr) {
    return as_admin("DELETE", "/api/admin/categories/" + id, body);
  }
  static Probes probes_for(const std::vector<std::string>& ids) {
    std::vector<std::pair<std::string, std::string>> p{{"categories", "categories"}, {"product_lists", "products"}};
    for (const auto& id : ids) p.emplace_back("product_detail", "category:" + id);
    return Probes(p);
  }
};

TEST(CategorySlug, FollowsTheOldRuleWithoutEdgeHyphens) {
  EXPECT_EQ(catalog::category_slug("Lace Front Wigs"), "lace-front-wigs");
  EXPECT_EQ(catalog::category_slug("  Silk Press & Blowout  Wigs "), "silk-press-blowout-wigs");
  EXPECT_EQ(catalog::category_slug("13x4 HD-Lace -- Units"), "13x4-hd-lace-units");
  EXPECT_EQ(catalog::category_slug("Kids' Wigs!"), "kids-wigs");
  EXPECT_EQ(catalog::category_slug("- Bob -"), "bob");
  EXPECT_EQ(catalog::category_slug("Perruques été"), "perruques-t");
  EXPECT_EQ(catalog::category_slug("!!!"), "");
}

TEST_F(AdminCategories, OnlyAdminsAndSuperAdmins) {
  std::string id = stocked_category();
  expect_admin_only("GET", "/api/admin/categories");
  expect_admin_only("POST", "/api/admin/categories");
  expect_admin_only("PATCH", "/api/admin/categories/" + id);
  expect_admin_only("DELETE", "/api/admin/categories/" + id);
  EXPECT_EQ(call("GET", "/api/admin/categories", nullptr, super_).status, 200);
  EXPECT_EQ(call("POST", "/api/admin/categories", json::object{}, super_).status, 400);
  EXPECT_EQ(qn("SELECT count(*) FROM categories WHERE id = '" + id + "'"), 1);
}

TEST_F(AdminCategories, ListIncludesInactiveCategoriesAndCountsEveryProduct) {
  std::string id = stocked_category();
  q("UPDATE products SET is_active = false WHERE id = (SELECT id FROM products WHERE category_id = '" + id +
    "' AND is_active LIMIT 1)");
  auto r = as_admin("GET", "/api/admin/categories?limit=100");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json().as_object();
  const auto& list = body.at("data").as_array();
  EXPECT_EQ(body.at("pagination").at("total").as_int64(), qn("SELECT count(*) FROM categories"));
  EXPECT_EQ(static_cast<long long>(list.size()), qn("SELECT count(*) FROM categories"));
  bool saw_inactive = false;
  for (const auto& c : list) {
    saw_inactive = saw_inactive || !c.at("isActive").as_bool();
    EXPECT_EQ(c.at("productCount").as_int64(),
              qn("SELECT count(*) FROM products WHERE category_id = '" + str(c.at("id")) + "'"));
  }
  EXPECT_TRUE(saw_inactive) << "the seed has an inactive category";
  auto inactive = as_admin("GET", "/api/admin/categories?isActive=false").json();
  EXPECT_EQ(inactive.at("pagination").at("total").as_int64(),
            qn("SELECT count(*) FROM categories WHERE NOT is_active"));
  // The public list is unchanged: active categories, active products.
  auto pub = ok("/api/categories?limit=100");
  EXPECT_EQ(pub.at("pagination").at("total").as_int64(), qn("SELECT count(*) FROM categories WHERE is_active"));
  for (const auto& c : pub.at("data").as_array()) {
    EXPECT_EQ(c.at("productCount").as_int64(),
              qn("SELECT count(*) FROM products WHERE is_active AND category_id = '" + str(c.at("id")) + "'"));
  }
}

TEST_F(AdminCategories, CreateGeneratesTheSlugAndThePublicReadsShowIt) {
  const std::string slug = "silk-press-blowout-wigs";
  EXPECT_EQ(status("/api/categories/" + slug), 404);
  EXPECT_EQ(ok("/api/categories?search=Silk%20Press").at("pagination").at("total").as_int64(), 0);
  Probes probes{{"categories", "categories"}, {"product_lists", "products"}};

  auto r = as_admin("POST", "/api/admin/categories",
                    json::object{{"name", "  Silk Press & Blowout Wigs "},
                                 {"description", "Sleek styles."},
                                 {"image", "https://ik.imagekit.io/wighaven/categories/silk.jpg"},
                                 {"isFeatured", true},
                                 {"type", "collection"}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto data = r.json().at("data").as_object();
  EXPECT_EQ(data.size(), 10u) << r.body;
  EXPECT_EQ(str(data.at("name")), "Silk Press & Blowout Wigs");
  EXPECT_EQ(str(data.at("slug")), slug);
  EXPECT_EQ(str(data.at("description")), "Sleek styles.");
  EXPECT_EQ(str(data.at("image")), "https://ik.imagekit.io/wighaven/categories/silk.jpg");
  EXPECT_TRUE(data.at("isActive").as_bool());
  EXPECT_TRUE(data.at("isFeatured").as_bool());
  EXPECT_EQ(str(data.at("type")), "collection");
  EXPECT_TRUE(is_iso_time(data.at("createdAt")));
  EXPECT_TRUE(is_iso_time(data.at("updatedAt")));
  std::string id = str(data.at("id"));

  probes.expect_invalidated();
  EXPECT_EQ(str(ok("/api/categories/" + slug).at("data").at("id")), id);
  EXPECT_EQ(ok("/api/categories?search=Silk%20Press").at("pagination").at("total").as_int64(), 1);

  // The frontend's form: image null, defaults for the rest.
  auto plain = as_admin("POST", "/api/admin/categories", json::object{{"name", "Bob Wigs 2"}, {"image", nullptr}});
  ASSERT_EQ(plain.status, 201) << plain.body;
  auto p = plain.json().at("data").as_object();
  EXPECT_TRUE(p.at("image").is_null());
  EXPECT_TRUE(p.at("description").is_null());
  EXPECT_FALSE(p.at("isFeatured").as_bool());
  EXPECT_EQ(str(p.at("type")), "standard");
  EXPECT_EQ(str(p.at("slug")), "bob-wigs-2");
}

TEST_F(AdminCategories, CreateListsEveryBadField) {
  long long before = qn("SELECT count(*) FROM categories");
  auto r = as_admin("POST", "/api/admin/categories",
                    json::object{{"name", ""},
                                 {"slug", "Not A Slug"},
                                 {"description", 5},
                                 {"image", "javascript:alert(1)"},
                                 {"isActive", "yes"},
                                 {"is_featured", 1},
                                 {"type", "landing-page"}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(auth::error_type(r), "ValidationError");
  auto f = field_errors(r);
  EXPECT_EQ(f.size(), 7u) << r.body;
  EXPECT_EQ(f["name"], "\"name\" is not allowed to be empty");
  EXPECT_EQ(f["slug"], "\"slug\" must be lower-case letters and digits in words joined by single hyphens");
  EXPECT_EQ(f["description"], "\"description\" must be a string");
  EXPECT_EQ(f["image"], "\"image\" must be a valid uri");
  EXPECT_EQ(f["isActive"], "\"isActive\" must be a boolean");
  EXPECT_EQ(f["is_featured"], "\"is_featured\" must be a boolean");
  EXPECT_EQ(f["type"], "\"type\" must be one of [standard, collection, landing]");

  EXPECT_EQ(field_errors(as_admin("POST", "/api/admin/categories", json::object{}))["name"], "\"name\" is required");
  EXPECT_EQ(field_errors(as_admin("POST", "/api/admin/categories", json::object{{"name", "!!!"}}))["name"],
            "\"name\" must contain a letter or a digit");
  EXPECT_EQ(
      field_errors(as_admin("POST", "/api/admin/categories", json::object{{"name", std::string(101, 'w')}}))["name"],
      "\"name\" length must be less than or equal to 100 characters long");
  EXPECT_EQ(
      HttpClient(server_->port()).request("POST", "/api/admin/categories", "{\"name\":", auth::bearer(admin_)).status,
      400);
  EXPECT_EQ(qn("SELECT count(*) FROM categories"), before);
}

TEST_F(AdminCategories, NamesAndSlugsAreUnique) {
  std::string taken = stocked_category(), other = stocked_category(1);
  std::string name = q("SELECT name FROM categories WHERE id = '" + taken + "'");
  long long before = qn("SELECT count(*) FROM categories");

  auto same_name = as_admin("POST", "/api/admin/categories", json::object{{"name", name}});
  EXPECT_EQ(same_name.status, 409) << same_name.body;
  EXPECT_EQ(auth::error_type(same_name), "ConflictError");
  EXPECT_EQ(field_errors(same_name)["name"], "A category with this name already exists");
  // Another spelling of the name makes the same slug.
  std::string shouted = name + "!";
  for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto same_slug = as_admin("POST", "/api/admin/categories", json::object{{"name", shouted}});
  EXPECT_EQ(same_slug.status, 409) << same_slug.body;
  EXPECT_EQ(field_errors(same_slug)["slug"], "A category with this slug already exists");
  EXPECT_EQ(qn("SELECT count(*) FROM categories"), before);

  auto rename = as_admin("PATCH", "/api/admin/categories/" + other, json::object{{"name", name}});
  EXPECT_EQ(rename.status, 409) << rename.body;
  auto reslug = as_admin("PATCH", "/api/admin/categories/" + other, json::object{{"slug", slug_of(taken)}});
  EXPECT_EQ(reslug.status, 409) << reslug.body;
  EXPECT_EQ(field_errors(reslug)["slug"], "A category with this slug already exists");
  // Its own name is no conflict.
  EXPECT_EQ(as_admin("PATCH", "/api/admin/categories/" + taken, json::object{{"name", name}}).status, 200);
}

TEST_F(AdminCategories, UpdateShowsInEveryPublicRead) {
  std::string id = stocked_category(), slug = slug_of(id);
  std::string product = q("SELECT id FROM products WHERE is_active AND category_id = '" + id + "' LIMIT 1");
  std::string old_name = q("SELECT name FROM categories WHERE id = '" + id + "'");
  // Read first (a cache, when there is one, now holds these).
  EXPECT_EQ(str(ok("/api/categories/" + id).at("data").at("name")), old_name);
  EXPECT_EQ(str(ok("/api/products/" + product).at("data").at("category").at("name")), old_name);
  EXPECT_EQ(str(ok("/api/products?category=" + slug).at("data").at("products").at(0).at("category").at("name")),
            old_name);
  EXPECT_EQ(shop_label(slug), old_name);
  auto probes = probes_for({id});

  auto r = as_admin("PATCH", "/api/admin/categories/" + id,
                    json::object{{"name", "Renamed Units"}, {"description", "New words."}, {"isFeatured", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto data = r.json().at("data").as_object();
  EXPECT_EQ(data.size(), 10u);
  EXPECT_EQ(str(data.at("name")), "Renamed Units");
  EXPECT_EQ(str(data.at("slug")), slug) << "a rename keeps the slug";
  EXPECT_TRUE(data.at("isFeatured").as_bool());

  probes.expect_invalidated();
  EXPECT_EQ(str(ok("/api/categories/" + id).at("data").at("name")), "Renamed Units");
  EXPECT_EQ(str(ok("/api/categories/" + id).at("data").at("description")), "New words.");
  EXPECT_EQ(str(ok("/api/products/" + product).at("data").at("category").at("name")), "Renamed Units");
  EXPECT_EQ(str(ok("/api/products?category=" + slug).at("data").at("products").at(0).at("category").at("name")),
            "Renamed Units");
  EXPECT_EQ(shop_label(slug), "Renamed Units");

  // null clears; the snake_case flag spelling of the old repository works.
  auto cleared = as_admin("PATCH", "/api/admin/categories/" + id, json::object{{"description", nullptr}});
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(ok("/api/categories/" + id).at("data").at("description").is_null());
  ASSERT_EQ(as_admin("PATCH", "/api/admin/categories/" + id, json::object{{"is_active", false}}).status, 200);
  EXPECT_EQ(status("/api/categories/" + id), 404);
  EXPECT_EQ(shop_count(slug), -1);
  ASSERT_EQ(as_admin("PATCH", "/api/admin/categories/" + id, json::object{{"isActive", true}}).status, 200);
  EXPECT_EQ(status("/api/categories/" + id), 200);
  EXPECT_GT(shop_count(slug), 0);
}

TEST_F(AdminCategories, UpdateRefusesUnknownIdsAndBadBodies) {
  std::string id = stocked_category();
  auto missing = as_admin("PATCH", "/api/admin/categories/cnosuchcategory0000000000", json::object{{"name", "X"}});
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(auth::error_message(missing), "Category not found");
  EXPECT_EQ(as_admin("PATCH", "/api/admin/categories/not%20an%20id", json::object{{"name", "X"}}).status, 404);
  auto empty = as_admin("PATCH", "/api/admin/categories/" + id, json::object{{"unknown", 1}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(field_errors(empty)["value"], "\"value\" must have at least 1 key");
  auto bad = as_admin("PATCH", "/api/admin/categories/" + id, json::object{{"name", nullptr}, {"type", 3}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(field_errors(bad)["name"], "\"name\" must be a string");
  EXPECT_EQ(field_errors(bad)["type"], "\"type\" must be one of [standard, collection, landing]");
}

TEST_F(AdminCategories, DeleteMovesTheProductsToTheTarget) {
  std::string from = stocked_category(), to = stocked_category(1);
  std::string from_slug = slug_of(from), to_slug = slug_of(to);
  long long moving = qn("SELECT count(*) FROM products WHERE category_id = '" + from + "'");
  long long moving_active = qn("SELECT count(*) FROM products WHERE is_active AND category_id = '" + from + "'");
  long long target_before = qn("SELECT count(*) FROM products WHERE category_id = '" + to + "'");
  std::string product = q("SELECT id FROM products WHERE is_active AND category_id = '" + from + "' LIMIT 1");
  long long listed_before = listed_products(to_slug);
  long long shop_before = shop_count(to_slug);
  EXPECT_EQ(listed_products(from_slug), moving_active);
  EXPECT_EQ(status("/api/categories/" + from), 200);
  EXPECT_EQ(str(ok("/api/products/" + product).at("data").at("category").at("id")), from);
  auto probes = probes_for({from, to});

  auto r = remove(from, json::object{{"transferToId", to}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"success":true,"message":"Category deleted successfully"})"));

  probes.expect_invalidated();
  EXPECT_EQ(status("/api/categories/" + from), 404);
  EXPECT_EQ(shop_count(from_slug), -1);
  EXPECT_EQ(listed_products(from_slug), 0);
  EXPECT_EQ(listed_products(to_slug), listed_before + moving_active);
  EXPECT_EQ(shop_count(to_slug), shop_before + moving_active);
  EXPECT_EQ(str(ok("/api/products/" + product).at("data").at("category").at("id")), to);
  EXPECT_EQ(qn("SELECT count(*) FROM products WHERE category_id = '" + to + "'"), target_before + moving);
  EXPECT_EQ(qn("SELECT count(*) FROM categories WHERE id = '" + from + "'"), 0);
}

TEST_F(AdminCategories, DeleteRefusesWithoutAValidTarget) {
  std::string id = stocked_category();
  long long products = qn("SELECT count(*) FROM products WHERE category_id = '" + id + "'");
  auto none = remove(id);
  EXPECT_EQ(none.status, 400) << none.body;
  EXPECT_EQ(field_errors(none)["transferToId"], "Cannot delete a category with " + std::to_string(products) +
                                                    " products: give transferToId, the category to move them to");
  EXPECT_EQ(remove(id, json::object{{"transferToId", ""}}).status, 400);
  auto unknown = remove(id, json::object{{"transferToId", "cnosuchcategory0000000000"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(field_errors(unknown)["transferToId"], "Target category for transfer not found");
  EXPECT_EQ(field_errors(remove(id, json::object{{"transferToId", id}}))["transferToId"],
            "\"transferToId\" must be a different category");
  EXPECT_EQ(field_errors(remove(id, json::object{{"transferToId", 7}}))["transferToId"],
            "\"transferToId\" must be a string");
  EXPECT_EQ(qn("SELECT count(*) FROM products WHERE category_id = '" + id + "'"), products);
  EXPECT_EQ(status("/api/categories/" + id), 200);

  EXPECT_EQ(remove("cnosuchcategory0000000000").status, 404);
  EXPECT_EQ(remove("cnosuchcategory0000000000", json::object{{"transferToId", id}}).status, 404);
}

TEST_F(AdminCategories, AnEmptyCategoryIsDeletedWithoutATarget) {
  auto created = as_admin("POST", "/api/admin/categories", json::object{{"name", "Short Lived"}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = str(created.json().at("data").at("id"));
  EXPECT_EQ(status("/api/categories/short-lived"), 200);
  auto probes = probes_for({id});
  auto r = remove(id, json::object{});
  EXPECT_EQ(r.status, 200) << r.body;
  probes.expect_invalidated();
  EXPECT_EQ(status("/api/categories/short-lived"), 404);
  EXPECT_EQ(remove(id).status, 404);
}

TEST_F(AdminCategories, AFailedDeleteMovesNoProduct) {
  std::string from = stocked_category(), to = stocked_category(1);
  std::string from_slug = slug_of(from);
  long long from_count = qn("SELECT count(*) FROM products WHERE category_id = '" + from + "'");
  long long to_count = qn("SELECT count(*) FROM products WHERE category_id = '" + to + "'");
  long long listed = listed_products(from_slug);
  // The delete fails after the products were moved, as when a product
  // naming the category slipped in.
  q("CREATE FUNCTION test_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
    "'refused' USING ERRCODE = 'foreign_key_violation'; END $$");
  q("CREATE TRIGGER test_refuse_delete BEFORE DELETE ON categories FOR EACH ROW EXECUTE FUNCTION "
    "test_refuse_delete()");

  auto r = remove(from, json::object{{"transferToId", to}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(auth::error_type(r), "ConflictError");
  EXPECT_EQ(qn("SELECT count(*) FROM products WHERE category_id = '" + from + "'"), from_count);
  EXPECT_EQ(qn("SELECT count(*) FROM products WHERE category_id = '" + to + "'"), to_count);
  EXPECT_EQ(listed_products(from_slug), listed);
  EXPECT_EQ(status("/api/categories/" + from), 200);
}

}  // namespace
}  // namespace wh::test
