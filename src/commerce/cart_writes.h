// Changes to the lines of a cart (reference §1.6), each in one short
// transaction that locks the cart row first (CartSql::ensure), so parallel
// requests on one cart never lose an update. Stock limits use available
// stock (stock - reserved_stock).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "commerce/cart_key.h"
#include "commerce/cart_view.h"
#include "core/task.h"
#include "web/context.h"

namespace wh::commerce {

enum class LineChange { kAdd, kSet };

// Adds `quantity` units of a variant (kAdd) or sets its line to `quantity`
// (kSet, at least 1), creating the cart when missing. Refuses: 404 unknown
// variant, 400 variant or product inactive, 400 a new line beyond
// kMaxCartLines, 409 more than available stock, 400 more than
// kMaxLineQuantity. Returns the cart's lines after the change.
Task<CartLines> change_line(web::Context& ctx, const CartKey& key, const std::string& variant_id, LineChange change,
                            int quantity);

// Removes one line; returns the lines after it.
Task<CartLines> remove_line(web::Context& ctx, const CartKey& key, const std::string& variant_id);

// One line of the sendBeacon sync body.
struct SyncItem {
  std::string variant_id;
  int quantity = 0;
};
// The items of a sync body {items:[{variant_id, quantity}]} sent as any
// content type; malformed input yields what is usable (never throws).
// Quantities above kMaxLineQuantity are capped, others below 1 dropped;
// a variant named twice keeps its last quantity; at most kMaxCartLines.
std::vector<SyncItem> parse_sync_items(std::string_view body);

// Sets the user cart's lines to the items' quantities (see
// kPutUserLinesSql); returns how many lines were written.
Task<int> sync_lines(web::Context& ctx, const std::string& user_id, const std::vector<SyncItem>& items);

}  // namespace wh::commerce
