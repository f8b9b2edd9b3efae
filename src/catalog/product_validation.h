// Validation of the admin catalog write bodies, with the rules of the old
// backend's Joi schemas (createProductSchema, updateProductSchema,
// createVariantSchema, updateVariantSchema; reference §1.3, §1.4): both
// snake_case and camelCase keys are accepted, unknown keys are ignored, and
// every bad field is reported at once as a 400 ValidationError listing
// {field, message} (field paths like Joi's: "variants.0.sku").
//
// Variants come out normalised as JSON objects holding only the keys that
// were given, under canonical names: id, productId, sku, price (decimal
// text), stock (integer), length, color, texture, size (text; null when
// given empty or null), images (array of URLs), isActive. SQL consumes
// them as jsonb, so "key present" means "set this column".
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

namespace wh::catalog {

// categoryId / category_id name an id; category names a slug or an id.
struct CategoryRef {
  std::string value;
  bool slug_allowed = false;
  std::string field;  // the key it came in, for the "not found" error
};

struct ProductInput {
  std::optional<std::string> name, description;
  std::optional<std::string> base_price;  // decimal text
  std::optional<CategoryRef> category;
  std::optional<bool> is_active, is_featured;
  std::vector<std::string> images;  // create: they go to the main variant
  boost::json::array variants;      // normalised variant objects
};

// POST /api/admin/products: name, description (3+), basePrice (>= 0.01) and
// a category are required; variants[] items may omit anything (sku and
// price get defaults).
ProductInput read_product_create(const boost::json::object& body);
// PATCH /api/admin/products/:id: every field optional; variants[] items
// with an id are partial updates, items without one are new variants and
// need a sku.
ProductInput read_product_update(const boost::json::object& body);

// POST /api/admin/variants: productId, sku, price (>= 0.01) and stock are
// required.
boost::json::object read_variant_create(const boost::json::object& body);
// PATCH /api/admin/variants/:id: every field optional.
boost::json::object read_variant_update(const boost::json::object& body);

// {ids[]} of the bulk product routes: 1..kMaxBulkIds distinct strings.
inline constexpr std::size_t kMaxBulkIds = 500;
std::vector<std::string> read_product_ids(const boost::json::object& body);

// PATCH /api/admin/products/bulk-status: {ids[], isActive}.
struct BulkStatusInput {
  std::vector<std::string> ids;
  bool is_active = false;
};
BulkStatusInput read_bulk_status(const boost::json::object& body);

// PATCH /api/admin/inventory/bulk-update: {variantIds[], updates{}} where
// updates follows the variant update rules and is not empty.
struct BulkVariantInput {
  std::vector<std::string> ids;
  boost::json::object updates;  // normalised
};
BulkVariantInput read_bulk_variant_update(const boost::json::object& body);

}  // namespace wh::catalog
