// Whose cart a request addresses (reference §1.6, the old `cartSession`):
// a signed-in user's row in `carts` (user_id is unique), otherwise the
// guest's row in `guest_carts` keyed by the X-Session-ID request header.
// A guest request without a usable header gets a new uuid, which is sent back
// in the X-Session-ID response header (the storefront keeps it).
//
// The cart routes and the checkout both find the cart through here, so the
// two can never disagree about which cart is being bought.
#pragma once
#include <string>

#include "web/context.h"

namespace wh::commerce {

struct CartKey {
  std::string user_id;     // set for a signed-in caller
  std::string session_id;  // the guest session (also set for users when sent)
  bool guest() const { return user_id.empty(); }

  // The tables and the owner column of this kind of cart, for SQL text.
  const char* carts_table() const { return guest() ? "guest_carts" : "carts"; }
  const char* items_table() const { return guest() ? "guest_cart_items" : "cart_items"; }
  const char* owner_column() const { return guest() ? "session_id" : "user_id"; }
  const std::string& owner() const { return guest() ? session_id : user_id; }
};

// A usable session id: 8-100 characters of [A-Za-z0-9_-] (uuids qualify).
bool plausible_session_id(std::string_view id);

// The caller's cart key; adds the X-Session-ID response header when a new
// guest session was issued. Call after authentication.
CartKey cart_key(web::Context& ctx);

}  // namespace wh::commerce
