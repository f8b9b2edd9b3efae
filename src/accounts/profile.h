// The profile of reference §1.13 (/api/profile, signed-in customers and
// admins alike):
//   GET    /api/profile           {data: user + addresses}: the public user
//                                  object (user_json.h, as /auth/me) and the
//                                  address book as GET /api/addresses lists it
//   PUT    /api/profile           {firstName?, lastName?, phone?} (at least
//                                  one): registration's rules (letters,
//                                  spaces and hyphens, 1-100; phone E.164,
//                                  "" or null clears it); {data: user,
//                                  message}. `data` also carries
//                                  data.user = the same user: the storefront
//                                  stores this object in its ['user'] query,
//                                  whose selector reads `.data.user`
//   PUT    /api/profile/password  {currentPassword, newPassword,
//                                  confirmPassword?}: password_change.h with
//                                  the confirmation check and the 'security'
//                                  notification
//   DELETE /api/profile           {reason?}: deactivates the account
//                                  (is_active = false), queues the
//                                  accountDeactivated e-mail and voids every
//                                  token issued so far (below)
//   POST   /api/profile/address, PUT|DELETE /api/profile/address/:id: the
//                                  handlers of /api/addresses
//                                  (commerce/addresses.h)
// A 400's message is its first field's message, so the storefront's toast
// (which shows error.message) says what is wrong.
//
// Deactivation: the old backend had no "sign out everywhere", and this one
// has none either but users.last_password_change, which both backends
// compare with a token's iat. So the deactivation also sets it: the tokens
// are refused at once (inactive account), and stay refused if an admin
// reactivates the account. This instance's principal cache forgets the user
// before the response; the others by migrations/0005's trigger.
// Every response is private (no CachePlan: private, no-store).
#pragma once
#include "web/router.h"

// The SET list of an UPDATE of `users` that deactivates an account as
// DELETE /api/profile does: is_active false and last_password_change now,
// which voids every token issued so far (above). An admin's ban
// (admin/admin_users.h) is the same deactivation. After the commit the
// writer forgets the user in this instance's principal cache
// (AuthState::principals.invalidate); migrations/0005's trigger tells the
// other instances, and the WebSockets of the user get FORCE_LOGOUT
// (notifications/socket_hub.h).
#define WH_DEACTIVATE_ACCOUNT_SET \
  "is_active = false, last_password_change = (now() AT TIME ZONE 'UTC'), updated_at = (now() AT TIME ZONE 'UTC')"

namespace wh::accounts {

void register_profile_routes(web::Router& router);

}  // namespace wh::accounts
