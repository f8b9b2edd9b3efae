// The admin catalog body rules without a server: normalisation of what the
// old Joi schemas accepted, and one field error per bad field.
#include "catalog/product_validation.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>

#include "core/error.h"

namespace wh::catalog {
namespace {
namespace json = boost::json;

std::vector<FieldError> errors_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.fields();
  }
  return {};
}

bool has(const std::vector<FieldError>& errors, const std::string& field) {
  for (const auto& e : errors) {
    if (e.field == field) return true;
  }
  return false;
}

TEST(ProductValidation, SnakeAndCamelCaseKeysMeanTheSame) {
  auto camel =
      read_product_update(json::parse(R"({"basePrice": 10, "categoryId": "c1", "isActive": false})").as_object());
  auto snake = read_product_update(
      json::parse(R"({"base_price": "10", "category_id": "c1", "is_active": "false"})").as_object());
  EXPECT_EQ(camel.base_price, "10");
  EXPECT_EQ(snake.base_price, "10");
  EXPECT_EQ(snake.category->value, "c1");
  EXPECT_EQ(snake.category->field, "category_id");
  EXPECT_FALSE(snake.category->slug_allowed);
  EXPECT_EQ(snake.is_active, false);
  auto slug = read_product_update(json::parse(R"({"category": "lace-front"})").as_object());
  EXPECT_TRUE(slug.category->slug_allowed);
}

TEST(ProductValidation, VariantsKeepOnlyGivenKeysWithEmptyAttributesAsNull) {
  auto in = read_product_update(json::parse(R"({"variants": [
      {"id": "cv1", "stock": 3, "color": "", "is_active": true},
      {"sku": " NEW-1 ", "price": 12.5, "texture": null, "length": "18"}]})")
                                    .as_object());
  ASSERT_EQ(in.variants.size(), 2u);
  EXPECT_EQ(json::serialize(in.variants[0]), R"({"id":"cv1","stock":3,"color":null,"isActive":true})");
  EXPECT_EQ(json::serialize(in.variants[1]), R"({"sku":"NEW-1","price":"12.5","length":"18","texture":null})");
}

TEST(ProductValidation, ANewVariantInAProductMayLeaveItsSkuEmpty) {
  auto in = read_product_create(json::parse(R"({"name": "n", "description": "ddd", "basePrice": 1,
      "categoryId": "c", "variants": [{"sku": "", "price": 0}]})")
                                    .as_object());
  EXPECT_FALSE(in.variants[0].as_object().contains("sku")) << "one is made for it";
  EXPECT_EQ(in.variants[0].at("price"), "0") << "0 means the base price";
}

TEST(ProductValidation, EveryBadVariantFieldIsReportedUnderItsPath) {
  auto errors = errors_of([] {
    read_variant_update(json::parse(R"({"price": -1, "stock": "2.5", "size": 7, "images": ["ftp://x", "https://ok"],
        "isActive": 1})")
                            .as_object());
  });
  EXPECT_TRUE(has(errors, "price"));
  EXPECT_TRUE(has(errors, "stock"));
  EXPECT_TRUE(has(errors, "size"));
  EXPECT_TRUE(has(errors, "images.0"));
  EXPECT_FALSE(has(errors, "images.1"));
  EXPECT_TRUE(has(errors, "isActive"));
  EXPECT_EQ(errors.size(), 5u);
}

TEST(ProductValidation, MoneyBeyondTheColumnAndNulCharactersAreRefused) {
  auto errors = errors_of([] {
    read_variant_create(
        json::parse(R"({"productId": "p", "sku": "a\u0000b", "price": 100000000, "stock": 1})").as_object());
  });
  EXPECT_TRUE(has(errors, "sku"));
  EXPECT_TRUE(has(errors, "price"));
}

TEST(ProductValidation, BulkIdsAreDeduplicatedAndBounded) {
  auto ids = read_product_ids(json::parse(R"({"ids": ["a", "b", "a"]})").as_object());
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b"}));
  json::array many;
  for (std::size_t i = 0; i <= kMaxBulkIds; ++i) many.emplace_back("id" + std::to_string(i));
  auto errors = errors_of([&] { read_product_ids(json::object{{"ids", many}}); });
  EXPECT_TRUE(has(errors, "ids"));
  errors = errors_of(
      [] { read_bulk_variant_update(json::parse(R"({"variantIds": ["v"], "updates": {"x": 1}})").as_object()); });
  EXPECT_TRUE(has(errors, "updates")) << "an update that names no variant field";
}

}  // namespace
}  // namespace wh::catalog
