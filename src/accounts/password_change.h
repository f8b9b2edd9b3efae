// Changing the signed-in user's own password: one implementation for
// POST /api/auth/change-password (reference §1.2) and PUT
// /api/profile/password (§1.13), so both apply the same rules:
// - the change-password limiter (5 a day per user, one bucket for both
//   routes): 429;
// - the body {currentPassword, newPassword}: 400 with Joi-style fields
//   (BodyReader::new_password's policy); a wrong current password is 401
//   "Current password is incorrect", the same password again 400;
// - bcrypt with kPasswordCost (the old backend's 10; its profile route alone
//   used 12, for no reason its verify could tell);
// - one transaction: the hash, last_password_change = now (every token
//   issued before it, this request's included, is refused from then on:
//   authenticate.h), the passwordChanged e-mail (type password_changed) and,
//   when asked, the old profile route's 'security' notification;
// - this instance's principal cache forgets the user at once; the others
//   through migrations/0005's trigger.
#pragma once
#include <string>

#include "accounts/mail_queue.h"
#include "core/config.h"
#include "core/task.h"
#include "http/message.h"
#include "web/context.h"

namespace wh::accounts {

// bcrypt cost of every password this server sets.
inline constexpr int kPasswordCost = 10;

// bcrypt on the BlockingPool (never on the event loop). A full queue is a
// 503 with Retry-After: 1, never a wait that grows with the backlog.
Task<std::string> bcrypt_hash(web::Context& ctx, std::string plain);
Task<bool> bcrypt_matches(web::Context& ctx, std::string plain, std::string hash);

// The passwordChanged e-mail to `to` (greeting `name`).
QueuedEmail password_changed_mail(const Config& config, const std::string& to, const std::string& name);

struct PasswordChangeOptions {
  // `confirmPassword`, when the body has it, must equal `newPassword` (the
  // storefront's profile form sends it): else 400.
  bool confirmation = false;
  // Also a notification row {type 'security', "Security Alert: Password
  // Changed", link /account/profile}, as the old profile route made.
  bool notify = false;
};

// The whole change for the signed-in caller (401 without one); throws
// ApiError for every refusal above.
Task<void> change_own_password(web::Context& ctx, PasswordChangeOptions options = {});

// The handler of POST /api/auth/change-password: change_own_password()
// answering {"success":true,"message":"Password changed successfully"}.
Task<http::Response> change_password(web::Context& ctx);

}  // namespace wh::accounts
