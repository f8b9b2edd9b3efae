// An order as the old backend's formatOrder() wrote it (reference §1.7),
// built by PostgreSQL in the statement that reads it: snake_case fields,
// amounts as JSON numbers, instants as ISO 8601 UTC, the items (with the
// first image of their variant or product) in one correlated sub-select, so
// a page of orders costs one statement, never one per order.
#pragma once
#include <string>

namespace wh::orders {

// A json expression of the order row aliased `o` (table orders).
const std::string& order_json_sql();

// The statuses of the state machine, in the old validation order.
inline constexpr const char* kStatuses[] = {"pending", "processing", "shipped", "delivered", "cancelled", "refunded"};

bool valid_status(std::string_view s);

// Whether the admin may move an order from `from` to `to` (§1.7: pending ->
// processing|cancelled; processing -> shipped|cancelled; shipped ->
// delivered|cancelled; delivered -> refunded; cancelled and refunded are
// terminal; the same status is allowed).
bool transition_allowed(std::string_view from, std::string_view to);
// "Invalid status transition: from → to. Allowed transitions from "from": ..."
std::string transition_error(std::string_view from, std::string_view to);

}  // namespace wh::orders
