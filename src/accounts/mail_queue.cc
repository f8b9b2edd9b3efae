#include "accounts/mail_queue.h"

#include <boost/json.hpp>

#include "core/ids.h"
#include "core/log.h"

namespace wh::accounts {

const char* const kQueueEmailSql =
    "INSERT INTO email_logs (id, type, to_email, subject, status, attempt_count, max_attempts, template_data,"
    " created_at) VALUES ($1, $2, $3, $4, 'queued', 0, 3, $5::jsonb, now() AT TIME ZONE 'UTC')";

bool logs_emails(const Config& config) { return config.node_env == "development" && config.brevo_api_key.empty(); }

db::Params queue_email_params(const Config& config, const QueuedEmail& e) {
  std::string id = new_cuid();
  if (logs_emails(config)) {
    log::info("email queued (development, no mail provider: not sent)", {{"email_id", id},
                                                                         {"type", e.type},
                                                                         {"to", e.to},
                                                                         {"subject", e.subject},
                                                                         {"template", e.templ},
                                                                         {"variables", e.variables}});
  }
  boost::json::object data{{"template", e.templ}, {"variables", e.variables}};
  return {std::move(id), e.type, e.to, e.subject, boost::json::serialize(data)};
}

}  // namespace wh::accounts
