#include "catalog/admin_products.h"

#include <algorithm>
#include <boost/json.hpp>
#include <functional>
#include <set>

#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "catalog/catalog_writes.h"
#include "catalog/product_queries.h"
#include "catalog/product_validation.h"
#include "core/ids.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::catalog {
namespace json = boost::json;
namespace {

constexpr const char* kHasOrders = "This product has orders and cannot be deleted; deactivate it instead";

// $1 id, $2 name, $3 description, $4 base price, $5 category, $6 whether
// $5 may be a slug, $7 active, $8 featured. No row when the category does
// not exist. products.images is deprecated: always empty.
constexpr const char* kInsertProductSql = R"(
INSERT INTO products (id, name, description, base_price, category_id, images, is_active, is_featured,
                      created_at, updated_at)
SELECT $1, $2, $3, $4::numeric, c.id, '{}', $7::boolean, $8::boolean, )" WH_SQL_NOW ", " WH_SQL_NOW R"(
FROM categories c WHERE c.id = $5 OR ($6::boolean AND c.slug = $5)
ORDER BY c.id = $5 DESC LIMIT 1)";

// Same parameters, NULL meaning "unchanged". No row when a named category
// does not exist.
constexpr const char* kUpdateProductSql = R"(
UPDATE products p SET
  name = COALESCE($2, p.name), description = COALESCE($3, p.description),
  base_price = COALESCE($4::numeric, p.base_price), category_id = COALESCE(cat.id, p.category_id),
  is_active = COALESCE($7::boolean, p.is_active), is_featured = COALESCE($8::boolean, p.is_featured),
  updated_at = )" WH_SQL_NOW R"(
FROM (SELECT (SELECT c.id FROM categories c WHERE c.id = $5 OR ($6::boolean AND c.slug = $5)
              ORDER BY c.id = $5 DESC LIMIT 1) AS id) cat
WHERE p.id = $1 AND ($5::text IS NULL OR cat.id IS NOT NULL))";

constexpr const char* kVariantIdsSql = "SELECT id FROM variants WHERE product_id = $1";

// The source of a duplicate, held against concurrent variant changes, and
// how many active variants it has.
constexpr const char* kDuplicateSourceSql = R"(
SELECT (SELECT count(*) FROM variants v WHERE v.product_id = p.id AND v.is_active)
FROM products p WHERE p.id = $1 FOR SHARE)";

// $1 source, $2 new id, $3 new variant ids, $4 their SKUs (jsonb arrays in
// creation order). Copies the active variants (without images, like the
// old backend), or makes a default variant when there is none.
constexpr const char* kDuplicateSql = R"(
WITH p AS (
  INSERT INTO products (id, name, description, base_price, category_id, images, is_active, is_featured,
                        created_at, updated_at)
  SELECT $2, left('Copy of ' || s.name, 255), s.description, s.base_price, s.category_id, COALESCE(s.images, '{}'),
         false, false, )" WH_SQL_NOW ", " WH_SQL_NOW R"(
  FROM products s WHERE s.id = $1
  RETURNING id, base_price),
src AS (
  SELECT row_number() OVER (ORDER BY v.created_at, v.id) AS n, v.price, v.stock, v.length, v.color, v.texture, v.size
  FROM variants v WHERE v.product_id = $1 AND v.is_active),
copies AS (
  SELECT n, price, stock, length, color, texture, size FROM src
  UNION ALL
  SELECT 1, p.base_price, 0, NULL, NULL, NULL, NULL FROM p WHERE NOT EXISTS (SELECT 1 FROM src))
INSERT INTO variants (id, product_id, sku, price, stock, length, color, texture, size, images, is_active,
                      created_at, updated_at)
SELECT $3::jsonb ->> (r.n - 1)::int, p.id, $4::jsonb ->> (r.n - 1)::int, r.price, r.stock,
       r.length, r.color, r.texture, r.size, '{}', true, )" WH_SQL_NOW ", " WH_SQL_NOW R"(
FROM copies r, p)";

// Deleting a product cascades to its variants, cart lines, reviews,
// wishlist entries and stock alerts; order items hold it back. $2 the
// activity (admin/activity_log.h). Returns how many were deleted (0 or 1).
constexpr const char* kDeleteProductSql =
    "WITH d AS (DELETE FROM products WHERE id = $1 RETURNING id), " WH_ADMIN_ACTIVITY("d",
                                                                                      "$2") " SELECT count(*) FROM d";

// $3 the activity. Returns how many were updated.
constexpr const char* kBulkStatusSql = R"(
WITH u AS (UPDATE products SET is_active = $2::boolean, updated_at = )" WH_SQL_NOW R"(
           WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)) RETURNING id), )" WH_ADMIN_ACTIVITY("u", "$3") R"(
SELECT count(*) FROM u)";

// $2 the activity. Returns how many were deleted.
constexpr const char* kBulkDeleteSql = R"(
WITH d AS (DELETE FROM products p
           WHERE p.id IN (SELECT jsonb_array_elements_text($1::jsonb))
             AND NOT EXISTS (SELECT 1 FROM order_items oi JOIN variants v ON v.id = oi.variant_id
                             WHERE v.product_id = p.id)
           RETURNING p.id), )" WH_ADMIN_ACTIVITY("d", "$2") R"(
SELECT count(*) FROM d)";

std::string product_id_param(const web::Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found("Product not found");
  return std::string(id);
}

db::Params product_params(const std::string& id, const ProductInput& in) {
  std::optional<std::string> category, slug_allowed;
  if (in.category) {
    category = in.category->value;
    slug_allowed = in.category->slug_allowed ? "true" : "false";
  }
  return db::Params{
      id,           in.name,       in.description, in.base_price, category, slug_allowed.value_or("false"),
      in.is_active, in.is_featured};
}

[[noreturn]] void throw_category_not_found(const ProductInput& in) {
  throw ApiError(400, "ValidationError", "Validation failed")
      .with_field(in.category ? in.category->field : "categoryId", "Category not found");
}

// Runs `write`, records `activity` for product `id` and reads the admin
// product in one transaction (the last two in one round trip), then
// invalidates the product's cache entries. Returns the product JSON.
Task<std::string> write_product(web::Context& ctx, const std::string& id, const admin::Activity& activity,
                                const std::function<Task<void>(db::Tx&)>& write) {
  std::string product;
  co_await run_write(ctx, kHasOrders, [&](db::Tx& tx) -> Task<void> {
    co_await write(tx);
    std::vector<db::Statement> statements;
    statements.push_back(admin::activity_statement(ctx, activity, {id}));
    statements.push_back({product_detail_sql(Audience::kAdmin), {id}});
    auto rs = co_await tx.pipeline(std::move(statements));
    product = std::string(rs[1].get(0, 0));
  });
  std::vector<std::string> changed{id};
  invalidate_products(ctx, changed);
  co_return product;
}

std::string json_text(const std::vector<std::string>& values) {
  json::array a;
  for (const auto& v : values) a.emplace_back(v);
  return json::serialize(a);
}

}  // namespace

Task<http::Response> admin_create_product(web::Context& ctx) {
  require_admin(ctx);
  auto body = accounts::json_body(ctx.req);
  ProductInput in = read_product_create(body);
  if (!in.is_active) in.is_active = true;
  if (!in.is_featured) in.is_featured = false;
  std::string id = new_cuid();
  json::array added = std::move(in.variants);
  if (added.empty()) {
    added.push_back(json::object{{"sku", sku_for(id, "DEFAULT")}});
  }
  // The product's images belong to its main (first) variant.
  json::object& main = added[0].as_object();
  if (!in.images.empty() && (!main.contains("images") || main["images"].as_array().empty())) {
    json::array images;
    for (const auto& url : in.images) images.emplace_back(url);
    main["images"] = std::move(images);
  }
  prepare_new_variants(added, id);
  // TODO(media issue): upload external image URLs to ImageKit and link their
  // Media rows to the new variants; stored as given until then.

  admin::Activity activity{"product.create", "product", admin::changed_fields(body)};
  activity.changes["name"] = *in.name;
  auto product = co_await write_product(ctx, id, activity, [&](db::Tx& tx) -> Task<void> {
    json::array none;
    co_await check_variant_conflicts(tx, none, added);
    auto r = co_await tx.query(kInsertProductSql, product_params(id, in));
    if (r.affected() == 0) throw_category_not_found(in);
    co_await insert_variants(tx, added);
  });
  co_return web::ok_data(product, 201);
}

Task<http::Response> admin_get_product(web::Context& ctx) {
  require_admin(ctx);
  std::string id = product_id_param(ctx);
  db::Params params{id};
  auto r = co_await ctx.db().query(product_detail_sql(Audience::kAdmin), std::move(params));
  if (r.empty()) web::throw_not_found("Product not found");
  co_return web::ok_data(r.get(0, 0));
}

Task<http::Response> admin_update_product(web::Context& ctx) {
  require_admin(ctx);
  std::string id = product_id_param(ctx);
  auto body = accounts::json_body(ctx.req);
  ProductInput in = read_product_update(body);
  json::array patches, added;
  bool identity_changes = false;
  std::set<std::string> patched;
  for (auto& item : in.variants) {
    json::object& v = item.as_object();
    if (!v.contains("id")) {
      added.push_back(std::move(v));
      continue;
    }
    if (!patched.insert(std::string(v["id"].as_string())).second) {
      throw ApiError(400, "ValidationError", "Validation failed")
          .with_field("variants", "A variant id appears more than once");
    }
    identity_changes = identity_changes || touches_identity(v);
    patches.push_back(std::move(v));
  }
  prepare_new_variants(added, id);
  // TODO(media issue): upload external image URLs and re-link Media rows.

  admin::Activity activity{"product.update", "product", admin::changed_fields(body)};
  auto product = co_await write_product(ctx, id, activity, [&](db::Tx& tx) -> Task<void> {
    std::vector<db::Statement> lock{{kLockProductSql, {id}}, {kVariantIdsSql, {id}}};
    auto rs = co_await tx.pipeline(std::move(lock));
    if (rs[0].empty()) web::throw_not_found("Product not found");
    std::set<std::string> own;
    for (int i = 0; i < rs[1].rows(); ++i) own.emplace(rs[1].get(i, 0));
    for (const auto& p : patched) {
      if (!own.contains(p)) web::throw_not_found("Variant not found");
    }
    if (identity_changes || !added.empty()) co_await check_variant_conflicts(tx, patches, added);
    auto r = co_await tx.query(kUpdateProductSql, product_params(id, in));
    if (r.affected() == 0) throw_category_not_found(in);
    if (!patches.empty()) co_await patch_variants(tx, patches);
    if (!added.empty()) co_await insert_variants(tx, added);
  });
  co_return web::ok_data(product);
}

Task<http::Response> admin_delete_product(web::Context& ctx) {
  require_admin(ctx);
  std::string id = product_id_param(ctx);
  // TODO(media issue): move the variants' ImageKit images to the trash and
  // mark their Media rows trashed, after the delete commits.
  admin::Activity activity{"product.delete", "product", {}};
  db::Params params{id, admin::activity_param(ctx, activity)};
  auto r = co_await write_statement(ctx, kHasOrders, kDeleteProductSql, std::move(params));
  if (r.get_int(0, 0) == 0) web::throw_not_found("Product not found");
  std::vector<std::string> changed{id};
  invalidate_products(ctx, changed);
  co_return ok_message("", "Product deleted successfully");
}

Task<http::Response> admin_duplicate_product(web::Context& ctx) {
  require_admin(ctx);
  std::string source = product_id_param(ctx);
  std::string id = new_cuid();
  admin::Activity activity{"product.duplicate", "product", json::object{{"sourceId", source}}};
  auto product = co_await write_product(ctx, id, activity, [&](db::Tx& tx) -> Task<void> {
    db::Params lock{source};
    auto r = co_await tx.query(kDuplicateSourceSql, std::move(lock));
    if (r.empty()) web::throw_not_found("Product not found");
    auto copies = static_cast<std::size_t>(r.get_int(0, 0));
    std::vector<std::string> ids, skus;
    for (std::size_t i = 0; i < std::max<std::size_t>(copies, 1); ++i) ids.push_back(new_cuid());
    std::sort(ids.begin(), ids.end());
    for (std::size_t i = 0; i < copies; ++i) skus.push_back(new_sku(id));
    if (copies == 0) skus.push_back(sku_for(id, "DEFAULT"));
    db::Params params{source, id, json_text(ids), json_text(skus)};
    co_await tx.query(kDuplicateSql, std::move(params));
  });
  co_return web::ok_data(product, 201);
}

Task<http::Response> admin_bulk_product_status(web::Context& ctx) {
  require_admin(ctx);
  BulkStatusInput in = read_bulk_status(accounts::json_body(ctx.req));
  admin::Activity activity{"product.bulk_status", "product", json::object{{"isActive", in.is_active}}};
  db::Params params{json_text(in.ids), in.is_active, admin::activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(kBulkStatusSql, std::move(params));
  invalidate_products(ctx, in.ids);
  long count = static_cast<long>(r.get_int(0, 0));
  co_return ok_message("{\"count\":" + std::to_string(count) + "}", "Updated " + std::to_string(count) + " products");
}

Task<http::Response> admin_bulk_delete_products(web::Context& ctx) {
  require_admin(ctx);
  std::vector<std::string> ids = read_product_ids(accounts::json_body(ctx.req));
  // TODO(media issue): trash the deleted products' images (see DELETE /:id).
  admin::Activity activity{"product.bulk_delete", "product", {}};
  db::Params params{json_text(ids), admin::activity_param(ctx, activity)};
  auto r = co_await write_statement(ctx, kHasOrders, kBulkDeleteSql, std::move(params));
  invalidate_products(ctx, ids);
  long deleted = static_cast<long>(r.get_int(0, 0));
  long failed = static_cast<long>(ids.size()) - deleted;
  co_return ok_message("{\"success\":" + std::to_string(deleted) + ",\"failed\":" + std::to_string(failed) + "}",
                       "Deleted " + std::to_string(deleted) + " products");
}

}  // namespace wh::catalog
