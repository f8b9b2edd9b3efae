#include "catalog/catalog_writes.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "accounts/authenticate.h"
#include "cache/registry.h"
#include "cache/tags.h"
#include "catalog/product_queries.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/json_text.h"

namespace wh::catalog {
namespace json = boost::json;

void require_admin(const web::Context& ctx) { accounts::require_role(ctx, {"admin", "super_admin"}); }

namespace {
std::string upper(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}
}  // namespace

std::string sku_for(std::string_view product_id, std::string_view suffix) {
  return upper(std::string(product_id.substr(product_id.size() > 6 ? product_id.size() - 6 : 0))) + "-" +
         std::string(suffix);
}

std::string new_sku(std::string_view product_id) { return sku_for(product_id, upper(random_hex(4))); }

void prepare_new_variants(json::array& added, std::string_view product_id) {
  // cuids of one millisecond are not ordered: sort them so that creation
  // order (created_at, id) is list order.
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < added.size(); ++i) ids.push_back(new_cuid());
  std::sort(ids.begin(), ids.end());
  for (std::size_t i = 0; i < added.size(); ++i) {
    json::object& v = added[i].as_object();
    v["id"] = ids[i];
    v["productId"] = product_id;
    if (!v.contains("sku")) v["sku"] = new_sku(product_id);
  }
}

namespace {

// $1 patches, $2 added variants. Returns a SKU used twice (or NULL) and
// whether two variants of one product share their attributes; only
// conflicts involving a changed or new variant count, so legacy duplicates
// ("" next to NULL) do not block unrelated edits.
constexpr const char* kConflictSql = R"(
WITH patch AS (
  SELECT e->>'id' AS id, e AS j FROM jsonb_array_elements($1::jsonb) e),
added AS (
  SELECT e AS j FROM jsonb_array_elements($2::jsonb) e),
touched AS (
  SELECT v.product_id AS id FROM variants v JOIN patch ON patch.id = v.id
  UNION SELECT j->>'productId' FROM added),
future AS MATERIALIZED (
  SELECT product_id, sku, length, color, texture, size,
         is_new OR (sku, length, color, texture, size)
                   IS DISTINCT FROM (old_sku, old_length, old_color, old_texture, old_size) AS changed
  FROM (
    SELECT v.product_id, false AS is_new,
           v.sku AS old_sku, NULLIF(v.length, '') AS old_length, NULLIF(v.color, '') AS old_color,
           NULLIF(v.texture, '') AS old_texture, NULLIF(v.size, '') AS old_size,
           CASE WHEN x.j ? 'sku' THEN x.j->>'sku' ELSE v.sku END AS sku,
           NULLIF(CASE WHEN x.j ? 'length' THEN x.j->>'length' ELSE v.length END, '') AS length,
           NULLIF(CASE WHEN x.j ? 'color' THEN x.j->>'color' ELSE v.color END, '') AS color,
           NULLIF(CASE WHEN x.j ? 'texture' THEN x.j->>'texture' ELSE v.texture END, '') AS texture,
           NULLIF(CASE WHEN x.j ? 'size' THEN x.j->>'size' ELSE v.size END, '') AS size
    FROM variants v LEFT JOIN patch x ON x.id = v.id
    WHERE v.product_id IN (SELECT id FROM touched)
    UNION ALL
    SELECT j->>'productId', true, NULL, NULL, NULL, NULL, NULL, j->>'sku',
           NULLIF(j->>'length', ''), NULLIF(j->>'color', ''), NULLIF(j->>'texture', ''), NULLIF(j->>'size', '')
    FROM added) f)
SELECT
  (SELECT s.sku FROM (
       SELECT sku, changed FROM future
       UNION ALL
       SELECT o.sku, false FROM variants o
       WHERE o.sku IN (SELECT sku FROM future WHERE changed) AND o.product_id NOT IN (SELECT id FROM touched)) s
   GROUP BY s.sku HAVING count(*) > 1 AND bool_or(s.changed) LIMIT 1),
  EXISTS (SELECT 1 FROM future GROUP BY product_id, length, color, texture, size
          HAVING count(*) > 1 AND bool_or(changed)))";

const std::string& patch_sql() {
  static const std::string sql = std::string(R"(
UPDATE variants AS v SET
  sku = CASE WHEN x.j ? 'sku' THEN x.j->>'sku' ELSE v.sku END,
  price = CASE WHEN x.j ? 'price' THEN (x.j->>'price')::numeric ELSE v.price END,
  stock = CASE WHEN x.j ? 'stock' THEN (x.j->>'stock')::int ELSE v.stock END,
  length = CASE WHEN x.j ? 'length' THEN x.j->>'length' ELSE v.length END,
  color = CASE WHEN x.j ? 'color' THEN x.j->>'color' ELSE v.color END,
  texture = CASE WHEN x.j ? 'texture' THEN x.j->>'texture' ELSE v.texture END,
  size = CASE WHEN x.j ? 'size' THEN x.j->>'size' ELSE v.size END,
  images = CASE WHEN x.j ? 'images' THEN ARRAY(SELECT jsonb_array_elements_text(x.j->'images')) ELSE v.images END,
  is_active = CASE WHEN x.j ? 'isActive' THEN (x.j->>'isActive')::boolean ELSE v.is_active END,
  updated_at = )" WH_SQL_NOW R"(
FROM (SELECT e->>'id' AS id, e AS j FROM jsonb_array_elements($1::jsonb) e) x
WHERE v.id = x.id
RETURNING v.product_id, )") + full_variant_json(Audience::kAdmin) +
                                 "::text";
  return sql;
}

const std::string& insert_sql() {
  static const std::string sql = std::string(R"(
INSERT INTO variants AS v (id, product_id, sku, price, stock, length, color, texture, size, images, is_active,
                           created_at, updated_at)
SELECT x->>'id', p.id, x->>'sku', COALESCE(NULLIF((x->>'price')::numeric, 0), p.base_price),
       COALESCE((x->>'stock')::int, 0), x->>'length', x->>'color', x->>'texture', x->>'size',
       ARRAY(SELECT jsonb_array_elements_text(COALESCE(x->'images', '[]'::jsonb))),
       COALESCE((x->>'isActive')::boolean, true), )" WH_SQL_NOW ", " WH_SQL_NOW R"(
FROM jsonb_array_elements($1::jsonb) x JOIN products p ON p.id = x->>'productId'
RETURNING v.product_id, )") + full_variant_json(Audience::kAdmin) +
                                 "::text";
  return sql;
}

constexpr const char* kLockProductsOfVariantsSql = R"(
SELECT p.id FROM products p
WHERE p.id IN (SELECT v.product_id FROM variants v WHERE v.id IN (SELECT jsonb_array_elements_text($1::jsonb)))
ORDER BY p.id FOR UPDATE)";

constexpr const char* kCountVariantsSql =
    "SELECT count(*) FROM variants WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))";

std::string json_list(const std::vector<std::string>& ids) {
  json::array a;
  for (const auto& id : ids) a.emplace_back(id);
  return json::serialize(a);
}

}  // namespace

bool touches_identity(const json::object& patch) {
  for (const char* k : {"sku", "length", "color", "texture", "size"}) {
    if (patch.contains(k)) return true;
  }
  return false;
}

Task<void> check_variant_conflicts(db::Tx& tx, const json::array& patches, const json::array& added) {
  db::Params params{json::serialize(patches), json::serialize(added)};
  auto r = co_await tx.query(kConflictSql, std::move(params));
  if (!r.is_null(0, 0)) throw ApiError(409, "ConflictError", "SKU already exists");
  if (r.get_bool(0, 1)) throw ApiError(409, "ConflictError", "A variant with these attributes already exists");
}

Task<db::Result> patch_variants(db::Tx& tx, const json::array& patches) {
  db::Params params{json::serialize(patches)};
  co_return co_await tx.query(patch_sql(), std::move(params));
}

Task<db::Result> insert_variants(db::Tx& tx, const json::array& added) {
  db::Params params{json::serialize(added)};
  co_return co_await tx.query(insert_sql(), std::move(params));
}

const char* const kLockProductSql = "SELECT id FROM products WHERE id = $1 FOR UPDATE";

Task<bool> lock_product(db::Tx& tx, const std::string& product_id) {
  db::Params params{product_id};
  auto r = co_await tx.query(kLockProductSql, std::move(params));
  co_return !r.empty();
}

Task<std::vector<std::string>> lock_products_of_variants(db::Tx& tx, const std::vector<std::string>& variant_ids) {
  std::string ids = json_list(variant_ids);
  std::vector<db::Statement> statements{{kLockProductsOfVariantsSql, {ids}}, {kCountVariantsSql, {ids}}};
  auto rs = co_await tx.pipeline(std::move(statements));
  if (rs[1].get_int(0, 0) != static_cast<std::int64_t>(variant_ids.size())) {
    throw ApiError::not_found("Variant not found");
  }
  std::vector<std::string> products;
  for (int i = 0; i < rs[0].rows(); ++i) products.emplace_back(rs[0].get(i, 0));
  co_return products;
}

namespace {
// Call from a catch handler only (rethrows the exception being handled).
[[noreturn]] void rethrow_mapped(const db::DbError& e, const char* in_use) {
  if (e.unique_violation()) throw ApiError(409, "ConflictError", "SKU already exists");
  if (e.sqlstate() == "23503") throw ApiError(409, "ConflictError", in_use);
  throw;
}
}  // namespace

Task<void> run_write(web::Context& ctx, const char* in_use, const std::function<Task<void>(db::Tx&)>& write) {
  try {
    co_await ctx.db().transaction(write);
  } catch (const db::DbError& e) {
    rethrow_mapped(e, in_use);
  }
}

Task<db::Result> write_statement(web::Context& ctx, const char* in_use, std::string_view sql, db::Params params) {
  db::Result r;
  try {
    r = co_await ctx.db().query(sql, std::move(params));
  } catch (const db::DbError& e) {
    rethrow_mapped(e, in_use);
  }
  co_return r;
}

void invalidate_products(web::Context& ctx, const std::vector<std::string>& product_ids) {
  std::vector<std::string> tags{std::string(cache::tags::kProducts)};
  for (const auto& id : product_ids) tags.push_back(cache::tags::product(id));
  ctx.get<cache::Registry>().invalidate(tags);
}

http::Response ok_message(std::string_view data, const std::string& message, int status) {
  std::string body = R"({"success":true)";
  if (!data.empty()) body += ",\"data\":" + compact_json(data);
  body += ",\"message\":" + json::serialize(json::string(message)) + "}";
  return http::Response::json(std::move(body), status);
}

}  // namespace wh::catalog
