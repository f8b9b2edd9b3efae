// Signing in (login or register) with the X-Session-ID of a guest cart moves
// that cart into the user's cart, in one transaction:
//   - each guest line sets the user's line to max(user quantity, guest
//     quantity), capped by available stock and kMaxLineQuantity (never a
//     sum, so a repeated merge cannot inflate quantities); unavailable
//     variants are dropped, new lines only while the cart has room;
//   - the guest's coupon carries over when the user cart has none (the cart
//     view re-checks it and drops it if it does not apply);
//   - the guest cart is deleted.
#pragma once
#include <string>

#include "core/task.h"
#include "web/context.h"

namespace wh::commerce {

// Merges the guest cart of `session_id` (if any) into `user_id`'s cart.
Task<void> merge_guest_cart(web::Context& ctx, const std::string& user_id, const std::string& session_id);

// The sign-in hook: merges the cart of the request's X-Session-ID, if the
// header is usable and names a guest cart. Never throws: a failure is logged
// and the sign-in goes on.
Task<void> adopt_guest_cart(web::Context& ctx, const std::string& user_id);

}  // namespace wh::commerce
