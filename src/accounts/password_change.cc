#include "accounts/password_change.h"

#include <boost/json.hpp>
#include <functional>
#include <optional>

#include "accounts/auth_state.h"
#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "core/blocking.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/password.h"
#include "db/sql_now.h"
#include "security/http_policy.h"
#include "security/route_limit.h"

namespace wh::accounts {
namespace json = boost::json;
using web::Context;

namespace {

constexpr const char* kPasswordHashSql = "SELECT password, email, first_name FROM users WHERE id = $1";

constexpr const char* kSetPasswordSql =
    "UPDATE users SET password = $2, last_password_change = " WH_SQL_NOW ", updated_at = " WH_SQL_NOW " WHERE id = $1";

constexpr const char* kSecurityNotificationSql =
    "INSERT INTO notifications (id, user_id, type, title, message, link, is_read, created_at, expires_at)"
    " VALUES ($1, $2, 'security', 'Security Alert: Password Changed',"
    " 'Your password was recently changed. If this wasn''t you, please contact support immediately.',"
    " '/account/profile', false, " WH_SQL_NOW ", " WH_SQL_NOW " + interval '30 days')";

Task<void> on_bcrypt_pool(Context& ctx, std::function<void()> fn) {
  std::optional<Task<void>> job;
  try {
    job.emplace(ctx.get<BlockingPool>().run(std::move(fn)));
  } catch (const BlockingPool::Busy&) {
    throw ApiError(503, "ServiceUnavailableError", "Server is busy. Please try again shortly.").with_retry_after(1);
  }
  co_await std::move(*job);
}

}  // namespace

Task<std::string> bcrypt_hash(Context& ctx, std::string plain) {
  std::string out;
  co_await on_bcrypt_pool(ctx, [&] { out = password::hash(plain, kPasswordCost); });
  co_return out;
}

Task<bool> bcrypt_matches(Context& ctx, std::string plain, std::string hash) {
  bool ok = false;
  co_await on_bcrypt_pool(ctx, [&] { ok = password::verify(plain, hash); });
  co_return ok;
}

QueuedEmail password_changed_mail(const Config& config, const std::string& to, const std::string& name) {
  return {"password_changed", to, "Your Password Has Been Changed - WigHaven", "passwordChanged",
          json::object{{"name", name}, {"reset_link", config.frontend_url + "/login"}, {"expiry_time", "never"}}};
}

Task<void> change_own_password(Context& ctx, PasswordChangeOptions options) {
  const Principal& p = require_user(ctx);
  security::enforce_rate_limit(ctx, security::limits::kChangePassword, p.id,
                               "Too many password change attempts. Please contact support.");
  auto body = json_body(ctx.req);
  BodyReader in(body);
  auto current = in.password("currentPassword", "Current password is required");
  auto next = in.new_password("newPassword", "New password");
  in.finish();
  if (options.confirmation) {
    const auto* confirm = body.if_contains("confirmPassword");
    if (confirm != nullptr && !confirm->is_null() && !(confirm->is_string() && confirm->as_string() == *next)) {
      throw ApiError(400, "ValidationError", "New password and confirmation do not match")
          .with_field("confirmPassword", "New password and confirmation do not match");
    }
  }
  std::string user_id = p.id;
  db::Params find{user_id};
  auto r = co_await ctx.db().query(kPasswordHashSql, std::move(find));
  if (r.empty()) throw ApiError(404, "NotFoundError", "User not found");
  std::string stored(r.get(0, 0)), email(r.get(0, 1)), name(r.get(0, 2));
  bool current_ok = co_await bcrypt_matches(ctx, *current, stored);
  if (!current_ok) throw ApiError(401, "UnauthorizedError", "Current password is incorrect");
  bool same = co_await bcrypt_matches(ctx, *next, stored);
  if (same) throw ApiError(400, "ValidationError", "New password must be different from current password");
  std::string hash = co_await bcrypt_hash(ctx, *next);
  std::vector<db::Statement> statements;
  statements.push_back({kSetPasswordSql, {user_id, hash}});
  statements.push_back(
      {kQueueEmailSql, queue_email_params(ctx.config(), password_changed_mail(ctx.config(), email, name))});
  if (options.notify) statements.push_back({kSecurityNotificationSql, {new_cuid(), user_id}});
  co_await ctx.db().transaction(
      [&](db::Tx& tx) -> Task<void> { co_await tx.pipeline_and_commit(std::move(statements)); });
  ctx.get<AuthState>().principals.invalidate(user_id);
}

Task<http::Response> change_password(Context& ctx) {
  co_await change_own_password(ctx);
  co_return http::Response::json(R"({"success":true,"message":"Password changed successfully"})");
}

}  // namespace wh::accounts
