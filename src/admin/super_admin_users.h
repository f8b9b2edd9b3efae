// The super admin's user management, reference §1.26 (/api/super-admin/users,
// super admins only: 401 without a valid token, 403 for anyone else; every
// response private). The old request and response shapes:
//   GET  /api/super-admin/users          {users: [user]}: the 100 newest
//                                        accounts (super admins included),
//                                        newest first, with their order
//                                        counts; one statement
//   POST /api/super-admin/users/reset-password  {userId, newPassword}
//                                        {message}
//   POST /api/super-admin/users/logout   {userId}  {data: {id, email,
//                                        isActive}, message}
//   POST /api/super-admin/users/role     {userId, role: admin | customer |
//                                        super_admin}  {user}
//   PUT  /api/super-admin/users/:id      {firstName?, lastName?, email?,
//                                        phone?} (at least one)  {user}
// A listed user is admin_user_sql.h's object (the old {id, email,
// firstName, lastName, role, isActive, createdAt, _count: {orders}} and a
// few fields more); `user` is the public user object (accounts/user_json.h;
// the old route sent the whole row, password hash included). Unknown users
// are 404; bad bodies 400 listing every bad field.
//
// Fixes and decisions:
// - reset-password applies the password policy of every password we set
//   (accounts/validation.h BodyReader::new_password), hashes with bcrypt on
//   the blocking pool (accounts/password_change.h), and sets
//   last_password_change, so every token issued before it is refused
//   (authenticate.h); it also lifts a sign-in lockout (failed attempts,
//   locked_until), since a reset is how support unlocks an account. A super
//   admin cannot reset his own password here (400): that is
//   /api/auth/change-password, which asks for the current one, so a stolen
//   token alone cannot take over the account.
// - logout keeps the old effect (the account is deactivated) and signs the
//   user out everywhere at once: the deactivation of DELETE /api/profile and
//   the admin's ban (accounts/profile.h WH_DEACTIVATE_ACCOUNT_SET: tokens
//   void, WebSockets logged out). PATCH /api/admin/users/:id/unban
//   reactivates the account; the old tokens stay void. A super admin cannot
//   log himself out this way (400: he would lock himself out).
// - role: a super admin cannot change his own role (400), so there is always
//   at least one super admin. The user's existing tokens die through the
//   role check of authenticate.h.
// - PUT validates as the profile does (accounts/profile.h: names of letters,
//   spaces and hyphens, E.164 phone, "" or null clears it; strings trimmed)
//   plus the e-mail (normalised, as registration does); an e-mail another
//   account has is 409. The e-mail's verification state is kept, as before.
// Each write is one statement with its admin_activities row
// (admin/activity_log.h: user.reset_password, user.logout, user.role,
// user.update with the field names only, never values or passwords), then
// forgets the user in this instance's principal cache; the other instances
// follow through migrations/0005's users trigger.
#pragma once
#include "web/router.h"

namespace wh::admin {

void register_super_admin_user_routes(web::Router& router);

}  // namespace wh::admin
