#include "commerce/addresses.h"

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "commerce/cart_sql.h"
#include "core/ids.h"
#include "web/body_fields.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::commerce {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

#define WH_ADDRESS_JSON                                                                                           \
  "json_build_object('id', a.id, 'userId', a.user_id, 'name', a.name, 'address', a.address, 'street', a.address," \
  " 'city', a.city, 'state', a.state, 'zipCode', a.zip_code, 'country', a.country, 'phone', a.phone,"             \
  " 'isDefault', a.is_default, 'createdAt', wh_iso(a.created_at), 'updatedAt', wh_iso(a.updated_at))"

constexpr const char* kListSql = "SELECT COALESCE(json_agg(" WH_ADDRESS_JSON
                                 " ORDER BY a.is_default DESC, a.created_at DESC, a.id DESC), '[]')::text"
                                 " FROM addresses a WHERE a.user_id = $1";

// Locks the user's row: address writes of one user run one at a time.
constexpr const char* kLockUserSql =
    "SELECT (SELECT count(*) FROM addresses WHERE user_id = u.id) FROM users u WHERE u.id = $1 FOR NO KEY UPDATE";

// $1 user, $2 the address keeping its default (or NULL).
constexpr const char* kUnsetDefaultsSql = "UPDATE addresses SET is_default = false, updated_at = " WH_SQL_NOW
                                          " WHERE user_id = $1 AND is_default AND id IS DISTINCT FROM $2";

constexpr const char* kInsertSql =
    "INSERT INTO addresses AS a (id, user_id, name, address, city, state, zip_code, country, phone, is_default,"
    " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, " WH_SQL_NOW ") RETURNING " WH_ADDRESS_JSON "::text";

constexpr const char* kUpdateSql =
    "UPDATE addresses a SET name = COALESCE($3, name), address = COALESCE($4, address), city = COALESCE($5, city),"
    " state = COALESCE($6, state), zip_code = COALESCE($7, zip_code), country = COALESCE($8, country),"
    " phone = COALESCE($9, phone), is_default = COALESCE($10::bool, is_default), updated_at = " WH_SQL_NOW
    " WHERE a.id = $1 AND a.user_id = $2 RETURNING " WH_ADDRESS_JSON "::text";

constexpr const char* kDeleteSql = "DELETE FROM addresses WHERE id = $1 AND user_id = $2";

constexpr const char* kNotFound = "Address not found";

// The fields of a create (all required but zipCode) or an update (any).
struct AddressInput {
  std::optional<std::string> name, street, city, state, zip_code, country, phone;
  std::optional<bool> is_default;
};

AddressInput read_address(const json::object& body, bool create) {
  web::BodyFields in(body);
  AddressInput a;
  a.name = in.text("name", 255, create);
  // The storefront sends `street`; the column (and the old response) is `address`.
  a.street = in.text(in.has("street") || !in.has("address") ? "street" : "address", 500, create);
  a.city = in.text("city", 100, create);
  a.state = in.text("state", 100, create);
  auto zip = in.nullable_text("zipCode", 20);  // may be empty: many Ghanaian addresses have none
  if (zip.present) a.zip_code = zip.value.value_or("");
  if (create && !a.zip_code) a.zip_code = "";
  a.country = in.text("country", 100, create);
  a.phone = in.text("phone", 20, create);
  a.is_default = in.boolean("isDefault");
  in.finish();
  return a;
}

std::string address_id(const Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found(kNotFound);
  return std::string(id);
}

Task<Response> list_addresses(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  db::Params params{user.id};
  auto r = co_await ctx.db().query(kListSql, std::move(params));
  co_return web::ok_data(r.get(0, 0));
}

Task<Response> create_address(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  auto body = accounts::json_body(ctx.req);
  AddressInput a = read_address(body, true);
  bool is_default = a.is_default.value_or(false);
  std::string id = new_cuid();
  std::string created;
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    db::Params lock{user.id};
    auto r = co_await tx.query(kLockUserSql, std::move(lock));
    if (r.empty()) throw ApiError(401, "UnauthorizedError", "User not found");
    if (r.get_int(0, 0) >= kMaxAddresses) {
      throw ApiError::bad_request("You can keep at most " + std::to_string(kMaxAddresses) + " addresses");
    }
    std::vector<db::Statement> statements;
    if (is_default) statements.push_back({kUnsetDefaultsSql, {user.id, id}});
    statements.push_back(
        {kInsertSql,
         {id, user.id, *a.name, *a.street, *a.city, *a.state, *a.zip_code, *a.country, *a.phone, is_default}});
    auto rs = co_await tx.pipeline(std::move(statements));
    created = std::string(rs.back().get(0, 0));
  });
  co_return web::ok_data(created, 201);
}

Task<Response> update_address(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  std::string id = address_id(ctx);
  auto body = accounts::json_body(ctx.req);
  AddressInput a = read_address(body, false);
  std::string updated;
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    std::vector<db::Statement> statements;
    statements.push_back({kLockUserSql, {user.id}});
    if (a.is_default.value_or(false)) statements.push_back({kUnsetDefaultsSql, {user.id, id}});
    statements.push_back(
        {kUpdateSql, {id, user.id, a.name, a.street, a.city, a.state, a.zip_code, a.country, a.phone, a.is_default}});
    auto rs = co_await tx.pipeline(std::move(statements));
    if (rs.back().empty()) web::throw_not_found(kNotFound);  // rolls the unset back
    updated = std::string(rs.back().get(0, 0));
  });
  co_return web::ok_data(updated);
}

Task<Response> delete_address(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  std::string id = address_id(ctx);
  db::Params params{id, user.id};
  auto r = co_await ctx.db().query(kDeleteSql, std::move(params));
  if (r.affected() == 0) web::throw_not_found(kNotFound);
  co_return Response::json(R"({"success":true,"message":"Address deleted"})");
}

}  // namespace

void register_address_routes(web::Router& router) {
  router.add("GET", "/api/addresses", list_addresses);
  router.add("POST", "/api/addresses", create_address);
  router.add("PATCH", "/api/addresses/:id", update_address);
  router.add("DELETE", "/api/addresses/:id", delete_address);
}

void register_profile_address_routes(web::Router& router) {
  router.add("POST", "/api/profile/address", create_address);
  router.add("PUT", "/api/profile/address/:id", update_address);
  router.add("DELETE", "/api/profile/address/:id", delete_address);
}

}  // namespace wh::commerce
