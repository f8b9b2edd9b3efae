// GET /api/products/:id, /api/products/:id/variants and /api/variants/:id.
#include "catalog/catalog_fixture.h"

namespace wh::test {
namespace {
namespace json = boost::json;

using ProductDetail = CatalogApi;

// An active product with both active and inactive variants, if the seed made one.
std::string product_with_mixed_variants() {
  return sql(catalog_db(),
             "SELECT p.id FROM products p JOIN variants v ON v.product_id=p.id WHERE p.is_active "
             "GROUP BY p.id HAVING bool_or(NOT v.is_active) AND count(*) FILTER (WHERE v.is_active) > 1 "
             "ORDER BY p.id LIMIT 1");
}

TEST_F(ProductDetail, ReturnsProductCategoryActiveVariantsAndStats) {
  std::string id = product_with_mixed_variants();
  ASSERT_FALSE(id.empty()) << "seed should contain a product with an inactive variant";
  auto d = ok("/api/products/" + id).at("data").as_object();
  EXPECT_EQ(str(d.at("id")), id);
  EXPECT_TRUE(is_money(d.at("basePrice")));
  const auto& cat = d.at("category").as_object();
  for (const char* k :
       {"id", "name", "slug", "description", "image", "isActive", "isFeatured", "type", "createdAt", "updatedAt"}) {
    EXPECT_TRUE(cat.contains(k)) << k;
  }
  const auto& variants = d.at("variants").as_array();
  EXPECT_EQ(static_cast<long long>(variants.size()),
            qn("SELECT count(*) FROM variants WHERE is_active AND product_id='" + id + "'"));
  std::string prev;
  long long in = 0, low = 0, out = 0;
  for (const auto& vv : variants) {
    const auto& v = vv.as_object();
    EXPECT_EQ(str(v.at("productId")), id);
    EXPECT_TRUE(v.at("isActive").as_bool());
    EXPECT_TRUE(is_iso_time(v.at("createdAt")));
    EXPECT_GE(str(v.at("createdAt")), prev) << "variants in creation order";
    prev = str(v.at("createdAt"));
    auto stock = v.at("stock").as_int64();
    (stock > 5 ? in : stock >= 1 ? low : out) += 1;
  }
  const auto& stats = d.at("stats").as_object();
  EXPECT_EQ(stats.at("total_variants").as_int64(), static_cast<std::int64_t>(variants.size()));
  EXPECT_EQ(stats.at("in_stock").as_int64(), in);
  EXPECT_EQ(stats.at("low_stock").as_int64(), low);
  EXPECT_EQ(stats.at("out_of_stock").as_int64(), out);
}

TEST_F(ProductDetail, MissingOrInactiveProductsAre404) {
  std::string inactive = q("SELECT id FROM products WHERE NOT is_active ORDER BY id LIMIT 1");
  ASSERT_FALSE(inactive.empty());
  for (const auto& id :
       {inactive, std::string("cnosuchproduct000000000000"), std::string("bad%20id"), std::string(40, 'x')}) {
    auto r = get("/api/products/" + id);
    EXPECT_EQ(r.status, 404) << id;
    EXPECT_EQ(str(r.json().at("error").at("message")), "Product not found");
    EXPECT_EQ(r.json().at("success"), false);
  }
}

TEST_F(ProductDetail, VariantsRouteSortsByPriceAndHidesInactive) {
  std::string id = product_with_mixed_variants();
  auto r = get("/api/products/" + id + "/variants");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.statements(), 2) << "existence check and list, pipelined";
  EXPECT_EQ(r.header("x-db-round-trips"), "1");
  json::array variants = r.json().at("data").as_array();
  EXPECT_EQ(static_cast<long long>(variants.size()),
            qn("SELECT count(*) FROM variants WHERE is_active AND product_id='" + id + "'"));
  std::vector<double> prices;
  for (const auto& v : variants) prices.push_back(money(v.at("price")));
  EXPECT_TRUE(std::is_sorted(prices.begin(), prices.end()));
  EXPECT_EQ(get("/api/products/cnosuchproduct000000000000/variants").status, 404);
}

TEST_F(ProductDetail, SingleVariantIncludesItsProduct) {
  std::string vid =
      q("SELECT v.id FROM variants v JOIN products p ON p.id=v.product_id "
        "WHERE v.is_active AND p.is_active ORDER BY v.id LIMIT 1");
  auto d = ok("/api/variants/" + vid).at("data").as_object();
  EXPECT_EQ(str(d.at("id")), vid);
  EXPECT_EQ(str(d.at("sku")), q("SELECT sku FROM variants WHERE id='" + vid + "'"));
  const auto& p = d.at("product").as_object();
  EXPECT_EQ(p.at("id"), d.at("productId"));
  EXPECT_TRUE(is_money(p.at("basePrice")));
  EXPECT_FALSE(p.contains("variants"));

  std::string inactive = q("SELECT id FROM variants WHERE NOT is_active ORDER BY id LIMIT 1");
  ASSERT_FALSE(inactive.empty());
  auto r = get("/api/variants/" + inactive);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(str(r.json().at("error").at("message")), "Variant not found");
}

}  // namespace
}  // namespace wh::test
