#include "accounts/mail_queue.h"

#include <boost/json.hpp>

#include "core/ids.h"

namespace wh::accounts {

const char* const kQueueEmailSql =
    "INSERT INTO email_logs (id, type, to_email, subject, status, attempt_count, max_attempts, template_data,"
    " created_at) VALUES ($1, $2, $3, $4, 'queued', 0, 3, $5::jsonb, now() AT TIME ZONE 'UTC')";

db::Params queue_email_params(const QueuedEmail& e) {
  boost::json::object data{{"template", e.templ}, {"variables", e.variables}};
  return {new_cuid(), e.type, e.to, e.subject, boost::json::serialize(data)};
}

}  // namespace wh::accounts
