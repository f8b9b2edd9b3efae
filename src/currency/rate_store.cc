#include "currency/rate_store.h"

#include <boost/json.hpp>

#include "core/ids.h"

namespace wh::currency {
namespace json = boost::json;

namespace {

// $1: the supported codes as a text[] literal.
constexpr const char* kAgeSql =
    "SELECT floor(extract(epoch FROM (now() AT TIME ZONE 'UTC') - min(last_updated)) * 1000)::bigint, count(*)"
    " FROM currency_rates WHERE base_currency = 'GHS' AND currency = ANY($1::text[])";

// $1: {"USD":{"id":..,"rate":".."},...}; $2: the supported codes.
constexpr const char* kUpsertSql =
    "INSERT INTO currency_rates (id, base_currency, currency, rate, last_updated, created_at)"
    " SELECT t.value->>'id', 'GHS', t.key, (t.value->>'rate')::numeric, now() AT TIME ZONE 'UTC',"
    " now() AT TIME ZONE 'UTC' FROM json_each($1::json) AS t"
    " WHERE t.key = ANY($2::text[])"
    " OR EXISTS (SELECT 1 FROM currency_rates c WHERE c.base_currency = 'GHS' AND c.currency = t.key)"
    " ON CONFLICT (base_currency, currency) DO UPDATE SET rate = EXCLUDED.rate, last_updated = EXCLUDED.last_updated";

// {USD,EUR,GBP}
std::string supported_literal() {
  std::string s;
  for (auto code : kSupported) s += (s.empty() ? "{" : ",") + std::string(code);
  return s + "}";
}

}  // namespace

Task<std::optional<std::chrono::milliseconds>> stored_age(db::Db& db) {
  db::Params params{supported_literal()};
  auto r = co_await db.query(kAgeSql, std::move(params));
  if (r.is_null(0, 0) || r.get_int(0, 1) < static_cast<std::int64_t>(kSupported.size())) co_return std::nullopt;
  co_return std::chrono::milliseconds(r.get_int(0, 0));
}

Task<long> save_rates(db::Db& db, const RateList& rates) {
  json::object rows;
  for (const auto& [code, rate] : rates) rows[code] = json::object{{"id", new_cuid()}, {"rate", rate}};
  db::Params params{json::serialize(rows), supported_literal()};
  auto r = co_await db.query(kUpsertSql, std::move(params));
  co_return r.affected();
}

}  // namespace wh::currency
