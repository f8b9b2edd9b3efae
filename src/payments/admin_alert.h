// Telling the shop's admins about a payment that needs a person (an amount
// that does not match the order, a refund after an oversell, a webhook that
// could not be applied): an in-app notification for every active admin and
// super admin, and the adminAlert e-mail to ADMIN_EMAIL through the mail
// outbox (nothing is sent when ADMIN_EMAIL is empty). Both are rows written
// in the caller's transaction, so an alert exists exactly when the change it
// reports was committed.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/task.h"

namespace wh::db {
class Tx;
}

namespace wh::payments {

struct AdminAlert {
  std::string type;     // notifications.type and email_logs.type suffix, e.g. payment_mismatch
  std::string title;    // notification title and e-mail subject
  std::string message;  // one or two sentences
  std::vector<std::pair<std::string, std::string>> details;  // label, value
  std::string order_number;                                  // for the admin link; may be empty
};

Task<void> alert_admins(db::Tx& tx, const Config& config, const AdminAlert& alert);

}  // namespace wh::payments
