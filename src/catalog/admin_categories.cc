#include "catalog/admin_categories.h"

#include <boost/json.hpp>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "cache/registry.h"
#include "cache/tags.h"
#include "catalog/categories.h"
#include "core/ids.h"
#include "db/result.h"
#include "db/sql_now.h"
#include "web/body_fields.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::catalog {
namespace json = boost::json;

namespace {

// Whether $1 exists, and whether another category has the name $2 or the
// slug $3 (NULL: not being set).
constexpr const char* kCheckSql = R"(
SELECT EXISTS(SELECT 1 FROM categories WHERE id = $1),
       EXISTS(SELECT 1 FROM categories WHERE name = $2 AND id <> $1),
       EXISTS(SELECT 1 FROM categories WHERE slug = $3 AND id <> $1))";

constexpr const char* kInsertSql =
    "INSERT INTO categories (id, name, slug, description, image, is_active, is_featured, type, created_at, "
    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, " WH_SQL_NOW ", " WH_SQL_NOW ")";

// $2 name, $3 slug, $4/$6 whether description/image are given, $5/$7 their
// values, $8 isActive, $9 isFeatured, $10 type; NULL keeps the column.
constexpr const char* kUpdateSql =
    "UPDATE categories SET name = COALESCE($2, name), slug = COALESCE($3, slug),"
    " description = CASE WHEN $4::bool THEN $5 ELSE description END,"
    " image = CASE WHEN $6::bool THEN $7 ELSE image END,"
    " is_active = COALESCE($8::bool, is_active), is_featured = COALESCE($9::bool, is_featured),"
    " type = COALESCE($10, type), updated_at = " WH_SQL_NOW " WHERE id = $1";

// Locks the category (a product insert naming it waits, then fails) and
// counts its products.
constexpr const char* kLockForDeleteSql =
    "SELECT (SELECT count(*) FROM products p WHERE p.category_id = c.id) FROM categories c WHERE c.id = $1 FOR "
    "UPDATE";
// Keeps the transfer target from being deleted meanwhile.
constexpr const char* kLockTargetSql = "SELECT 1 FROM categories WHERE id = $1 FOR KEY SHARE";
constexpr const char* kMoveProductsSql =
    "UPDATE products SET category_id = $2, updated_at = " WH_SQL_NOW " WHERE category_id = $1";
constexpr const char* kDeleteSql = "DELETE FROM categories WHERE id = $1";

constexpr std::size_t kNameMax = 100;  // VARCHAR(100), as slug
constexpr std::size_t kDescriptionMax = 5000;
constexpr std::size_t kImageMax = 255;  // VARCHAR(255)

const char* const kNameTaken = "A category with this name already exists";
const char* const kSlugTaken = "A category with this slug already exists";

void require_admin(const web::Context& ctx) { accounts::require_role(ctx, {"admin", "super_admin"}); }

// The fields of a create or update body; unset optionals keep the column.
struct CategoryInput {
  std::optional<std::string> name;
  std::optional<std::string> slug;
  web::Patch<std::string> description;
  web::Patch<std::string> image;
  std::optional<bool> is_active;
  std::optional<bool> is_featured;
  std::optional<std::string> type;
};

bool valid_slug(std::string_view s) {
  if (s.empty() || s.front() == '-' || s.back() == '-' || s.find("--") != std::string_view::npos) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// The first of `snake` and `camel` the body has (the old backend accepted
// both spellings of the flags).
std::string_view spelling(const web::BodyFields& in, std::string_view snake, std::string_view camel) {
  return in.has(snake) ? snake : camel;
}

CategoryInput read_input(const json::object& body, bool creating) {
  web::BodyFields in(body);
  CategoryInput f;
  if (!creating && in.count_present({"name", "slug", "description", "image", "isActive", "is_active", "isFeatured",
                                     "is_featured", "type"}) == 0) {
    in.add("value", "\"value\" must have at least 1 key");
  }
  f.name = in.text("name", kNameMax, creating);
  if (f.name) {
    // Surrounding spaces would make look-alike duplicates.
    auto first = f.name->find_first_not_of(" \t\r\n");
    auto last = f.name->find_last_not_of(" \t\r\n");
    f.name = first == std::string::npos ? std::string() : f.name->substr(first, last - first + 1);
    if (f.name->empty()) {
      in.add("name", "\"name\" is not allowed to be empty");
      f.name.reset();
    }
  }
  f.slug = in.text("slug", kNameMax, false);
  if (f.slug && !valid_slug(*f.slug)) {
    in.add("slug", "\"slug\" must be lower-case letters and digits in words joined by single hyphens");
    f.slug.reset();
  }
  if (creating && !f.slug && f.name && !in.has("slug")) {
    f.slug = category_slug(*f.name);
    if (f.slug->empty()) {
      in.add("name", "\"name\" must contain a letter or a digit");
      f.slug.reset();
    }
  }
  f.description = in.nullable_text("description", kDescriptionMax);
  // Images are stored as given. The media issue adds the old check that an
  // ImageKit URL names an active `media` row, and links that row
  // (usedBy = category id, usageType 'category_image').
  f.image = in.nullable_url("image", kImageMax, false);
  f.is_active = in.boolean(spelling(in, "is_active", "isActive"));
  f.is_featured = in.boolean(spelling(in, "is_featured", "isFeatured"));
  f.type = in.one_of("type", {"standard", "collection", "landing"});
  in.finish();
  return f;
}

// 409 when the name or slug belongs to another category; 404 (updates)
// when `id` does not exist.
Task<void> check_conflicts(db::Tx& tx, const std::string& id, const CategoryInput& f, bool creating) {
  db::Params params{id, f.name, f.slug};
  auto r = co_await tx.query(kCheckSql, std::move(params));
  if (!creating && !r.get_bool(0, 0)) web::throw_not_found("Category not found");
  bool name_taken = r.get_bool(0, 1), slug_taken = r.get_bool(0, 2);
  if (!name_taken && !slug_taken) co_return;
  ApiError e(409, "ConflictError", name_taken ? kNameTaken : kSlugTaken);
  if (name_taken) e.with_field("name", kNameTaken);
  if (slug_taken) e.with_field("slug", kSlugTaken);
  throw e;
}

// A unique violation that slipped past the check (a concurrent write).
[[noreturn]] void rethrow_write_error(const db::DbError& e) {
  if (e.unique_violation()) throw ApiError(409, "ConflictError", "A category with this name or slug already exists");
  throw;  // called from a handler: rethrows `e` as it is
}

void invalidate(web::Context& ctx, std::initializer_list<std::string> category_ids) {
  std::vector<std::string> tags{std::string(cache::tags::kCategories), std::string(cache::tags::kProducts)};
  for (const auto& id : category_ids) tags.push_back(cache::tags::category(id));
  ctx.get<cache::Registry>().invalidate(tags);
}

std::string path_id(const web::Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found("Category not found");
  return std::string(id);
}

Task<http::Response> list(web::Context& ctx) {
  require_admin(ctx);
  co_return co_await category_list(ctx, true);
}

db::Params insert_params(const std::string& id, const CategoryInput& f) {
  return {id,
          f.name,
          f.slug,
          f.description.value,
          f.image.value,
          f.is_active.value_or(true),
          f.is_featured.value_or(false),
          f.type.value_or("standard")};
}

db::Params update_params(const std::string& id, const CategoryInput& f) {
  return {
      id,          f.name,        f.slug, f.description.present, f.description.value, f.image.present, f.image.value,
      f.is_active, f.is_featured, f.type};
}

// Creates or updates category `id` from `f` and records `activity` in one
// transaction, invalidates the cached reads, and returns the category.
Task<std::string> save(web::Context& ctx, const std::string& id, const CategoryInput& f, bool creating,
                       const admin::Activity& activity) {
  const char* sql = creating ? kInsertSql : kUpdateSql;
  db::Params params = creating ? insert_params(id, f) : update_params(id, f);
  std::string category;
  try {
    co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
      co_await check_conflicts(tx, id, f, creating);
      std::vector<db::Statement> write;
      write.push_back({sql, params});
      write.push_back(admin::activity_statement(ctx, activity, {id}));
      write.push_back({kCategoryByIdSql, {id}});
      auto rs = co_await tx.pipeline(std::move(write));
      if (rs[2].empty()) web::throw_not_found("Category not found");  // deleted meanwhile
      category = std::string(rs[2].get(0, 0));
    });
  } catch (const db::DbError& e) {
    rethrow_write_error(e);
  }
  invalidate(ctx, {id});
  co_return category;
}

Task<http::Response> create(web::Context& ctx) {
  require_admin(ctx);
  auto body = accounts::json_body(ctx.req);
  CategoryInput f = read_input(body, true);
  admin::Activity activity{"category.create", "category", admin::changed_fields(body)};
  std::string category = co_await save(ctx, new_cuid(), f, true, activity);
  co_return web::ok_data(category, 201);
}

Task<http::Response> update(web::Context& ctx) {
  require_admin(ctx);
  std::string id = path_id(ctx);
  auto body = accounts::json_body(ctx.req);
  CategoryInput f = read_input(body, false);
  admin::Activity activity{"category.update", "category", admin::changed_fields(body)};
  std::string category = co_await save(ctx, id, f, false, activity);
  co_return web::ok_data(category);
}

// The transfer target of a DELETE body: absent, null and "" mean none.
std::optional<std::string> transfer_target(const json::object& body, const std::string& id) {
  web::BodyFields in(body);
  auto target = in.nullable_text("transferToId", 30).value;
  if (target && *target == id) in.add("transferToId", "\"transferToId\" must be a different category");
  in.finish();
  return target;
}

Task<http::Response> remove(web::Context& ctx) {
  require_admin(ctx);
  std::string id = path_id(ctx);
  auto body = accounts::json_body(ctx.req);
  auto target = transfer_target(body, id);
  try {
    co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
      db::Params lock{id};
      auto r = co_await tx.query(kLockForDeleteSql, std::move(lock));
      if (r.empty()) web::throw_not_found("Category not found");
      long long products = r.get_int(0, 0);
      if (target) {
        db::Params lock_target{*target};
        auto t = co_await tx.query(kLockTargetSql, std::move(lock_target));
        if (t.empty()) {
          throw ApiError::bad_request("Validation failed")
              .with_field("transferToId", "Target category for transfer not found");
        }
        db::Params move{id, *target};
        co_await tx.query(kMoveProductsSql, std::move(move));
      } else if (products > 0) {
        throw ApiError::bad_request("Validation failed")
            .with_field("transferToId", "Cannot delete a category with " + std::to_string(products) +
                                            " products: give transferToId, the category to move them to");
      }
      json::object changes;
      if (target) changes = json::object{{"transferToId", *target}, {"products", products}};
      admin::Activity activity{"category.delete", "category", std::move(changes)};
      std::vector<db::Statement> del;
      del.push_back({kDeleteSql, {id}});
      del.push_back(admin::activity_statement(ctx, activity, {id}));
      co_await tx.pipeline(std::move(del));
      // The media issue moves the category's image to the ImageKit trash
      // here.
    });
  } catch (const db::DbError& e) {
    // A product that named the category committed between the count and the
    // delete (only possible without a transfer target).
    if (e.sqlstate() == "23503") {
      throw ApiError(409, "ConflictError", "The category still has products: transfer them first");
    }
    throw;
  }
  if (target) {
    invalidate(ctx, {id, *target});
  } else {
    invalidate(ctx, {id});
  }
  co_return http::Response::json(R"({"success":true,"message":"Category deleted successfully"})");
}

}  // namespace

std::string category_slug(std::string_view name) {
  std::string out;
  bool gap = false;
  for (char raw : name) {
    char c = (raw >= 'A' && raw <= 'Z') ? static_cast<char>(raw - 'A' + 'a') : raw;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (gap && !out.empty()) out += '-';
      gap = false;
      out += c;
    } else if (c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      gap = true;
    }
  }
  return out;
}

void register_admin_category_routes(web::Router& router) {
  router.add("GET", "/api/admin/categories", list);
  router.add("POST", "/api/admin/categories", create);
  router.add("PATCH", "/api/admin/categories/:id", update);
  router.add("DELETE", "/api/admin/categories/:id", remove);
}

}  // namespace wh::catalog
