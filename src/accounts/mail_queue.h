// E-mails are queued in `email_logs` (status 'queued', with the template and
// its variables in template_data) inside the caller's transaction; a mail
// worker sends them. No request waits on a mail server.
#pragma once
#include <boost/json/object.hpp>
#include <string>

#include "core/config.h"
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

// Its parameters. In development without a mail provider (no BREVO_API_KEY)
// nothing would ever deliver the e-mail, so it is also written to the log
// with every variable, links included: a developer who registers can copy
// the verification link from there. Logged when queued, so a transaction
// that then rolls back leaves a line for an e-mail that is never sent; in
// production nothing is logged (the links are credentials).
db::Params queue_email_params(const Config& config, const QueuedEmail& email);

// True when queue_email_params logs e-mails for `config`.
bool logs_emails(const Config& config);

}  // namespace wh::accounts
