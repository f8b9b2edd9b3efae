#include "payments/admin_alert.h"

#include <boost/json.hpp>

#include "accounts/mail_queue.h"
#include "db/db.h"

namespace wh::payments {

namespace {

constexpr const char* kNotifySql =
    "INSERT INTO notifications (id, user_id, type, title, message, link, is_read, created_at)"
    " SELECT 'c' || substr(md5(random()::text || u.id || clock_timestamp()::text), 1, 24), u.id, $1, $2, $3,"
    " NULLIF($4, ''), false, now() AT TIME ZONE 'UTC'"
    " FROM users u WHERE u.role IN ('admin', 'super_admin') AND u.is_active";

}  // namespace

Task<void> alert_admins(db::Tx& tx, const Config& config, const AdminAlert& alert) {
  std::string link = alert.order_number.empty() ? "" : "/admin/orders/" + alert.order_number;
  db::Params notify{alert.type, alert.title, alert.message, link};
  co_await tx.query(kNotifySql, std::move(notify));
  if (config.admin_email.empty()) co_return;
  boost::json::array details;
  for (const auto& [label, value] : alert.details)
    details.push_back(boost::json::object{{"label", label}, {"value", value}});
  accounts::QueuedEmail mail;
  mail.type = "admin_" + alert.type;
  mail.to = config.admin_email;
  mail.subject = "[WigHaven] " + alert.title;
  mail.templ = "adminAlert";
  mail.variables = boost::json::object{{"title", alert.title}, {"message", alert.message}, {"details", details}};
  if (!link.empty()) mail.variables["link"] = config.frontend_url + link;
  co_await tx.query(accounts::kQueueEmailSql, accounts::queue_email_params(config, mail));
}

}  // namespace wh::payments
