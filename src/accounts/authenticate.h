// Bearer-token authentication with the old backend's rules and messages,
// plus the fixes: revoked tokens are refused, tokens issued before the last
// password change are refused, a refresh token is never an access token.
// A warm principal cache makes this cost no database statement.
#pragma once
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "accounts/auth_state.h"
#include "core/task.h"
#include "web/context.h"
#include "web/stage.h"

namespace wh::accounts {

// x-auth-token, then x-forwarded-auth: Bearer, then Authorization: Bearer,
// as the old backend: a gateway moves the client's Authorization to
// x-forwarded-auth and puts its platform token (e.g. the Hugging Face
// Space's) in Authorization.
std::optional<std::string> extract_token(const http::Request& req);

// Fills ctx.auth when the request carries a token.
Task<void> authenticate(web::Context& ctx);
// Fills ctx.auth from `token` with every check of authenticate() (the
// WebSocket's token comes in its protocol header; a live socket's token is
// checked again when its user or token changes).
Task<void> authenticate_token(web::Context& ctx, const std::string& token);

// The user fields every check needs, from the cache or one statement.
// nullopt when the user does not exist.
Task<std::optional<Principal>> load_principal(web::Context& ctx, const std::string& user_id);

// The signed-in user, or ApiError 401 with the reason.
const Principal& require_user(const web::Context& ctx);
// The signed-in user with one of `roles`, or 401/403.
const Principal& require_role(const web::Context& ctx, std::initializer_list<std::string_view> roles);

// The pipeline's authentication stage: fills ctx.auth, never refuses (the
// routes decide whether they need a user).
class AuthenticationStage final : public web::Stage {
 public:
  std::string_view name() const override { return "authentication"; }
  bool waits() const override { return true; }
  Task<std::optional<http::Response>> on_request_async(web::Context& ctx) override;
};

}  // namespace wh::accounts
