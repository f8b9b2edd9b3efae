// GET /api/products/categories, /api/categories, /api/categories/:id.
#include "catalog/catalog_fixture.h"

namespace wh::test {
namespace {

using Categories = CatalogApi;

TEST_F(Categories, ShopFilterListsActiveCategoriesWithProductCounts) {
  auto list = ok("/api/products/categories").at("data").as_array();
  EXPECT_EQ(static_cast<long long>(list.size()),
            qn("SELECT count(DISTINCT c.id) FROM categories c JOIN products p ON p.category_id=c.id "
               "WHERE c.is_active AND p.is_active"));
  for (const auto& item : list) {
    const auto& o = item.as_object();
    EXPECT_EQ(o.size(), 4u);
    std::string slug = str(o.at("id"));
    EXPECT_EQ(o.at("count").as_int64(),
              qn("SELECT count(*) FROM products p JOIN categories c ON c.id=p.category_id WHERE p.is_active AND "
                 "c.slug='" +
                 slug + "'"));
    EXPECT_EQ(str(o.at("label")), q("SELECT name FROM categories WHERE slug='" + slug + "'"));
  }
  std::string inactive = q("SELECT slug FROM categories WHERE NOT is_active LIMIT 1");
  ASSERT_FALSE(inactive.empty()) << "the seed has an inactive category";
  for (const auto& item : list) EXPECT_NE(str(item.at("id")), inactive);
}

TEST_F(Categories, ListIsPaginatedAndShowsOnlyActive) {
  auto body = ok("/api/categories?limit=5&page=2");
  const auto& data = body.at("data").as_array();
  const auto& pg = body.at("pagination").as_object();
  long long active = qn("SELECT count(*) FROM categories WHERE is_active");
  EXPECT_EQ(pg.at("total").as_int64(), active);
  EXPECT_EQ(pg.at("page").as_int64(), 2);
  EXPECT_EQ(pg.at("limit").as_int64(), 5);
  EXPECT_EQ(pg.at("pages").as_int64(), (active + 4) / 5);
  EXPECT_EQ(data.size(), 5u);
  for (const auto& c : data) {
    EXPECT_TRUE(c.at("isActive").as_bool());
    EXPECT_EQ(c.at("productCount").as_int64(),
              qn("SELECT count(*) FROM products WHERE is_active AND category_id='" + str(c.at("id")) + "'"));
    EXPECT_TRUE(is_iso_time(c.at("createdAt")));
  }
  EXPECT_TRUE(ok("/api/categories?isActive=false").at("data").as_array().empty());
  auto found = ok("/api/categories?search=wig").at("pagination").at("total").as_int64();
  EXPECT_EQ(found, qn("SELECT count(*) FROM categories WHERE is_active AND (name ILIKE '%wig%' OR description "
                      "ILIKE '%wig%')"));
  EXPECT_EQ(ok("/api/categories?type=nosuchtype").at("pagination").at("total").as_int64(), 0);
  EXPECT_EQ(get("/api/categories?page=zero").status, 400);
  EXPECT_EQ(get("/api/categories?isActive=maybe").status, 400);
}

TEST_F(Categories, OneCategoryByIdOrSlug) {
  std::string id = q("SELECT id FROM categories WHERE is_active ORDER BY id LIMIT 1");
  std::string slug = q("SELECT slug FROM categories WHERE id='" + id + "'");
  auto by_id = ok("/api/categories/" + id).at("data").as_object();
  EXPECT_EQ(str(by_id.at("slug")), slug);
  EXPECT_EQ(str(ok("/api/categories/" + slug).at("data").at("id")), id);
  std::string inactive = q("SELECT id FROM categories WHERE NOT is_active LIMIT 1");
  for (const auto& missing : {inactive, std::string("nope")}) {
    auto r = get("/api/categories/" + missing);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(str(r.json().at("error").at("message")), "Category not found");
  }
}

}  // namespace
}  // namespace wh::test
