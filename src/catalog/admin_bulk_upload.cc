#include "catalog/admin_bulk_upload.h"

#include <boost/json.hpp>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "accounts/authenticate.h"
#include "admin/activity_log.h"
#include "cache/registry.h"
#include "cache/tags.h"
#include "catalog/csv_import.h"
#include "core/error.h"
#include "core/ids.h"
#include "db/result.h"
#include "db/sql_now.h"
#include "security/http_policy.h"
#include "web/multipart.h"

namespace wh::catalog {
namespace json = boost::json;
namespace {

// $1: JSON array of SKUs.
constexpr const char* kExistingSkus =
    "SELECT sku FROM variants WHERE sku IN (SELECT json_array_elements_text($1::json))";

// $1: [{slug, name, id}], one per category slug of the file. Each is found by
// slug, else by name (case-insensitive), else created with `id`. Returns
// slug, the category id (NULL when a concurrent import created it first)
// and whether this statement created it.
constexpr const char* kResolveCategories = R"(
WITH wanted AS (
  SELECT w.slug, w.name, w.id FROM json_to_recordset($1::json) AS w(slug text, name text, id text)),
found AS (
  SELECT w.*, (SELECT c.id FROM categories c WHERE c.slug = w.slug OR lower(c.name) = lower(w.name)
               ORDER BY c.slug = w.slug DESC, c.id LIMIT 1) AS existing
  FROM wanted w),
created AS (
  INSERT INTO categories (id, name, slug, description, is_active, is_featured, type, created_at, updated_at)
  SELECT f.id, f.name, f.slug, 'Auto-created from bulk upload', true, false, 'standard', )" WH_SQL_NOW ", " WH_SQL_NOW
                                           R"(
  FROM found f WHERE f.existing IS NULL
  ON CONFLICT DO NOTHING
  RETURNING id, slug)
SELECT f.slug, COALESCE(f.existing, c.id), c.id IS NOT NULL
FROM found f LEFT JOIN created c ON c.slug = f.slug)";

// $1: [{product_id, variant_id, name, description, price, category_id, sku,
// stock, color, length, texture, size}]: one product and its variant each;
// $2: the admin activity (product.bulk_upload), a row per product.
constexpr const char* kInsertProducts = R"(
WITH r AS (
  SELECT * FROM json_to_recordset($1::json) AS r(
    product_id text, variant_id text, name text, description text, price numeric, category_id text,
    sku text, stock int, color text, length text, texture text, size text)),
p AS (
  INSERT INTO products (id, name, description, base_price, category_id, images, is_active, is_featured,
                        created_at, updated_at)
  SELECT product_id, name, description, price, category_id, '{}', true, false, )" WH_SQL_NOW ", " WH_SQL_NOW
                                        R"( FROM r RETURNING id),
)" WH_ADMIN_ACTIVITY("p", "$2") R"(
INSERT INTO variants (id, product_id, sku, price, stock, length, color, texture, size, images, is_active,
                      created_at, updated_at)
SELECT variant_id, product_id, sku, price, stock, length, color, texture, size, '{}', true, )" WH_SQL_NOW
                                ", " WH_SQL_NOW R"( FROM r)";

web::multipart::Limits form_limits() {
  web::multipart::Limits l;
  l.max_parts = 4;
  l.max_part_bytes = security::upload::kCsvFileBytes;
  l.max_total_bytes = security::upload::kCsvFormBytes;
  return l;
}

// The CSV of the request's form, or 400.
std::string_view uploaded_csv(const web::multipart::Form& form) {
  auto files = form.count("file");
  if (files != 1) {
    std::string message = files == 0 ? "No file uploaded" : "Upload one file only";
    throw ApiError(400, "ValidationError", message)
        .with_field("file", message + ": send the CSV in the field \"file\"");
  }
  return form.find("file")->data;
}

json::value optional(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }

// A 400 for the rows whose SKU is already in the database.
Task<void> refuse_existing_skus(db::Tx& tx, const std::vector<CsvProduct>& rows) {
  json::array skus;
  for (const auto& r : rows) skus.emplace_back(r.sku);
  db::Params params{json::serialize(skus)};
  auto found = co_await tx.query(kExistingSkus, std::move(params));
  if (found.empty()) co_return;
  std::unordered_set<std::string_view> taken;
  for (int i = 0; i < found.rows(); ++i) taken.insert(found.get(i, 0));
  std::vector<RowError> errors;
  for (const auto& r : rows) {
    if (taken.contains(r.sku)) errors.push_back({r.row, "sku", "SKU \"" + r.sku + "\" already exists"});
  }
  refuse_rows(errors);
}

// Category ids by slug, finding or creating each; `created` gets the new ones.
Task<std::unordered_map<std::string, std::string>> resolve_categories(db::Tx& tx, const std::vector<CsvProduct>& rows,
                                                                      json::array& created) {
  std::unordered_map<std::string, std::string> names;  // slug -> the first spelling in the file
  json::array wanted;
  for (const auto& r : rows) {
    if (names.emplace(r.category_slug, r.category).second) {
      wanted.push_back(json::object{{"slug", r.category_slug}, {"name", r.category}, {"id", new_cuid()}});
    }
  }
  db::Params params{json::serialize(wanted)};
  auto res = co_await tx.query(kResolveCategories, std::move(params));
  std::unordered_map<std::string, std::string> ids;
  for (int i = 0; i < res.rows(); ++i) {
    std::string slug(res.get(i, 0));
    if (res.is_null(i, 1)) {
      throw ApiError(409, "ConflictError",
                     "Category \"" + names[slug] +
                         "\" was being created by another request; nothing was imported, "
                         "try again");
    }
    std::string id(res.get(i, 1));
    if (res.get_bool(i, 2)) created.push_back(json::object{{"id", id}, {"name", names[slug]}, {"slug", slug}});
    ids.emplace(std::move(slug), std::move(id));
  }
  co_return ids;
}

Task<void> insert_products(db::Tx& tx, const std::vector<CsvProduct>& rows,
                           const std::unordered_map<std::string, std::string>& category_ids, std::string activity) {
  json::array items;
  items.reserve(rows.size());
  for (const auto& r : rows) {
    items.push_back(json::object{{"product_id", new_cuid()},
                                 {"variant_id", new_cuid()},
                                 {"name", r.name},
                                 {"description", r.description},
                                 {"price", r.price},
                                 {"category_id", category_ids.at(r.category_slug)},
                                 {"sku", r.sku},
                                 {"stock", r.stock},
                                 {"color", optional(r.color)},
                                 {"length", optional(r.length)},
                                 {"texture", optional(r.texture)},
                                 {"size", optional(r.size)}});
  }
  db::Params params{json::serialize(items), std::move(activity)};
  co_await tx.query(kInsertProducts, std::move(params));
}

}  // namespace

Task<http::Response> bulk_upload_products(web::Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  auto content_type = ctx.req.header("content-type");
  if (!content_type) throw ApiError(400, "BadRequestError", "Content-Type must be multipart/form-data");
  const auto form = web::multipart::parse(*content_type, ctx.req.body, form_limits());
  const auto rows = parse_product_csv(uploaded_csv(form));

  const auto activity = admin::activity_param(
      ctx, {"product.bulk_upload", "product", {{"rows", static_cast<std::int64_t>(rows.size())}}});
  json::array created;
  try {
    co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
      co_await refuse_existing_skus(tx, rows);
      auto category_ids = co_await resolve_categories(tx, rows, created);
      co_await insert_products(tx, rows, category_ids, activity);
    });
  } catch (const db::DbError& e) {
    // Only a concurrent write of the same SKU gets past the checks above.
    if (e.unique_violation()) {
      throw ApiError(409, "ConflictError",
                     "A SKU of the file was created by another request meanwhile; nothing was imported");
    }
    throw;
  }
  ctx.get<cache::Registry>().invalidate({cache::tags::kProducts, cache::tags::kCategories});

  const auto n = static_cast<std::int64_t>(rows.size());
  json::object data{{"processed", n},
                    {"success", n},
                    {"failed", 0},
                    {"errors", json::array()},
                    {"categoriesCreated", std::move(created)}};
  json::object body{{"success", true},
                    {"data", std::move(data)},
                    {"message", "Processed " + std::to_string(n) + " products, 0 failed."}};
  co_return http::Response::json(json::serialize(body));
}

void register_bulk_upload(web::Router& router) {
  router.add("POST", "/api/admin/products/bulk-upload", bulk_upload_products);
}

}  // namespace wh::catalog
