// Reading one order for the order routes: by number (or, for the admin
// refund, by number or id), with what the authorisation needs.
#pragma once
#include <optional>
#include <string>

#include "core/task.h"
#include "web/context.h"

namespace wh::orders {

struct OrderRow {
  std::string id;
  std::optional<std::string> user_id;
  std::string customer_email;
  std::string status;
  std::string payment_status;
  std::string reference;
  std::string json;  // formatOrder()
};

// The order whose number (or, with `or_id`, id) is `key`; 404 "Order not
// found" when there is none.
Task<OrderRow> load_order(web::Context& ctx, std::string_view key, bool or_id = false);

// The caller may see and cancel the order: an admin, its owner, or anyone
// giving its e-mail (compared ignoring case). Else 403.
void authorise(const web::Context& ctx, const OrderRow& order, std::optional<std::string_view> email);

// {"success":true,"data":{"order":<json>}[,"message":...]}
http::Response order_response(const std::string& order_json, std::string_view message = {});

}  // namespace wh::orders
