#include "commerce/discounts.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <climits>
#include <vector>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "commerce/cart_key.h"
#include "commerce/cart_sql.h"
#include "commerce/cart_view.h"
#include "commerce/code_field.h"
#include "core/ids.h"
#include "core/json_text.h"
#include "security/route_limit.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::commerce {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

// The old discountValidateLimiter: against guessing codes.
const security::RatePolicy kValidateLimit{"discount-validate", 10, std::chrono::minutes(1)};

#define WH_DISCOUNT_JSON                                                                                         \
  "json_build_object('id', d.id, 'code', d.code, 'type', d.type, 'value', wh_money(d.value),"                    \
  " 'minimumPurchase', wh_money(d.minimum_purchase), 'maxUses', d.max_uses, 'usedCount', d.used_count,"          \
  " 'usesPerCustomer', d.uses_per_customer, 'startsAt', wh_iso(d.starts_at), 'expiresAt', wh_iso(d.expires_at)," \
  " 'isActive', d.is_active, 'createdAt', wh_iso(d.created_at), 'updatedAt', wh_iso(d.updated_at))"

constexpr const char* kListSql =
    "SELECT COALESCE(json_agg(x.j ORDER BY x.created_at DESC, x.id DESC), '[]')::text,"
    " (SELECT count(*) FROM discount_codes)"
    " FROM (SELECT " WH_DISCOUNT_JSON
    " AS j, d.created_at, d.id FROM discount_codes d"
    " ORDER BY d.created_at DESC, d.id DESC LIMIT $1 OFFSET $2) x";

constexpr const char* kGetSql = "SELECT " WH_DISCOUNT_JSON "::text FROM discount_codes d WHERE d.id = $1";

// No row when the code exists already (in any case). $11 the admin
// activity (admin/activity_log.h).
constexpr const char* kCreateSql =
    "WITH d AS (INSERT INTO discount_codes AS d (id, code, type, value, minimum_purchase, max_uses, uses_per_customer,"
    " starts_at, expires_at, is_active, updated_at)"
    " SELECT $1::varchar, $2::varchar, $3::varchar, $4::numeric, $5::numeric, $6::int, $7::int, $8::timestamp, "
    "$9::timestamp, "
    "$10::bool, " WH_SQL_NOW
    " WHERE NOT EXISTS (SELECT 1 FROM discount_codes WHERE upper(code) = upper($2::varchar))"
    " RETURNING d.id, " WH_DISCOUNT_JSON "::text AS j), " WH_ADMIN_ACTIVITY("d", "$11") " SELECT j FROM d";

constexpr const char* kLockSql =
    "SELECT type, value::text, (extract(epoch FROM starts_at) * 1000)::bigint,"
    " (extract(epoch FROM expires_at) * 1000)::bigint FROM discount_codes WHERE id = $1 FOR UPDATE";

constexpr const char* kCodeTakenSql = "SELECT 1 FROM discount_codes WHERE upper(code) = upper($1) AND id <> $2";

constexpr const char* kUpdateSql =
    "UPDATE discount_codes d SET code = COALESCE($2, code), type = COALESCE($3, type),"
    " value = COALESCE($4::numeric, value),"
    " minimum_purchase = CASE WHEN $5::bool THEN $6::numeric ELSE minimum_purchase END,"
    " max_uses = CASE WHEN $7::bool THEN $8::int ELSE max_uses END,"
    " uses_per_customer = COALESCE($9::int, uses_per_customer), starts_at = COALESCE($10::timestamp, starts_at),"
    " expires_at = COALESCE($11::timestamp, expires_at), is_active = COALESCE($12::bool, is_active),"
    " updated_at = " WH_SQL_NOW " WHERE d.id = $1 RETURNING " WH_DISCOUNT_JSON "::text";

// $2 the admin activity. Returns how many were deleted.
constexpr const char* kDeleteSql =
    "WITH d AS (DELETE FROM discount_codes WHERE id = $1 RETURNING id), " WH_ADMIN_ACTIVITY(
        "d", "$2") " SELECT count(*) FROM d";

constexpr const char* kNotFound = "Discount not found";

std::string quoted(std::string_view field) { return "\"" + std::string(field) + "\""; }

// Joi number(): a JSON number or a numeric string, as pesewas (at most two
// decimals, numeric(10,2)). `min` is inclusive.
std::optional<Pesewas> read_amount(web::BodyFields& in, const json::value* v, std::string_view field, Pesewas min) {
  if (v == nullptr) return std::nullopt;
  std::string text;
  if (v->is_int64()) {
    text = std::to_string(v->get_int64());
  } else if (v->is_uint64()) {
    text = std::to_string(v->get_uint64());
  } else if (v->is_double()) {
    text = json_number(v->get_double());
  } else if (v->is_string()) {
    text = std::string(v->get_string());
  } else {
    in.add(field, quoted(field) + " must be a number");
    return std::nullopt;
  }
  if (!text.empty() && text[0] == '-') {
    in.add(field, quoted(field) + (min > 0 ? " must be a positive number" : " must be greater than or equal to 0"));
    return std::nullopt;
  }
  auto amount = parse_cedis(text);
  if (!amount) {
    in.add(field, quoted(field) + " must be a number below 100000000 with at most two decimals");
  } else if (*amount < min) {
    in.add(field, quoted(field) + " must be a positive number");
    amount.reset();
  }
  return amount;
}

// integer().min(1), optionally allowing null (absent -> not present).
web::Patch<std::int64_t> read_count(web::BodyFields& in, std::string_view field, bool nullable) {
  web::Patch<std::int64_t> out;
  if (!in.has(field)) return out;
  const json::value* v = in.any(field, false);
  if (v == nullptr && nullable) {
    out.present = true;
    return out;
  }
  out.value = in.integer(field, 1, INT_MAX);
  out.present = out.value.has_value();
  return out;
}

struct DiscountInput {
  std::optional<std::string> code, type;
  std::optional<Pesewas> value;
  web::Patch<Pesewas> minimum_purchase;
  web::Patch<std::int64_t> max_uses;
  std::optional<std::int64_t> uses_per_customer;
  std::optional<web::Instant> starts_at, expires_at;
  std::optional<bool> is_active;
};

constexpr std::string_view kPercentageRange = "Percentage discount must be between 1 and 100";
// 1% to 100% (values are in hundredths).
bool percentage_ok(Pesewas value) { return value >= 100 && value <= 10000; }

constexpr std::string_view kDatesOrder = "\"expiresAt\" must be after \"startsAt\"";

// Reads the body (create: the required fields, defaults) and records the
// errors in `in` without finishing, so that the caller can add its own.
DiscountInput read_discount(web::BodyFields& in, bool create) {
  DiscountInput d;
  d.code = read_code(in, "code", 3, create);
  if (d.code) {
    for (auto& c : *d.code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  d.type = in.one_of("type", {"percentage", "fixed"});
  if (create && !in.has("type")) in.add("type", "\"type\" is required");
  d.value = read_amount(in, in.any("value", create), "value", 1);
  if (in.has("minimumPurchase")) {
    d.minimum_purchase.present = true;
    d.minimum_purchase.value = read_amount(in, in.any("minimumPurchase", false), "minimumPurchase", 0);
  }
  d.max_uses = read_count(in, "maxUses", true);
  auto per_customer = read_count(in, "usesPerCustomer", false);
  d.uses_per_customer = per_customer.value;
  if (create && !d.uses_per_customer) d.uses_per_customer = 1;
  d.starts_at = in.instant("startsAt", create);
  d.expires_at = in.instant("expiresAt", create);
  d.is_active = in.boolean("isActive");
  if (create && !d.is_active) d.is_active = true;
  if (d.value && d.type == "percentage" && !percentage_ok(*d.value)) in.add("value", std::string(kPercentageRange));
  if (d.starts_at && d.expires_at && d.expires_at->unix_ms <= d.starts_at->unix_ms) {
    in.add("expiresAt", std::string(kDatesOrder));
  }
  return d;
}

std::optional<std::string> amount_param(const std::optional<Pesewas>& v) {
  if (!v) return std::nullopt;
  return cedis_text(*v);
}
std::optional<std::string> instant_param(const std::optional<web::Instant>& v) {
  if (!v) return std::nullopt;
  return v->sql;
}

std::string discount_id(const Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found(kNotFound);
  return std::string(id);
}

[[noreturn]] void throw_code_taken() { throw ApiError(409, "ConflictError", "Discount code already exists"); }

void require_admin(const Context& ctx) { accounts::require_role(ctx, {"admin", "super_admin"}); }

Task<Response> create_discount(Context& ctx) {
  require_admin(ctx);
  auto body = accounts::json_body(ctx.req);
  web::BodyFields in(body);
  DiscountInput d = read_discount(in, true);
  in.finish();
  admin::Activity activity{"discount.create", "discount", admin::changed_fields(body)};
  db::Params params{new_cuid(),
                    *d.code,
                    *d.type,
                    cedis_text(*d.value),
                    amount_param(d.minimum_purchase.value),
                    d.max_uses.value,
                    *d.uses_per_customer,
                    d.starts_at->sql,
                    d.expires_at->sql,
                    *d.is_active,
                    admin::activity_param(ctx, activity)};
  db::Result r;
  try {
    r = co_await ctx.db().query(kCreateSql, std::move(params));
  } catch (const db::DbError& e) {
    if (!e.unique_violation()) throw;
  }
  if (r.empty()) throw_code_taken();
  co_return web::ok_data_message(r.get(0, 0), "Discount code created successfully", 201);
}

Task<Response> list_discounts(Context& ctx) {
  require_admin(ctx);
  web::QueryReader q(ctx.req);
  int page = q.integer("page", 1, web::kMaxPage);
  int limit = q.integer("limit", web::kMaxPageSize, web::kMaxPageSize);
  q.finish();
  db::Params params{limit, static_cast<long long>(page - 1) * limit};
  auto r = co_await ctx.db().query(kListSql, std::move(params));
  std::int64_t total = r.get_int(0, 1);
  std::string body = R"({"success":true,"data":)" + compact_json(r.get(0, 0)) + R"(,"pagination":{"page":)" +
                     std::to_string(page) + R"(,"limit":)" + std::to_string(limit) + R"(,"total":)" +
                     std::to_string(total) + R"(,"pages":)" + std::to_string((total + limit - 1) / limit) + "}}";
  co_return Response::json(std::move(body));
}

Task<Response> get_discount(Context& ctx) {
  require_admin(ctx);
  db::Params params{discount_id(ctx)};
  auto r = co_await ctx.db().query(kGetSql, std::move(params));
  if (r.empty()) web::throw_not_found(kNotFound);
  co_return web::ok_data(r.get(0, 0));
}

// The rules that involve stored fields, on the row as it will be.
void check_merged(web::BodyFields& in, const DiscountInput& d, const db::Result& stored) {
  std::string type = d.type.value_or(std::string(stored.get(0, 0)));
  Pesewas value = d.value.value_or(parse_cedis(stored.get(0, 1)).value_or(0));
  if (type == "percentage" && !percentage_ok(value) && (d.type || d.value))
    in.add("value", std::string(kPercentageRange));
  std::int64_t starts = d.starts_at ? d.starts_at->unix_ms : stored.get_int(0, 2);
  std::int64_t expires = d.expires_at ? d.expires_at->unix_ms : stored.get_int(0, 3);
  if ((d.starts_at || d.expires_at) && expires <= starts) in.add("expiresAt", std::string(kDatesOrder));
}

Task<Response> update_discount(Context& ctx) {
  require_admin(ctx);
  std::string id = discount_id(ctx);
  auto body = accounts::json_body(ctx.req);
  web::BodyFields in(body);
  DiscountInput d = read_discount(in, false);
  if (in.count_present({"code", "type", "value", "minimumPurchase", "maxUses", "usesPerCustomer", "startsAt",
                        "expiresAt", "isActive"}) == 0) {
    in.add("value", "\"value\" must have at least 1 key");
  }
  in.finish();
  admin::Activity activity{"discount.update", "discount", admin::changed_fields(body)};
  std::string updated;
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    std::vector<db::Statement> read;
    read.push_back({kLockSql, {id}});
    if (d.code) read.push_back({kCodeTakenSql, {*d.code, id}});
    auto rs = co_await tx.pipeline(std::move(read));
    if (rs[0].empty()) web::throw_not_found(kNotFound);
    if (d.code && !rs[1].empty()) throw_code_taken();
    web::BodyFields merged(body);
    check_merged(merged, d, rs[0]);
    merged.finish();
    db::Params params{id,
                      d.code,
                      d.type,
                      amount_param(d.value),
                      d.minimum_purchase.present,
                      amount_param(d.minimum_purchase.value),
                      d.max_uses.present,
                      d.max_uses.value,
                      d.uses_per_customer,
                      instant_param(d.starts_at),
                      instant_param(d.expires_at),
                      d.is_active};
    std::vector<db::Statement> write;
    write.push_back({kUpdateSql, std::move(params)});
    write.push_back(admin::activity_statement(ctx, activity, {id}));
    auto done = co_await tx.pipeline_and_commit(std::move(write));
    updated = std::string(done[0].get(0, 0));
  });
  co_return web::ok_data_message(updated, "Discount updated successfully");
}

Task<Response> delete_discount(Context& ctx) {
  require_admin(ctx);
  admin::Activity activity{"discount.delete", "discount", {}};
  db::Params params{discount_id(ctx), admin::activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(kDeleteSql, std::move(params));
  if (r.get_int(0, 0) == 0) web::throw_not_found(kNotFound);
  co_return Response::json(R"({"success":true,"message":"Discount code deleted successfully"})");
}

Task<Response> validate_discount(Context& ctx) {
  security::enforce_rate_limit(ctx, kValidateLimit, ctx.req.client_ip,
                               "Too many discount validation attempts. Please try again later.");
  auto body = accounts::json_body(ctx.req);
  web::BodyFields in(body);
  auto code = read_code(in, "code", 3, true);
  auto total = read_amount(in, in.any("cartTotal", true), "cartTotal", 0);
  in.finish();
  // The caller's past uses count when signed in; no guest session is made.
  CartKey who;
  if (ctx.auth.principal) who.user_id = ctx.auth.principal->id;
  auto check = co_await check_coupon(ctx, who, *code, *total);
  if (check.refusal) throw ApiError::bad_request(*check.refusal);
  const Coupon& c = *check.coupon;
  std::string data = R"({"valid":true,"code":)" + json::serialize(json::string(c.code)) + R"(,"type":)" +
                     (c.rule.type == DiscountType::kPercentage ? R"("percentage")" : R"("fixed")") + R"(,"value":)" +
                     cedis_text(c.rule.value) + R"(,"amount":)" + cedis_text(discount_amount(c.rule, *total)) + "}";
  co_return web::ok_data(data);
}

}  // namespace

void register_discount_routes(web::Router& router) {
  for (std::string p : {"/api/admin/discounts", "/api/discounts"}) {
    router.add("POST", p, create_discount);
    router.add("GET", p, list_discounts);
    router.add("POST", p + "/validate", validate_discount);
    router.add("GET", p + "/:id", get_discount);
    router.add("PUT", p + "/:id", update_discount);
    router.add("DELETE", p + "/:id", delete_discount);
  }
}

}  // namespace wh::commerce
