#include "commerce/cart_writes.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <map>

#include "commerce/cart_sql.h"
#include "core/error.h"
#include "core/ids.h"
#include "web/query_params.h"

namespace wh::commerce {
namespace json = boost::json;

Task<CartLines> change_line(web::Context& ctx, const CartKey& key, const std::string& variant_id, LineChange change,
                            int quantity) {
  const CartSql& sql = cart_sql(key);
  CartLines lines;
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    std::vector<db::Statement> lock_and_read;
    lock_and_read.push_back({sql.ensure, {key.owner(), new_cuid()}});
    lock_and_read.push_back({sql.line_state, {key.owner(), variant_id}});
    auto rs = co_await tx.pipeline(std::move(lock_and_read));
    const db::Result& state = rs[1];
    if (state.empty()) throw ApiError::not_found("Product variant not found");
    if (!state.get_bool(0, 0)) throw ApiError::bad_request("Product is no longer available");
    std::int64_t available = state.get_int(0, 1);
    bool present = !state.is_null(0, 2);
    std::int64_t current = present ? state.get_int(0, 2) : 0;
    if (!present && state.get_int(0, 3) >= kMaxCartLines) {
      throw ApiError::bad_request("Maximum " + std::to_string(kMaxCartLines) + " different items allowed in cart");
    }
    std::int64_t next = change == LineChange::kAdd ? current + quantity : quantity;
    if (next > available) {
      throw ApiError(409, "ConflictError", "Insufficient stock. Available: " + std::to_string(available));
    }
    if (next > kMaxLineQuantity) {
      throw ApiError::bad_request("Maximum quantity per item is " + std::to_string(kMaxLineQuantity));
    }
    std::vector<db::Statement> write_and_view;
    write_and_view.push_back({sql.set_line, {key.owner(), variant_id, static_cast<long>(next), new_cuid()}});
    write_and_view.push_back({sql.view, {key.owner()}});
    auto written = co_await tx.pipeline(std::move(write_and_view));
    lines = cart_lines_from(written[1]);
  });
  co_return lines;
}

Task<CartLines> remove_line(web::Context& ctx, const CartKey& key, const std::string& variant_id) {
  const CartSql& sql = cart_sql(key);
  std::vector<db::Statement> statements;
  statements.push_back({sql.remove_line, {key.owner(), variant_id}});
  statements.push_back({sql.view, {key.owner()}});
  auto rs = co_await ctx.db().pipeline(std::move(statements));
  co_return cart_lines_from(rs[1]);
}

namespace {

// A quantity as JavaScript's parseInt would read a number or numeric string;
// nullopt when there is none.
std::optional<std::int64_t> quantity_of(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return static_cast<std::int64_t>(std::min<std::uint64_t>(v.get_uint64(), 1000000));
  if (v.is_double() && std::isfinite(v.get_double())) {
    return static_cast<std::int64_t>(std::clamp(v.get_double(), -1e6, 1e6));
  }
  if (v.is_string()) {
    const auto& s = v.get_string();
    std::int64_t n = 0;
    std::size_t i = 0;
    for (; i < s.size() && i < 7 && s[i] >= '0' && s[i] <= '9'; ++i) n = n * 10 + (s[i] - '0');
    if (i > 0) return n;
  }
  return std::nullopt;
}

}  // namespace

std::vector<SyncItem> parse_sync_items(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const auto* items = v.as_object().if_contains("items");
  if (items == nullptr || !items->is_array()) return {};
  std::vector<SyncItem> out;
  std::map<std::string, std::size_t> seen;
  for (const auto& item : items->as_array()) {
    if (!item.is_object()) continue;
    const auto* id = item.as_object().if_contains("variant_id");
    const auto* qty = item.as_object().if_contains("quantity");
    if (id == nullptr || !id->is_string() || qty == nullptr || !web::plausible_id(id->get_string())) continue;
    auto n = quantity_of(*qty);
    if (!n || *n < 1) continue;
    int quantity = static_cast<int>(std::min<std::int64_t>(*n, kMaxLineQuantity));
    std::string variant(id->get_string());
    if (auto it = seen.find(variant); it != seen.end()) {
      out[it->second].quantity = quantity;
      continue;
    }
    if (out.size() >= static_cast<std::size_t>(kMaxCartLines)) continue;
    seen.emplace(variant, out.size());
    out.push_back({std::move(variant), quantity});
  }
  return out;
}

Task<int> sync_lines(web::Context& ctx, const std::string& user_id, const std::vector<SyncItem>& items) {
  json::array input;
  for (const auto& item : items) {
    input.push_back(
        json::object{{"variant_id", item.variant_id}, {"quantity", item.quantity}, {"line_id", new_cuid()}});
  }
  CartKey key{user_id, ""};
  int written = 0;
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    std::vector<db::Statement> statements;
    statements.push_back({cart_sql(key).ensure, {user_id, new_cuid()}});
    statements.push_back({kPutUserLinesSql, {user_id, json::serialize(input), false}});
    auto rs = co_await tx.pipeline(std::move(statements));
    written = rs[1].rows();
  });
  co_return written;
}

}  // namespace wh::commerce
