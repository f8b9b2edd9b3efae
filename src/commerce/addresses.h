// The address book of reference §1.12 (/api/addresses, signed-in customers),
// used by the checkout's shipping step:
//   GET    /api/addresses       own addresses, default first, then newest
//   POST   /api/addresses       {name, street, city, state, zipCode, country,
//                                phone, isDefault}
//   PATCH  /api/addresses/:id   the fields given
//   DELETE /api/addresses/:id
// An address is the old row {id, userId, name, address, city, state,
// zipCode, country, phone, isDefault, createdAt, updatedAt} plus `street`
// (= address), the name the storefront reads and sends. Another user's id
// is a 404, like an unknown one, so ids cannot be probed. At most one
// default per user: setting one unsets the others in the same transaction,
// which locks the user row so parallel writes cannot leave two defaults.
#pragma once
#include "web/router.h"

namespace wh::commerce {

// Most addresses one user may keep (the list is not paginated).
inline constexpr int kMaxAddresses = 50;

void register_address_routes(web::Router& router);

// The same create, update and delete handlers at the old profile routes'
// paths (reference §1.13): POST /api/profile/address, PUT and DELETE
// /api/profile/address/:id. The storefront uses /api/addresses only.
void register_profile_address_routes(web::Router& router);

}  // namespace wh::commerce
