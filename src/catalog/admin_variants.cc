#include "catalog/admin_variants.h"

#include <boost/json.hpp>

#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "catalog/catalog_writes.h"
#include "catalog/product_queries.h"
#include "catalog/product_validation.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::catalog {
namespace json = boost::json;
namespace {

constexpr const char* kHasOrders = "This variant has orders and cannot be deleted; deactivate it instead";

const std::string& variant_sql() {
  static const std::string sql = "SELECT " + variant_with_product_json(Audience::kAdmin) + R"(::text
FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id = $1)";
  return sql;
}

// Deletes the variant unless it is the last active one of its product.
// Cascades to cart lines, stock movements and stock alerts; order items
// hold it back.
constexpr const char* kDeleteVariantSql = R"(
DELETE FROM variants v WHERE v.id = $1
  AND (NOT v.is_active
       OR EXISTS (SELECT 1 FROM variants o WHERE o.product_id = v.product_id AND o.id <> v.id AND o.is_active)))";

std::string variant_id_param(const web::Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found("Variant not found");
  return std::string(id);
}

// Applies `patch` to every variant of `ids` in one transaction: locks their
// products (404 unless all exist), checks SKU and attribute conflicts when
// the patch touches them, updates, records `activity` for each variant.
// Returns the updated rows and fills `products` with the owning product ids.
Task<db::Result> patch_all(web::Context& ctx, const std::vector<std::string>& ids, const json::object& patch,
                           const admin::Activity& activity, std::vector<std::string>& products) {
  json::array patches;
  for (const auto& id : ids) {
    json::object p = patch;
    p["id"] = id;
    patches.push_back(std::move(p));
  }
  db::Result rows;
  co_await run_write(ctx, kHasOrders, [&](db::Tx& tx) -> Task<void> {
    products = co_await lock_products_of_variants(tx, ids);
    json::array none;
    if (touches_identity(patch)) co_await check_variant_conflicts(tx, patches, none);
    rows = co_await patch_variants(tx, patches);
    co_await admin::record_activity(tx, ctx, activity, ids);
  });
  co_return rows;
}

}  // namespace

Task<http::Response> admin_create_variant(web::Context& ctx) {
  require_admin(ctx);
  json::array added;
  added.push_back(read_variant_create(accounts::json_body(ctx.req)));
  std::string product_id(added[0].as_object()["productId"].as_string());
  prepare_new_variants(added, product_id);
  // TODO(media issue): check ImageKit URLs against Media and link them.
  std::string variant;
  co_await run_write(ctx, kHasOrders, [&](db::Tx& tx) -> Task<void> {
    bool found = co_await lock_product(tx, product_id);
    if (!found) web::throw_not_found("Product not found");
    json::array none;
    co_await check_variant_conflicts(tx, none, added);
    auto r = co_await insert_variants(tx, added);
    variant = std::string(r.get(0, 1));
    admin::Activity activity{"variant.create", "variant", json::object{{"productId", product_id}}};
    std::vector<std::string> created{std::string(added[0].as_object()["id"].as_string())};
    co_await admin::record_activity(tx, ctx, activity, created);
  });
  std::vector<std::string> changed{product_id};
  invalidate_products(ctx, changed);
  co_return web::ok_data(variant, 201);
}

Task<http::Response> admin_get_variant(web::Context& ctx) {
  require_admin(ctx);
  std::string id = variant_id_param(ctx);
  db::Params params{id};
  auto r = co_await ctx.db().query(variant_sql(), std::move(params));
  if (r.empty()) web::throw_not_found("Variant not found");
  co_return web::ok_data(r.get(0, 0));
}

Task<http::Response> admin_update_variant(web::Context& ctx) {
  require_admin(ctx);
  std::vector<std::string> ids{variant_id_param(ctx)};
  json::object patch = read_variant_update(accounts::json_body(ctx.req));
  // TODO(media issue): check ImageKit URLs against Media and re-link them.
  admin::Activity activity{"variant.update", "variant", admin::changed_fields(patch)};
  std::vector<std::string> products;
  auto rows = co_await patch_all(ctx, ids, patch, activity, products);
  invalidate_products(ctx, products);
  co_return web::ok_data(rows.get(0, 1));
}

Task<http::Response> admin_delete_variant(web::Context& ctx) {
  require_admin(ctx);
  std::vector<std::string> ids{variant_id_param(ctx)};
  std::vector<std::string> products;
  co_await run_write(ctx, kHasOrders, [&](db::Tx& tx) -> Task<void> {
    products = co_await lock_products_of_variants(tx, ids);
    db::Params params{ids[0]};
    auto r = co_await tx.query(kDeleteVariantSql, std::move(params));
    if (r.affected() == 0) {
      throw ApiError(400, "ValidationError", "Cannot delete the last active variant of a product");
    }
    admin::Activity activity{"variant.delete", "variant", json::object{{"productId", products[0]}}};
    co_await admin::record_activity(tx, ctx, activity, ids);
  });
  // TODO(media issue): move the variant's ImageKit images to the trash.
  invalidate_products(ctx, products);
  co_return ok_message("", "Variant deleted successfully");
}

Task<http::Response> admin_bulk_update_variants(web::Context& ctx) {
  require_admin(ctx);
  BulkVariantInput in = read_bulk_variant_update(accounts::json_body(ctx.req));
  admin::Activity activity{"variant.bulk_update", "variant", admin::changed_fields(in.updates)};
  std::vector<std::string> products;
  auto rows = co_await patch_all(ctx, in.ids, in.updates, activity, products);
  invalidate_products(ctx, products);
  std::string count = std::to_string(rows.rows());
  co_return ok_message("{\"count\":" + count + "}", "Successfully updated " + count + " variants");
}

}  // namespace wh::catalog
