#include "accounts/auth_routes.h"

#include <boost/json.hpp>
#include <cctype>
#include <optional>

#include "accounts/authenticate.h"
#include "accounts/jwt.h"
#include "accounts/mail_queue.h"
#include "accounts/password_change.h"
#include "accounts/tokens.h"
#include "accounts/user_json.h"
#include "accounts/validation.h"
#include "commerce/cart_merge.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/json_text.h"
#include "core/password.h"
#include "db/pool.h"
#include "db/sql_now.h"
#include "security/http_policy.h"
#include "security/route_limit.h"
#include "security/site_state.h"
#include "web/respond.h"

namespace wh::accounts {
namespace json = boost::json;
namespace limits = security::limits;
using http::Response;
using web::Context;

namespace {

constexpr int kMaxFailedLogins = 5;

// ---- small helpers ---------------------------------------------------------

Response message(std::string_view text, int status = 200) {
  return Response::json(json::serialize(json::object{{"success", true}, {"message", text}}), status);
}

Response tokens_response(std::string_view user_json, const TokenPair& t, int status) {
  std::string body = R"({"success":true,"data":{)";
  if (!user_json.empty()) {
    body += R"("user":)";
    body += user_json;
    body += ',';
  }
  body += R"("accessToken":)" + json::serialize(json::string(t.access)) + R"(,"refreshToken":)" +
          json::serialize(json::string(t.refresh)) + "}}";
  return Response::json(std::move(body), status);
}

// A bcrypt hash of a random string: verifying against it costs what a real
// check costs, so a missing account answers in the same time.
const std::string& dummy_hash() {
  static const std::string h = password::hash(random_hex(16), kPasswordCost);
  return h;
}

// JavaScript's encodeURIComponent.
std::string uri_component(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || std::string_view("-_.!~*'()").find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string frontend(const Context& ctx, std::string_view path) {
  return ctx.config().frontend_url + std::string(path);
}

QueuedEmail verification_email(const Context& ctx, const std::string& to, const std::string& name,
                               const std::string& raw_token) {
  return {"email_verification", to, "Verify Your Email - WigHaven", "emailVerification",
          json::object{{"name", name},
                       {"verification_link", frontend(ctx, "/verify-email?token=" + raw_token)},
                       {"expiry_time", "24 hours"}}};
}

constexpr const char* kInsertVerificationToken =
    "INSERT INTO email_verification_tokens (id, user_id, token, expires_at, created_at)"
    " VALUES ($1, $2, $3, " WH_SQL_NOW " + interval '24 hours', " WH_SQL_NOW ")";

constexpr const char* kNotificationSql =
    "INSERT INTO notifications (id, user_id, type, title, message, link, is_read, created_at, expires_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, false, " WH_SQL_NOW ", " WH_SQL_NOW " + interval '30 days')";

constexpr const char* kRevokeSql =
    "INSERT INTO blacklisted_tokens (id, token, expires_at, created_at)"
    " VALUES ($1, $2, to_timestamp($3) AT TIME ZONE 'UTC', " WH_SQL_NOW
    ") ON CONFLICT (token) DO NOTHING"
    " RETURNING " WH_DB_NOW_MS_SQL;

// ---- register --------------------------------------------------------------

constexpr const char* kFindByEmail =
    "SELECT u.id, u.password, u.is_active, u.email_verified, u.role, u.failed_login_attempts,"
    " (u.locked_until IS NOT NULL AND u.locked_until > " WH_SQL_NOW
    "),"
    " CEIL(EXTRACT(EPOCH FROM (u.locked_until - " WH_SQL_NOW ")) / 60)::int, u.first_name, " WH_USER_JSON
    " FROM users u WHERE u.email = $1";

constexpr const char* kInsertUser =
    "INSERT INTO users AS u (id, email, password, first_name, last_name, phone, role, email_verified, is_active,"
    " failed_login_attempts, review_status, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, 'customer', false, true, 0, 'standard', " WH_SQL_NOW ", " WH_SQL_NOW
    ")"
    " RETURNING " WH_USER_JSON ", " WH_DB_NOW_MS_SQL;

constexpr const char* kDeleteVerificationTokens = "DELETE FROM email_verification_tokens WHERE user_id = $1";

// Replaces the user's verification tokens with a fresh one and queues the
// e-mail carrying it, in one transaction.
Task<void> send_new_verification(Context& ctx, std::string user_id, std::string email, std::string name) {
  auto token = new_one_time_token();
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    db::Params del{user_id};
    co_await tx.query(kDeleteVerificationTokens, std::move(del));
    db::Params ins{new_cuid(), user_id, token.hash};
    co_await tx.query(kInsertVerificationToken, std::move(ins));
    co_await tx.query(kQueueEmailSql,
                      queue_email_params(ctx.config(), verification_email(ctx, email, name, token.raw)));
  });
}

Task<Response> register_user(Context& ctx) {
  security::enforce_rate_limit(ctx, limits::kRegister, ctx.req.client_ip,
                               "Too many registration attempts. Please try again in 1 hour.");
  auto body = json_body(ctx.req);
  BodyReader in(body);
  auto email = in.email();
  auto pass = in.new_password("password", "password");
  auto first = in.name("firstName");
  auto last = in.name("lastName");
  auto phone = in.phone();
  in.finish();

  db::Params find{*email};
  auto existing = co_await ctx.db().query(kFindByEmail, std::move(find));
  if (!existing.empty()) {
    if (existing.get_bool(0, 3)) {
      co_return Response::json(
          R"({"success":false,"shouldLogin":true,"error":{"type":"ConflictError","message":"This email is already registered. Please login instead.","code":"EMAIL_ALREADY_VERIFIED"}})",
          409);
    }
    // Registered but never verified: send a fresh link, issue nothing. The
    // link is a resend, so the per-address resend limit applies: without it,
    // register would be a way to mail anyone without bound.
    security::enforce_rate_limit(ctx, limits::kResendVerify, *email,
                                 "Too many verification email requests. Please try again in 1 hour.");
    co_await send_new_verification(ctx, std::string(existing.get(0, 0)), *email, std::string(existing.get(0, 8)));
    co_return message(
        "Account already exists but was not verified. A new verification link has been sent to your email.");
  }

  std::string hash = co_await bcrypt_hash(ctx, *pass);
  std::string user_id = new_cuid();
  std::string user_json;
  std::int64_t issued_ms = 0;
  auto token = new_one_time_token();
  try {
    co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
      db::Params user{user_id, *email, hash, *first, *last, phone};
      auto r = co_await tx.query(kInsertUser, std::move(user));
      user_json = compact_json(r.get(0, 0));
      issued_ms = r.get_int(0, 1);
      db::Params ins{new_cuid(), user_id, token.hash};
      co_await tx.query(kInsertVerificationToken, std::move(ins));
      co_await tx.query(kQueueEmailSql,
                        queue_email_params(ctx.config(), verification_email(ctx, *email, *first, token.raw)));
      QueuedEmail welcome{"welcome", *email, "Welcome to WigHaven!", "welcome",
                          json::object{{"name", *first}, {"shop_link", frontend(ctx, "/shop")}}};
      co_await tx.query(kQueueEmailSql, queue_email_params(ctx.config(), welcome));
      db::Params note{new_cuid(),
                      user_id,
                      "welcome",
                      "Welcome to WigHaven!",
                      "Thank you for creating an account. We are excited to have you with us.",
                      "/shop"};
      co_await tx.query(kNotificationSql, std::move(note));
    });
  } catch (const db::DbError& e) {
    if (e.unique_violation()) throw ApiError(409, "ConflictError", "This email is already registered");
    throw;
  }
  auto tokens = issue_tokens(ctx.config(), user_id, *email, "customer", false, issued_ms);
  co_await commerce::adopt_guest_cart(ctx, user_id);
  co_return tokens_response(user_json, tokens, 201);
}

// ---- login -----------------------------------------------------------------

// Lockout. Each password check first reserves an attempt in one atomic
// statement, so parallel guesses cannot all pass a stale "not locked" read:
// at most kMaxFailedLogins passwords are evaluated per lock period. The
// reservation counts as a failure until the password proves right.
// - locked (locked_until in the future): no row, nothing is checked;
// - a lock that has expired starts a fresh count (so one guess every 15
//   minutes cannot keep an account locked for ever);
// - the attempt that reaches the limit sets the lock at once; if its password
//   is right, the success below lifts it again.
// updated_at is left alone: these are bookkeeping columns, not the profile.
// Returns the attempt count, whether this attempt set the lock, the database
// clock (tokens issued from it compare exactly with last_password_change) and
// the password hash as of that instant: a password change committed before
// the reservation is the one checked, so no token issued after a change was
// checked against the old password.
constexpr const char* kReserveLoginAttempt =
    "UPDATE users SET"
    " failed_login_attempts = CASE WHEN locked_until IS NULL THEN failed_login_attempts ELSE 0 END + 1,"
    " locked_until = CASE WHEN CASE WHEN locked_until IS NULL THEN failed_login_attempts ELSE 0 END + 1 >= $2"
    " THEN " WH_SQL_NOW
    " + interval '15 minutes' END"
    " WHERE id = $1 AND (locked_until IS NULL OR locked_until <= " WH_SQL_NOW
    ")"
    " RETURNING failed_login_attempts, locked_until IS NOT NULL, " WH_DB_NOW_MS_SQL ", password";

constexpr const char* kLoginSucceeded = "UPDATE users SET failed_login_attempts = 0, locked_until = NULL WHERE id = $1";

[[noreturn]] void throw_locked(std::int64_t minutes) {
  minutes = std::max<std::int64_t>(1, minutes);
  throw ApiError(423, "AccountLockedError",
                 "Account locked due to too many failed attempts. Try again in " + std::to_string(minutes) + " minute" +
                     (minutes > 1 ? "s" : "") + ".");
}

Task<Response> login(Context& ctx) {
  auto body = json_body(ctx.req);
  BodyReader in(body);
  auto email = in.email();
  auto pass = in.password("password", "Password is required");
  bool remember = in.boolean("rememberMe", false);
  in.finish();
  // Counts failures only: a successful login gives its token back below.
  security::enforce_rate_limit(ctx, limits::kLogin, ctx.req.client_ip,
                               "Too many login attempts. Please try again in 15 minutes.");

  db::Params find{*email};
  auto r = co_await ctx.db().query(kFindByEmail, std::move(find));
  if (r.empty()) {
    co_await bcrypt_matches(ctx, *pass, dummy_hash());
    throw ApiError(401, "UnauthorizedError", "Invalid email or password");
  }
  std::string user_id(r.get(0, 0));
  if (r.get_bool(0, 6)) throw_locked(r.get_int(0, 7));
  db::Params reserve{user_id, kMaxFailedLogins};
  auto attempt = co_await ctx.db().query(kReserveLoginAttempt, std::move(reserve));
  if (attempt.empty()) {
    // Locked by a parallel attempt since the read above.
    throw_locked(15);
  }
  bool locks = attempt.get_bool(0, 1);
  std::int64_t issued_ms = attempt.get_int(0, 2);
  bool password_ok = co_await bcrypt_matches(ctx, *pass, std::string(attempt.get(0, 3)));
  if (!password_ok) {
    if (locks) {
      throw ApiError(423, "AccountLockedError", "Too many failed login attempts. Account locked for 15 minutes.");
    }
    throw ApiError(401, "UnauthorizedError", "Invalid email or password");
  }
  // The password is right: from here on, answers may reveal the account state.
  db::Params reset{user_id};
  co_await ctx.db().query(kLoginSucceeded, std::move(reset));
  security::refund_rate_limit(ctx, limits::kLogin, ctx.req.client_ip);
  if (!r.get_bool(0, 2)) throw ApiError(401, "UnauthorizedError", "Account has been deactivated");
  if (!r.get_bool(0, 3)) {
    co_return Response::json(
        json::serialize(json::object{
            {"success", false},
            {"needsVerification", true},
            {"email", *email},
            {"error",
             json::object{{"type", "UnauthorizedError"},
                          {"message", "Email not verified. Please check your inbox or resend the verification link."},
                          {"code", "EMAIL_NOT_VERIFIED"}}}}),
        401);
  }
  std::string role(r.get(0, 4));
  if (ctx.get<security::SiteState>().maintenance() && role != "admin" && role != "super_admin") {
    throw ApiError(503, "ServiceUnavailableError", "System is currently under maintenance. Please try again later.")
        .with_retry_after(3600);
  }
  auto tokens = issue_tokens(ctx.config(), user_id, *email, role, remember, issued_ms);
  co_await commerce::adopt_guest_cart(ctx, user_id);
  co_return tokens_response(compact_json(r.get(0, 9)), tokens, 200);
}

// ---- refresh / logout / me -------------------------------------------------

enum class TokenKind { kAccess, kRefresh };

// Records `token` in blacklisted_tokens. Returns the database clock (unix ms)
// when this call inserted it, nullopt when it was already there: the unique
// insert is what makes a refresh token single-use across every instance.
// Access tokens also go into this instance's revocation set at once (other
// instances learn of them through the change listener); refresh tokens do
// not, since their reuse is decided by the insert alone.
Task<std::optional<std::int64_t>> revoke(Context& ctx, const std::string& token, std::int64_t expires_at,
                                         TokenKind kind) {
  db::Params p{new_cuid(), revocation_key(token), static_cast<long long>(expires_at)};
  auto r = co_await ctx.db().query(kRevokeSql, std::move(p));
  if (kind == TokenKind::kAccess) ctx.get<AuthState>().revoked.add_hash(sha256_hex(token), expires_at);
  if (r.empty()) co_return std::nullopt;
  co_return r.get_int(0, 0);
}

Task<Response> refresh(Context& ctx) {
  security::enforce_rate_limit(ctx, limits::kRefresh, ctx.req.client_ip, "Too many token refresh attempts.");
  auto body = json_body(ctx.req);
  BodyReader in(body);
  auto token = in.string("refreshToken", true, "Refresh token is required");
  in.finish();

  auto v = verify(*token, ctx.config().jwt_secret, unix_now());
  // An access token (it has a role) is not a refresh token.
  if (!v.ok() || v.claims->role) throw ApiError(401, "UnauthorizedError", "Invalid or expired refresh token");
  const Claims& c = *v.claims;
  auto p = co_await load_principal(ctx, c.sub);
  if (!p) throw ApiError(401, "UnauthorizedError", "User not found");
  if (!p->active) throw ApiError(401, "UnauthorizedError", "Account has been deactivated");
  if (issued_before_password_change(c.iat, c.iat_ms, p->password_changed_ms)) {
    throw ApiError(401, "UnauthorizedError", "Session expired due to password change. Please login again.");
  }
  // Rotation: the old token is spent exactly once, atomically.
  auto first_use = co_await revoke(ctx, *token, c.exp, TokenKind::kRefresh);
  if (!first_use) {
    throw ApiError(401, "UnauthorizedError", "Refresh token has already been used");
  }
  bool long_lived = c.exp - c.iat > ctx.config().refresh_token_ttl.count();
  auto tokens = issue_tokens(ctx.config(), p->id, p->email, p->role, long_lived, *first_use);
  co_return tokens_response("", tokens, 200);
}

Task<Response> logout(Context& ctx) {
  require_user(ctx);
  co_await revoke(ctx, ctx.auth.token, ctx.auth.expires_at, TokenKind::kAccess);
  // The client may also hand in its refresh token to end the session fully.
  auto body = json_body(ctx.req);
  if (auto* rt = body.if_contains("refreshToken"); rt && rt->is_string()) {
    auto v = verify(rt->as_string(), ctx.config().jwt_secret, unix_now());
    if (v.ok() && !v.claims->role && v.claims->sub == ctx.auth.principal->id) {
      co_await revoke(ctx, std::string(rt->as_string()), v.claims->exp, TokenKind::kRefresh);
    }
  }
  co_return message("Logged out successfully");
}

Task<Response> me(Context& ctx) {
  const Principal& p = require_user(ctx);
  if (ctx.get<security::SiteState>().maintenance() && !p.is_admin()) {
    throw ApiError(401, "UnauthorizedError", "Maintenance Mode - Please login again later");
  }
  co_return Response::json(R"({"success":true,"data":{"user":)" + p.user_json + "}}");
}

// ---- password reset --------------------------------------------------------

constexpr const char* kActiveUserByEmail = "SELECT id, first_name FROM users WHERE email = $1 AND is_active";
constexpr const char* kDeleteResetTokens = "DELETE FROM password_reset_tokens WHERE user_id = $1";
constexpr const char* kInsertResetToken =
    "INSERT INTO password_reset_tokens (id, user_id, token, expires_at, created_at)"
    " VALUES ($1, $2, $3, " WH_SQL_NOW " + interval '1 hour', " WH_SQL_NOW ")";

Task<Response> password_reset_request(Context& ctx) {
  auto body = json_body(ctx.req);
  BodyReader in(body);
  auto email = in.email();
  in.finish();
  security::enforce_rate_limit(ctx, limits::kPasswordReset, *email,
                               "Too many password reset requests. Please try again in 1 hour.");
  db::Params find{*email};
  auto r = co_await ctx.db().query(kActiveUserByEmail, std::move(find));
  if (!r.empty()) {
    std::string user_id(r.get(0, 0));
    auto token = new_one_time_token();
    std::string link = frontend(ctx, "/reset-password?token=" + token.raw + "&email=" + uri_component(*email));
    QueuedEmail mail{"password_reset", *email, "Password Reset Request - WigHaven", "passwordReset",
                     json::object{{"name", std::string(r.get(0, 1))}, {"reset_link", link}, {"expiry_time", "1 hour"}}};
    co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
      db::Params del{user_id};
      co_await tx.query(kDeleteResetTokens, std::move(del));
      db::Params ins{new_cuid(), user_id, token.hash};
      co_await tx.query(kInsertResetToken, std::move(ins));
      co_await tx.query(kQueueEmailSql, queue_email_params(ctx.config(), mail));
    });
  }
  co_return message("If an account exists with this email, a password reset link has been sent.");
}

constexpr const char* kFindResetToken =
    "SELECT u.is_active FROM password_reset_tokens t"
    " JOIN users u ON u.id = t.user_id WHERE t.token = $1 AND t.expires_at >= " WH_SQL_NOW;
constexpr const char* kDeleteResetToken = "DELETE FROM password_reset_tokens WHERE token = $1";
// Consumes the token: of concurrent confirmations, one deletes the row and the
// others find nothing once it commits. That decides which one succeeds.
constexpr const char* kConsumeResetToken =
    "DELETE FROM password_reset_tokens t USING users u"
    " WHERE t.token = $1 AND t.expires_at >= " WH_SQL_NOW
    " AND u.id = t.user_id"
    " RETURNING u.id, u.is_active, u.email, u.first_name";
constexpr const char* kSetPasswordVerified =
    "UPDATE users SET password = $2, email_verified = true, last_password_change = " WH_SQL_NOW
    ", failed_login_attempts = 0, locked_until = NULL, updated_at = " WH_SQL_NOW " WHERE id = $1";

Task<Response> password_reset_confirm(Context& ctx) {
  auto body = json_body(ctx.req);
  BodyReader in(body);
  auto token = in.string("token", true, "Reset token is required");
  auto pass = in.new_password("newPassword", "New password");
  in.finish();
  std::string token_hash = sha256_hex(*token);
  // A cheap look first, so that a bad token costs no bcrypt.
  db::Params find{token_hash};
  auto r = co_await ctx.db().query(kFindResetToken, std::move(find));
  if (r.empty()) throw ApiError(400, "ValidationError", "Invalid or expired password reset token");
  if (!r.get_bool(0, 0)) {
    db::Params del{token_hash};
    co_await ctx.db().query(kDeleteResetToken, std::move(del));
    throw ApiError(401, "UnauthorizedError", "This account has been deactivated. Please contact support.");
  }
  std::string hash = co_await bcrypt_hash(ctx, *pass);
  std::string user_id;
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    db::Params consume{token_hash};
    auto t = co_await tx.query(kConsumeResetToken, std::move(consume));
    if (t.empty()) throw ApiError(400, "ValidationError", "Invalid or expired password reset token");
    if (!t.get_bool(0, 1)) {
      throw ApiError(401, "UnauthorizedError", "This account has been deactivated. Please contact support.");
    }
    user_id = std::string(t.get(0, 0));
    std::string email(t.get(0, 2)), name(t.get(0, 3));
    db::Params upd{user_id, hash};
    co_await tx.query(kSetPasswordVerified, std::move(upd));
    db::Params del{user_id};
    co_await tx.query(kDeleteResetTokens, std::move(del));
    co_await tx.query(kQueueEmailSql,
                      queue_email_params(ctx.config(), password_changed_mail(ctx.config(), email, name)));
  });
  ctx.get<AuthState>().principals.invalidate(user_id);
  co_return message("Password has been reset successfully");
}

// ---- change / verify password ----------------------------------------------

constexpr const char* kPasswordHash = "SELECT password, email, first_name FROM users WHERE id = $1";
Task<Response> verify_password(Context& ctx) {
  const Principal& p = require_user(ctx);
  security::enforce_rate_limit(ctx, limits::kChangePassword, p.id,
                               "Too many password change attempts. Please contact support.");
  auto body = json_body(ctx.req);
  BodyReader in(body);
  auto pass = in.password("password", "Password is required");
  in.finish();
  db::Params find{p.id};
  auto r = co_await ctx.db().query(kPasswordHash, std::move(find));
  if (r.empty()) throw ApiError(404, "NotFoundError", "User not found");
  bool ok = co_await bcrypt_matches(ctx, *pass, std::string(r.get(0, 0)));
  if (!ok) {
    throw ApiError(401, "UnauthorizedError", "Invalid password");
  }
  co_return message("Password verified successfully");
}

// ---- e-mail verification ---------------------------------------------------

constexpr const char* kFindVerificationToken =
    "SELECT t.id, u.id, u.is_active, u.email_verified FROM email_verification_tokens t"
    " JOIN users u ON u.id = t.user_id WHERE t.token = $1 AND t.expires_at >= " WH_SQL_NOW " FOR UPDATE OF t";
constexpr const char* kDeleteVerificationToken = "DELETE FROM email_verification_tokens WHERE id = $1";
constexpr const char* kMarkVerified =
    "UPDATE users SET email_verified = true, updated_at = " WH_SQL_NOW " WHERE id = $1";

Task<Response> verify_email(Context& ctx) {
  security::enforce_rate_limit(ctx, limits::kVerifyEmail, ctx.req.client_ip,
                               "Too many verification attempts. Please try again later.");
  auto body = json_body(ctx.req);
  BodyReader in(body);
  auto token = in.string("token", true, "Verification token is required");
  in.finish();
  std::string outcome;
  std::string user_id;
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    db::Params find{sha256_hex(*token)};
    auto r = co_await tx.query(kFindVerificationToken, std::move(find));
    if (r.empty()) throw ApiError(400, "ValidationError", "Invalid or expired verification token");
    if (!r.get_bool(0, 2))
      throw ApiError(401, "UnauthorizedError", "Account has been deactivated. Operation not permitted.");
    std::string token_id(r.get(0, 0));
    user_id = std::string(r.get(0, 1));
    db::Params del{token_id};
    co_await tx.query(kDeleteVerificationToken, std::move(del));
    if (r.get_bool(0, 3)) {
      outcome = "Email already verified";
      co_return;
    }
    db::Params upd{user_id};
    co_await tx.query(kMarkVerified, std::move(upd));
    db::Params note{new_cuid(),
                    user_id,
                    "email_verified",
                    "Email Verified!",
                    "Your email has been verified. You now have full access to all features.",
                    "/account/profile"};
    co_await tx.query(kNotificationSql, std::move(note));
    outcome = "Email verified successfully";
  });
  ctx.get<AuthState>().principals.invalidate(user_id);
  co_return message(outcome);
}

constexpr const char* kUnverifiedActiveUser =
    "SELECT id, first_name FROM users WHERE email = $1 AND is_active AND NOT email_verified";

Task<Response> resend_verification(Context& ctx) {
  auto body = json_body(ctx.req);
  BodyReader in(body);
  auto email = in.email();
  in.finish();
  security::enforce_rate_limit(ctx, limits::kResendVerify, *email,
                               "Too many verification email requests. Please try again in 1 hour.");
  db::Params find{*email};
  auto r = co_await ctx.db().query(kUnverifiedActiveUser, std::move(find));
  if (!r.empty()) {
    co_await send_new_verification(ctx, std::string(r.get(0, 0)), *email, std::string(r.get(0, 1)));
  }
  // The same answer whether or not the account exists or is verified.
  co_return message("If an unverified account exists for this email, a verification link has been sent.");
}

constexpr const char* kEmailTaken = "SELECT 1 FROM users WHERE email = $1";

Task<Response> check_email(Context& ctx) {
  security::enforce_rate_limit(ctx, limits::kCheckEmail, ctx.req.client_ip,
                               "Too many email check attempts. Please try again later.");
  auto body = json_body(ctx.req);
  BodyReader in(body);
  auto email = in.email();
  in.finish();
  db::Params find{*email};
  auto found = co_await ctx.db().query(kEmailTaken, std::move(find));
  bool taken = !found.empty();
  co_return web::ok_data_object(
      json::object{{"available", !taken}, {"message", taken ? "Email is already registered" : "Email is available"}});
}

}  // namespace

void register_routes(web::Router& router) {
  router.add("POST", "/api/auth/register", register_user);
  router.add("POST", "/api/auth/login", login);
  router.add("POST", "/api/auth/refresh", refresh);
  router.add("POST", "/api/auth/logout", logout);
  router.add("GET", "/api/auth/me", me);
  router.add("POST", "/api/auth/password-reset/request", password_reset_request);
  router.add("POST", "/api/auth/password-reset/confirm", password_reset_confirm);
  router.add("POST", "/api/auth/change-password", change_password);
  router.add("POST", "/api/auth/verify-password", verify_password);
  router.add("POST", "/api/auth/verify-email", verify_email);
  router.add("POST", "/api/auth/resend-verification", resend_verification);
  router.add("POST", "/api/auth/check-email", check_email);
}

}  // namespace wh::accounts
