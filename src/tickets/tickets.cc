#include "tickets/tickets.h"

#include <chrono>
#include <string>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "core/ids.h"
#include "core/json_text.h"
#include "security/rate_limiter.h"
#include "security/route_limit.h"
#include "tickets/ticket_input.h"
#include "tickets/ticket_sql.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::tickets {
using http::Response;
using web::Context;

namespace {

// The old createTicketLimiter, shared by the guest and the customer route.
const security::RatePolicy kCreateLimit{"create-ticket", 5, std::chrono::hours(1)};
constexpr const char* kCreateLimitMessage = "Too many tickets created. Please try again later.";
constexpr const char* kNotFound = "Ticket not found";

void require_admin(const Context& ctx) { accounts::require_role(ctx, {"admin", "super_admin"}); }

// The :id of the route; ids are cuids, anything else cannot exist.
std::string ticket_id(const Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found(kNotFound);
  return std::string(id);
}

// {data, pagination} of a list statement (tickets, pagination object).
Response page_of(const db::Result& r) {
  return Response::json(R"({"success":true,"data":)" + compact_json(r.get(0, 0)) + R"(,"pagination":)" +
                        compact_json(r.get(0, 1)) + "}");
}

Task<Response> create_guest_ticket(Context& ctx) {
  auto in = read_guest_ticket(accounts::json_body(ctx.req));
  security::enforce_rate_limit(ctx, kCreateLimit, ctx.req.client_ip, kCreateLimitMessage);
  db::Params params{new_cuid(),  in.name,    in.email,   in.subject,
                    in.priority, in.message, new_cuid(), ctx.config().frontend_url};
  auto r = co_await ctx.db().query(sql::kCreateGuest, std::move(params));
  co_return web::ok_data_message(
      r.get(0, 0), "Your message has been submitted. We will respond to your email within 24 hours.", 201);
}

Task<Response> create_ticket(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  auto in = read_customer_ticket(accounts::json_body(ctx.req));
  security::enforce_rate_limit(ctx, kCreateLimit, ctx.req.client_ip, kCreateLimitMessage);
  db::Params params{new_cuid(), user.id, in.subject, in.priority, in.message, new_cuid(), ctx.config().frontend_url};
  auto r = co_await ctx.db().query(sql::kCreate, std::move(params));
  if (r.empty()) throw ApiError(401, "UnauthorizedError", "User not found");
  co_return web::ok_data_message(r.get(0, 0), "Support ticket created successfully", 201);
}

Task<Response> reply_to_ticket(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  std::string id = ticket_id(ctx);
  std::string message = read_reply(accounts::json_body(ctx.req));
  db::Params params{id, user.id, message, new_cuid()};
  auto r = co_await ctx.db().query(sql::kReply, std::move(params));
  if (r.empty()) web::throw_not_found(kNotFound);
  co_return web::ok_data_message(r.get(0, 0), "Reply sent successfully");
}

Task<Response> list_own_tickets(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  web::QueryReader q(ctx.req);
  int page = q.integer("page", 1, web::kMaxPage);
  int limit = q.integer("limit", web::kDefaultPageSize, web::kMaxPageSize);
  q.finish();
  db::Params params{user.id, limit, static_cast<long long>(page - 1) * limit, page};
  auto r = co_await ctx.db().query(sql::kListOwn, std::move(params));
  co_return page_of(r);
}

Task<Response> get_ticket(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  std::string id = ticket_id(ctx);
  db::Params params{id, user.id, user.is_admin()};
  auto r = co_await ctx.db().query(sql::kGet, std::move(params));
  if (r.empty()) web::throw_not_found(kNotFound);
  co_return web::ok_data(r.get(0, 0));
}

Task<Response> list_all_tickets(Context& ctx) {
  require_admin(ctx);
  web::QueryReader q(ctx.req);
  int page = q.integer("page", 1, web::kMaxPage);
  int limit = q.integer("limit", web::kDefaultPageSize, web::kMaxPageSize);
  std::string status = q.choice("status", {"open", "pending", "closed"}, "");
  std::string priority = q.choice("priority", {"low", "medium", "high"}, "");
  q.finish();
  std::optional<std::string> status_p, priority_p;
  if (!status.empty()) status_p = status;
  if (!priority.empty()) priority_p = priority;
  db::Params params{status_p, priority_p, limit, static_cast<long long>(page - 1) * limit, page};
  auto r = co_await ctx.db().query(sql::kListAll, std::move(params));
  co_return page_of(r);
}

Task<Response> set_ticket_status(Context& ctx) {
  require_admin(ctx);
  std::string id = ticket_id(ctx);
  std::string status = read_status(accounts::json_body(ctx.req));
  admin::Activity activity{"ticket.status", "support_ticket", boost::json::object{{"status", status}}};
  db::Params params{id, status, ctx.config().frontend_url, admin::activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(sql::kSetStatus, std::move(params));
  if (r.empty()) web::throw_not_found(kNotFound);
  co_return web::ok_data_message(r.get(0, 0), "Ticket status updated to " + status);
}

Task<Response> admin_reply(Context& ctx) {
  const auto& admin = accounts::require_role(ctx, {"admin", "super_admin"});
  std::string id = ticket_id(ctx);
  std::string message = read_reply(accounts::json_body(ctx.req));
  std::string message_id = new_cuid();
  admin::Activity activity{"ticket.reply", "support_ticket", boost::json::object{{"messageId", message_id}}};
  db::Params params{id, admin.id, message, message_id, ctx.config().frontend_url, admin::activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(sql::kAdminReply, std::move(params));
  if (r.empty()) web::throw_not_found(kNotFound);
  co_return web::ok_data_message(r.get(0, 0), "Admin reply sent successfully");
}

}  // namespace

// Literal segments win over captures (web/router.h), and the admin routes
// have more segments than "/api/support/:id", so "admin" is never an id.
void register_ticket_routes(web::Router& router) {
  router.add("POST", "/api/support/guest", create_guest_ticket);
  router.add("POST", "/api/support", create_ticket);
  router.add("POST", "/api/support/:id/reply", reply_to_ticket);
  router.add("GET", "/api/support", list_own_tickets);
  router.add("GET", "/api/support/:id", get_ticket);
  router.add("GET", "/api/support/admin/all", list_all_tickets);
  router.add("PUT", "/api/support/admin/:id/status", set_ticket_status);
  router.add("POST", "/api/support/admin/:id/reply", admin_reply);
}

}  // namespace wh::tickets
