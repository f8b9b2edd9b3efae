// The statements on one kind of cart (a user's `carts` row or a guest's
// `guest_carts` row, see cart_key.h), built once per kind from templates.
// Every statement finds the cart by its owner ($1 = user id or session id),
// so a request needs no separate look-up of the cart id.
//
// Writers lock the cart row first (`ensure`, an INSERT ... ON CONFLICT DO
// UPDATE on the unique owner column, which also creates the row lazily), so
// concurrent writes to one cart run one after the other and never lose an
// update; lines are upserted on the unique (cart_id, variant_id).
#pragma once
#include <string>

#include "commerce/cart_key.h"
#include "db/sql_now.h"

namespace wh::commerce {

// Most distinct lines in one cart, and most units of one variant in a line.
inline constexpr int kMaxCartLines = 100;
inline constexpr int kMaxLineQuantity = 999;

struct CartSql {
  // $1 owner, $2 new cart id -> id. Creates the cart when missing; locks it
  // until the transaction ends.
  std::string ensure;
  // $1 owner -> one row: cart id (NULL when there is no cart), coupon code,
  // items JSON array, issues JSON array, subtotal in pesewas, units, lines.
  std::string view;
  // $1 owner, $2 variant id -> no row when the variant does not exist, else:
  // variant and product active, available stock (stock - reserved_stock),
  // quantity already in the cart (NULL when none), lines in the cart.
  std::string line_state;
  // $1 owner, $2 variant id, $3 quantity, $4 new line id: sets the line.
  std::string set_line;
  // $1 owner, $2 variant id.
  std::string remove_line;
  // $1 owner: removes every line (the coupon stays, as before).
  std::string clear;
  // $1 owner, $2 code or NULL.
  std::string set_coupon;
  // $1 owner, $2 code: clears the coupon only if it is still that code.
  std::string drop_coupon;
};

const CartSql& cart_sql(const CartKey& key);

// Into the existing cart of user $1: the lines of the JSON array $2
// [{variant_id, quantity, line_id}], each line SET to its quantity ($3
// false) or to the larger of it and the quantity already there ($3 true),
// capped by available stock and kMaxLineQuantity. Unknown or inactive
// variants and lines with nothing available are skipped, and new lines are
// added (in array order) only while the cart has room (kMaxCartLines).
// Returns one row per line written. Never a sum: running it twice with the
// same input leaves the same quantities.
extern const char* const kPutUserLinesSql;

// SQL of an available-stock expression for the variant alias `v`.
#define WH_AVAILABLE_STOCK "GREATEST(v.stock - v.reserved_stock, 0)"

}  // namespace wh::commerce
