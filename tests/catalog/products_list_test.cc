// GET /api/products and /api/products/search against the seeded catalog.
#include <set>

#include "catalog/catalog_fixture.h"

namespace wh::test {
namespace {
namespace json = boost::json;

using ProductsList = CatalogApi;

const std::set<std::string> kItemKeys{"id",         "name",      "description", "basePrice",  "categoryId",
                                      "category",   "images",    "isActive",    "isFeatured", "variantCount",
                                      "totalStock", "createdAt", "updatedAt",   "variants"};
const std::set<std::string> kVariantKeys{"id",    "price",  "stock",   "sku",  "images",
                                         "color", "length", "texture", "size", "isActive"};

std::set<std::string> keys(const json::object& o) {
  std::set<std::string> out;
  for (const auto& kv : o) out.emplace(kv.key());
  return out;
}

TEST_F(ProductsList, DefaultPageHasTheOldShape) {
  auto body = ok("/api/products");
  auto data = body.at("data").as_object();
  long long active = qn("SELECT count(*) FROM products WHERE is_active");
  EXPECT_EQ(data.at("total").as_int64(), active);
  EXPECT_EQ(data.at("page").as_int64(), 1);
  EXPECT_EQ(data.at("limit").as_int64(), 20);
  EXPECT_EQ(data.at("pages").as_int64(), (active + 19) / 20);
  const auto& products = data.at("products").as_array();
  ASSERT_EQ(products.size(), 20u);
  for (const auto& pv : products) {
    const auto& p = pv.as_object();
    EXPECT_EQ(keys(p), kItemKeys);
    EXPECT_TRUE(is_money(p.at("basePrice"))) << p.at("basePrice");
    EXPECT_TRUE(is_iso_time(p.at("createdAt")));
    EXPECT_TRUE(p.at("isActive").as_bool());
    EXPECT_TRUE(p.at("images").is_array());
    const auto& cat = p.at("category").as_object();
    EXPECT_EQ(keys(cat), (std::set<std::string>{"id", "name", "slug"}));
    EXPECT_EQ(cat.at("id"), p.at("categoryId"));
    const auto& variants = p.at("variants").as_array();
    EXPECT_EQ(p.at("variantCount").as_int64(), static_cast<std::int64_t>(variants.size()));
    long long stock = 0;
    for (const auto& vv : variants) {
      const auto& v = vv.as_object();
      EXPECT_EQ(keys(v), kVariantKeys);
      EXPECT_TRUE(v.at("isActive").as_bool()) << "inactive variants must not be listed";
      EXPECT_TRUE(is_money(v.at("price")));
      stock += v.at("stock").as_int64();
    }
    EXPECT_EQ(p.at("totalStock").as_int64(), stock);
    // The listing agrees with the database row by row.
    std::string id = str(p.at("id"));
    EXPECT_EQ(str(p.at("basePrice")), q("SELECT trim_scale(base_price)::text FROM products WHERE id='" + id + "'"));
    EXPECT_EQ(static_cast<long long>(variants.size()),
              qn("SELECT count(*) FROM variants WHERE is_active AND product_id='" + id + "'"));
  }
}

TEST_F(ProductsList, LimitAndPagesAreHonoured) {
  auto data = ok("/api/products?limit=6&page=2").at("data").as_object();
  EXPECT_EQ(data.at("products").as_array().size(), 6u);
  EXPECT_EQ(data.at("limit").as_int64(), 6);
  EXPECT_EQ(data.at("page").as_int64(), 2);
  long long total = data.at("total").as_int64();
  EXPECT_EQ(data.at("pages").as_int64(), (total + 5) / 6);

  auto past = ok("/api/products?page=9999").at("data").as_object();
  EXPECT_TRUE(past.at("products").as_array().empty());
  EXPECT_EQ(past.at("total").as_int64(), total) << "total does not depend on the page";
}

TEST_F(ProductsList, PagesCoverEveryProductExactlyOnce) {
  long long total = qn("SELECT count(*) FROM products WHERE is_active");
  std::set<std::string> seen;
  std::size_t rows = 0;
  for (int page = 1; page <= (total + 99) / 100; ++page) {
    auto data = ok("/api/products?limit=100&sort=price_asc&page=" + std::to_string(page)).at("data").as_object();
    for (const auto& p : data.at("products").as_array()) {
      seen.insert(str(p.at("id")));
      ++rows;
    }
  }
  EXPECT_EQ(rows, static_cast<std::size_t>(total));
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(total)) << "a product appeared on two pages";
}

TEST_F(ProductsList, CategoryFiltersBySlugOrId) {
  std::string slug =
      q("SELECT c.slug FROM categories c JOIN products p ON p.category_id=c.id "
        "WHERE c.is_active AND p.is_active GROUP BY c.slug ORDER BY count(*) DESC LIMIT 1");
  std::string id = q("SELECT id FROM categories WHERE slug='" + slug + "'");
  long long expected = qn("SELECT count(*) FROM products WHERE is_active AND category_id='" + id + "'");
  auto by_slug = ok("/api/products?limit=100&category=" + slug).at("data").as_object();
  EXPECT_EQ(by_slug.at("total").as_int64(), expected);
  for (const auto& p : by_slug.at("products").as_array()) EXPECT_EQ(str(p.at("category").at("slug")), slug);
  // The product page's related products pass the category id.
  auto by_id = ok("/api/products?limit=6&category=" + id).at("data").as_object();
  EXPECT_EQ(by_id.at("total").as_int64(), expected);
  EXPECT_EQ(ok("/api/products?category=no-such-category").at("data").at("total").as_int64(), 0);
}

TEST_F(ProductsList, PriceRangeFiltersOnBasePrice) {
  auto data = ok("/api/products?limit=100&minPrice=500&maxPrice=1000.5").at("data").as_object();
  EXPECT_EQ(data.at("total").as_int64(),
            qn("SELECT count(*) FROM products WHERE is_active AND base_price BETWEEN 500 AND 1000.5"));
  ASSERT_FALSE(data.at("products").as_array().empty());
  for (const auto& p : data.at("products").as_array()) {
    EXPECT_GE(money(p.at("basePrice")), 500.0);
    EXPECT_LE(money(p.at("basePrice")), 1000.5);
  }
}

TEST_F(ProductsList, InStockKeepsProductsWithAnActiveVariantInStock) {
  auto data = ok("/api/products?limit=100&inStock=true").at("data").as_object();
  EXPECT_EQ(data.at("total").as_int64(),
            qn("SELECT count(*) FROM products p WHERE p.is_active AND EXISTS (SELECT 1 FROM variants v "
               "WHERE v.product_id=p.id AND v.is_active AND v.stock > 0)"));
  for (const auto& p : data.at("products").as_array()) EXPECT_GT(p.at("totalStock").as_int64(), 0);
  EXPECT_LT(data.at("total").as_int64(), qn("SELECT count(*) FROM products WHERE is_active"))
      << "the seed has products with no stock";
}

TEST_F(ProductsList, SearchMatchesNamesCategoriesAndVariants) {
  auto data = ok("/api/products?limit=100&search=WaVe").at("data").as_object();
  long long expected =
      qn("SELECT count(*) FROM products p JOIN categories c ON c.id=p.category_id WHERE p.is_active AND ("
         "p.name ILIKE '%wave%' OR p.description ILIKE '%wave%' OR c.name ILIKE '%wave%' OR EXISTS (SELECT 1 FROM "
         "variants v WHERE v.product_id=p.id AND (v.color ILIKE '%wave%' OR v.texture ILIKE '%wave%' OR "
         "v.length ILIKE '%wave%' OR v.sku ILIKE '%wave%')))");
  EXPECT_GT(expected, 0);
  EXPECT_EQ(data.at("total").as_int64(), expected);
  // LIKE wildcards typed by a user are literal.
  EXPECT_EQ(ok("/api/products?search=%25%25").at("data").at("total").as_int64(), 0);
  EXPECT_EQ(ok("/api/products?search=_").at("data").at("total").as_int64(), 0);
}

TEST_F(ProductsList, SortsOrderTheWholeListing) {
  auto prices = [&](const std::string& sort) {
    std::vector<double> out;
    json::array list = ok("/api/products?limit=100&sort=" + sort).at("data").at("products").as_array();
    for (const auto& p : list) {
      out.push_back(money(p.at("basePrice")));
    }
    return out;
  };
  auto asc = prices("price_asc");
  EXPECT_TRUE(std::is_sorted(asc.begin(), asc.end()));
  EXPECT_DOUBLE_EQ(asc.front(), std::stod(q("SELECT min(base_price) FROM products WHERE is_active")));
  auto desc = prices("price_desc");
  EXPECT_TRUE(std::is_sorted(desc.rbegin(), desc.rend()));
  EXPECT_DOUBLE_EQ(desc.front(), std::stod(q("SELECT max(base_price) FROM products WHERE is_active")));

  std::vector<std::string> created;
  json::array newest = ok("/api/products?limit=100&sort=newest").at("data").at("products").as_array();
  for (const auto& p : newest) {
    created.push_back(str(p.at("createdAt")));
  }
  EXPECT_TRUE(std::is_sorted(created.rbegin(), created.rend()));
}

TEST_F(ProductsList, PopularSortsByUnitsSold) {
  auto products = ok("/api/products?limit=20&sort=popular").at("data").at("products").as_array();
  std::vector<long long> sold;
  for (const auto& p : products) {
    sold.push_back(
        qn("SELECT COALESCE(sum(oi.quantity),0) FROM order_items oi JOIN variants v ON v.id=oi.variant_id "
           "JOIN orders o ON o.id=oi.order_id AND o.status<>'cancelled' WHERE v.product_id='" +
           str(p.at("id")) + "'"));
  }
  EXPECT_TRUE(std::is_sorted(sold.rbegin(), sold.rend()));
  EXPECT_GT(sold.front(), sold.back()) << "the seed's orders give a clear best seller";
  // Filters apply to the popular sort too (the old backend ignored them).
  std::string slug = str(products.front().at("category").at("slug"));
  json::array in_category = ok("/api/products?sort=popular&category=" + slug).at("data").at("products").as_array();
  for (const auto& p : in_category) {
    EXPECT_EQ(str(p.at("category").at("slug")), slug);
  }
}

TEST_F(ProductsList, BadParametersAreA400ListingEachField) {
  for (std::string target : {"/api/products?page=0", "/api/products?page=abc", "/api/products?page=-1",
                             "/api/products?limit=101", "/api/products?minPrice=abc", "/api/products?maxPrice=-5",
                             "/api/products?minPrice=1.234", "/api/products?sort=bogus", "/api/products?inStock=yes",
                             "/api/products?page=1&page=2", "/api/products?search=%C3%28"}) {
    auto r = get(target);
    EXPECT_EQ(r.status, 400) << target;
    auto err = r.json().at("error").as_object();
    EXPECT_EQ(str(err.at("type")), "ValidationError") << target;
    EXPECT_FALSE(err.at("fields").as_array().empty()) << target;
  }
  auto r = get("/api/products?page=x&sort=y");
  EXPECT_EQ(r.json().at("error").at("fields").as_array().size(), 2u);
}

TEST_F(ProductsList, StatementCountDoesNotGrowWithPageSize) {
  auto small = get("/api/products?limit=1");
  auto large = get("/api/products?limit=100");
  auto popular = get("/api/products?limit=100&sort=popular&inStock=true&search=wig");
  EXPECT_EQ(small.statements(), 1);
  EXPECT_EQ(large.statements(), 1);
  EXPECT_EQ(popular.statements(), 1);
  EXPECT_EQ(get("/api/products/search?q=wig&limit=100").statements(), 1);
}

TEST_F(ProductsList, SearchRouteShapeAndValidation) {
  auto data = ok("/api/products/search?q=wave").at("data").as_object();
  EXPECT_TRUE(data.contains("products"));
  EXPECT_EQ(data.at("page").as_int64(), 1);
  EXPECT_EQ(data.at("limit").as_int64(), 20);
  EXPECT_EQ(data.at("total").as_int64(), ok("/api/products?search=wave").at("data").at("total").as_int64());
  for (std::string target : {"/api/products/search", "/api/products/search?q=a", "/api/products/search?q=%20"}) {
    auto r = get(target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(str(r.json().at("error").at("message")), "Search query must be at least 2 characters");
  }
}

}  // namespace
}  // namespace wh::test
