#include "commerce/cart_merge.h"

#include <exception>
#include <vector>

#include "commerce/cart_key.h"
#include "commerce/cart_sql.h"
#include "core/ids.h"
#include "core/log.h"

namespace wh::commerce {

namespace {

constexpr const char* kGuestCartExistsSql = "SELECT 1 FROM guest_carts WHERE session_id = $1";

constexpr const char* kLockGuestCartSql = "SELECT id, coupon_code FROM guest_carts WHERE session_id = $1 FOR UPDATE";

// The guest lines as kPutUserLinesSql takes them; each keeps its id, which
// is free in cart_items (ids are unique cuids, and the guest line goes).
constexpr const char* kGuestLinesSql =
    "SELECT COALESCE(json_agg(json_build_object('variant_id', i.variant_id, 'quantity', i.quantity, 'line_id', i.id)"
    " ORDER BY i.created_at, i.id), '[]')::text"
    " FROM guest_cart_items i JOIN guest_carts g ON g.id = i.cart_id WHERE g.session_id = $1";

constexpr const char* kCarryCouponSql =
    "UPDATE carts SET coupon_code = $2, updated_at = " WH_SQL_NOW " WHERE user_id = $1 AND coupon_code IS NULL";

constexpr const char* kDeleteGuestCartSql = "DELETE FROM guest_carts WHERE id = $1";

}  // namespace

Task<void> merge_guest_cart(web::Context& ctx, const std::string& user_id, const std::string& session_id) {
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    std::vector<db::Statement> read;
    read.push_back({kLockGuestCartSql, {session_id}});
    read.push_back({kGuestLinesSql, {session_id}});
    auto rs = co_await tx.pipeline(std::move(read));
    if (rs[0].empty()) co_return;  // merged by a parallel sign-in
    std::string guest_cart(rs[0].get(0, 0));
    auto coupon = rs[0].get_opt(0, 1);
    CartKey user{user_id, ""};
    std::vector<db::Statement> write;
    write.push_back({cart_sql(user).ensure, {user_id, new_cuid()}});
    write.push_back({kPutUserLinesSql, {user_id, std::string(rs[1].get(0, 0)), true}});
    if (coupon) write.push_back({kCarryCouponSql, {user_id, *coupon}});
    write.push_back({kDeleteGuestCartSql, {guest_cart}});
    co_await tx.pipeline(std::move(write));
  });
}

Task<void> adopt_guest_cart(web::Context& ctx, const std::string& user_id) {
  auto sent = ctx.req.header("x-session-id");
  if (!sent || !plausible_session_id(*sent)) co_return;
  std::string session_id(*sent);
  bool failed = false;
  std::string reason;
  try {
    db::Params find{session_id};
    auto r = co_await ctx.db().query(kGuestCartExistsSql, std::move(find));
    if (!r.empty()) co_await merge_guest_cart(ctx, user_id, session_id);
  } catch (const std::exception& e) {
    failed = true;
    reason = e.what();
  }
  if (failed) log::warn("guest cart merge failed", {{"user_id", user_id}, {"error", reason}});
}

}  // namespace wh::commerce
