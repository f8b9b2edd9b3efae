#include "accounts/authenticate.h"

#include "accounts/jwt.h"
#include "accounts/tokens.h"
#include "accounts/user_json.h"
#include "core/async_event.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/json_text.h"
#include "db/pool.h"

namespace wh::accounts {
namespace {

constexpr const char* kPrincipalSql =
    "SELECT u.id, u.email, u.role, u.is_active, u.email_verified,"
    " COALESCE(round(extract(epoch FROM u.last_password_change) * 1000)::bigint, 0), " WH_USER_JSON
    " FROM users u WHERE u.id = $1";

constexpr const char* kRevokedSql = "SELECT 1 FROM blacklisted_tokens WHERE token = $1";

std::optional<std::string> bearer(std::optional<std::string_view> h) {
  if (h && h->size() > 7 && h->substr(0, 7) == "Bearer ") return std::string(h->substr(7));
  return std::nullopt;
}

}  // namespace

std::optional<std::string> extract_token(const http::Request& req) {
  if (auto t = req.header("x-auth-token"); t && !t->empty()) return std::string(*t);
  // Before Authorization: behind a gateway, Authorization is the platform's token.
  if (auto t = bearer(req.header("x-forwarded-auth"))) return t;
  return bearer(req.header("authorization"));
}

struct PrincipalFlight {
  explicit PrincipalFlight(boost::asio::any_io_executor ex) : done(std::move(ex)) {}
  AsyncEvent done;
  std::optional<Principal> result;
  std::exception_ptr error;
};

namespace {

// The database read, stored in the cache when `cache` (unless invalidated
// meanwhile).
Task<std::optional<Principal>> read_principal(web::Context& ctx, AuthState& state, const std::string& user_id,
                                              bool cache) {
  // Taken before the read: an invalidation during it keeps the value out.
  auto ticket = state.principals.ticket();
  db::Params params{user_id};
  auto r = co_await ctx.db().query(kPrincipalSql, std::move(params));
  if (r.empty()) co_return std::nullopt;
  Principal p;
  p.id = r.get(0, 0);
  p.email = r.get(0, 1);
  p.role = r.get(0, 2);
  p.active = r.get_bool(0, 3);
  p.email_verified = r.get_bool(0, 4);
  p.password_changed_ms = r.get_int(0, 5);
  p.user_json = compact_json(r.get(0, 6));
  if (cache) state.principals.put(p, ticket);
  co_return p;
}

}  // namespace

Task<std::optional<Principal>> load_principal(web::Context& ctx, const std::string& user_id) {
  auto& state = ctx.get<AuthState>();
  bool cache = state.live.load() && ctx.config().principal_cache_ttl.count() > 0;
  if (!cache) co_return co_await read_principal(ctx, state, user_id, false);
  if (auto p = state.principals.get(user_id)) co_return p;
  std::shared_ptr<PrincipalFlight> flight;
  bool leader = false;
  {
    std::lock_guard lock(state.flights_mu);
    auto& slot = state.flights[user_id];
    if (!slot) {
      slot = std::make_shared<PrincipalFlight>(ctx.services.pool->executor());
      leader = true;
    }
    flight = slot;
  }
  if (leader) {
    try {
      flight->result = co_await read_principal(ctx, state, user_id, true);
    } catch (...) {
      flight->error = std::current_exception();
    }
    {
      std::lock_guard lock(state.flights_mu);
      state.flights.erase(user_id);
    }
    flight->done.set();
  } else {
    co_await flight->done.wait();
  }
  if (flight->error) std::rethrow_exception(flight->error);
  co_return flight->result;
}

Task<void> authenticate(web::Context& ctx) {
  auto token = extract_token(ctx.req);
  if (!token) co_return;
  co_await authenticate_token(ctx, *token);
}

Task<void> authenticate_token(web::Context& ctx, const std::string& token_text) {
  const std::string* token = &token_text;
  auto& out = ctx.auth;
  out.token_present = true;
  out.token = *token;
  auto v = verify(*token, ctx.config().jwt_secret, unix_now());
  if (!v.ok()) {
    out.failure = v.error == JwtError::kExpired     ? "Token has expired"
                  : v.error == JwtError::kNoSubject ? "Invalid token payload"
                                                    : "Invalid token";
    co_return;
  }
  const Claims& c = *v.claims;
  out.expires_at = c.exp;
  auto& state = ctx.get<AuthState>();
  bool revoked = false;
  if (state.live.load()) {
    revoked = state.revoked.contains_token(*token);
  } else {
    // The revocation set may be stale (listener down): ask the database.
    db::Params params{revocation_key(*token)};
    auto found = co_await ctx.db().query(kRevokedSql, std::move(params));
    revoked = !found.empty();
  }
  if (revoked) {
    out.failure = "Token has been revoked";
    co_return;
  }
  auto p = co_await load_principal(ctx, c.sub);
  if (!p) {
    out.failure = "User no longer exists";
  } else if (!p->active) {
    out.failure = "Account has been deactivated";
  } else if (!c.role || *c.role != p->role) {
    out.failure = "Role permissions changed. Please login again.";
  } else if (issued_before_password_change(c.iat, c.iat_ms, p->password_changed_ms)) {
    out.failure = "Session expired due to password change. Please login again.";
  } else {
    out.principal = std::make_shared<const Principal>(std::move(*p));
  }
}

const Principal& require_user(const web::Context& ctx) {
  // Only authenticate() sets the principal, always with a Principal.
  if (ctx.auth.principal) return static_cast<const Principal&>(*ctx.auth.principal);
  throw ApiError(401, "UnauthorizedError",
                 ctx.auth.token_present ? ctx.auth.failure : std::string("Please log in to continue"));
}

const Principal& require_role(const web::Context& ctx, std::initializer_list<std::string_view> roles) {
  const Principal& p = require_user(ctx);
  for (auto r : roles) {
    if (p.role == r) return p;
  }
  throw ApiError(403, "ForbiddenError", "Insufficient permissions");
}

}  // namespace wh::accounts

namespace wh::accounts {

Task<std::optional<http::Response>> AuthenticationStage::on_request_async(web::Context& ctx) {
  co_await authenticate(ctx);
  co_return std::nullopt;
}

}  // namespace wh::accounts
