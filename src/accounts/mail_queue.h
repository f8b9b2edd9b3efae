// E-mails are queued in `email_logs` (status 'queued', with the template and
// its variables in template_data) inside the caller's transaction; a mail
// worker sends them. No request waits on a mail server.
#pragma once
#include <boost/json/object.hpp>
#include <string>

#include "db/params.h"

namespace wh::accounts {

struct QueuedEmail {
  std::string type;  // e.g. email_verification, password_reset
  std::string to;
  std::string subject;
  std::string templ;  // template name
  boost::json::object variables;
};

// The INSERT statement for `email`, ready for Tx::query / pipeline.
extern const char* const kQueueEmailSql;
db::Params queue_email_params(const QueuedEmail& email);

}  // namespace wh::accounts
