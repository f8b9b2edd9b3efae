#include "mail/mail_worker.h"

#include <algorithm>
#include <boost/json.hpp>

#include "core/log.h"
#include "db/db.h"
#include "db/worker_lease.h"
#include "http/client.h"
#include "mail/brevo_api.h"
#include "mail/preferences.h"
#include "mail/unsubscribe_link.h"

namespace wh::mail {

namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

constexpr const char* kLeaseName = "mail";
constexpr auto kDepthEvery = std::chrono::seconds(1);

milliseconds until(std::chrono::steady_clock::time_point t) {
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(t - std::chrono::steady_clock::now()));
}

// MAIL_RETRY_MS doubled per attempt made, at most MAIL_RETRY_MAX_MS.
milliseconds backoff(const Config& c, int attempts_made) {
  milliseconds d = c.mail_retry;
  for (int i = 1; i < attempts_made && d < c.mail_retry_max; ++i) d *= 2;
  return std::min(d, c.mail_retry_max);
}

int current_year() {
  auto today = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
  return static_cast<int>(today.year());
}

// {"template": name, "variables": {...}} → name and variables; nullopt for
// anything else.
std::optional<std::pair<std::string, json::object>> parse_template_data(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* name = v.as_object().if_contains("template");
  if (name == nullptr || !name->is_string()) return std::nullopt;
  json::object vars;
  if (const auto* given = v.as_object().if_contains("variables"); given != nullptr && given->is_object()) {
    vars = given->as_object();
  }
  return std::make_pair(std::string(name->as_string()), std::move(vars));
}

}  // namespace

MailWorker::MailWorker(web::Services& services, metrics::Registry& registry, boost::asio::any_io_executor ex)
    : services_(services),
      config_(services.config),
      enabled_(!config_.brevo_api_key.empty()),
      loop_(std::move(ex)),
      templates_(registry),
      sent_(registry.counter("wh_mail_sent_total", "E-mails Brevo accepted.").with({})),
      failed_(registry.counter("wh_mail_failed_total", "E-mails given up on (status failed).").with({})),
      skipped_(registry.counter("wh_mail_skipped_total", "E-mails not sent: the recipient opted out.").with({})),
      retries_(registry.counter("wh_mail_retries_total", "Sends that failed for a passing reason and will be retried.")
                   .with({})),
      depth_(registry.gauge("wh_mail_queue_depth", "Queued e-mails (counted up to 100000).").with({})),
      lease_held_(registry.gauge("wh_mail_lease_held", "1 while this instance holds the mail lease.").with({})) {}

json::object MailWorker::common_variables(const Config& config, const QueuedRow& row) {
  json::object v{{"shop_name", "WigHaven"},
                 {"shop_url", config.frontend_url},
                 {"support_link", config.frontend_url + "/support"},
                 {"year", current_year()},
                 {"subject", row.subject}};
  if (kind_of(row.type) != MailKind::transactional) v["unsubscribe_link"] = unsubscribe_url(config, row.to);
  return v;
}

Task<void> MailWorker::run() {
  if (!enabled_) {
    const char* what = "mail: BREVO_API_KEY unset; e-mails stay queued in email_logs until a key is configured";
    if (config_.production()) {
      log::warn(what);
    } else {
      log::info(what);
    }
    co_return;
  }
  co_await loop_.run([this] { return loop(); });
}

Task<void> MailWorker::refresh_depth() {
  db::Db db(*services_.pool, nullptr, db::Priority::background);
  depth_.set(static_cast<double>(co_await queue_depth(db)));
}

Task<void> MailWorker::loop() {
  db::WorkerLease lease(*services_.pool, kLeaseName, db::worker_owner_id(), config_.worker_lease_ttl);
  Clock::time_point pause_until{}, next_depth{};
  while (!loop_.stopping()) {
    milliseconds wait = config_.mail_poll;
    bool held = false;
    try {
      held = co_await lease.keep();
      lease_held_.set(held ? 1 : 0);
      if (Clock::now() >= next_depth) {
        co_await refresh_depth();
        next_depth = Clock::now() + kDepthEvery;
      }
      if (!held) {
        wait = std::min(wait, lease.ttl() / 3);  // take over soon after the holder's lease expires
      } else if (Clock::now() < pause_until) {
        wait = until(pause_until);
      } else {
        bool more = co_await cycle(lease, pause_until);
        if (Clock::now() < pause_until) {
          wait = until(pause_until);
        } else if (more) {
          wait = milliseconds(0);
        }
      }
    } catch (const std::exception& e) {
      wait = std::min(config_.mail_retry, config_.mail_poll);
      log::warn("mail: the database cannot be reached", {{"error", e.what()}, {"retry_ms", wait.count()}});
    }
    if (lease.held()) wait = std::min(wait, until(lease.renew_due()));
    if (wait.count() == 0) continue;
    const auto deadline = Clock::now() + wait;
    bool woken = co_await loop_.sleep(wait);
    // Only the holder acts on new rows, and not while paused; the others
    // just watch the lease.
    while (woken && (!held || Clock::now() < pause_until) && !loop_.stopping() && Clock::now() < deadline) {
      co_await loop_.sleep(until(deadline));
    }
  }
  co_await lease.release();
  lease_held_.set(0);
}

Task<bool> MailWorker::cycle(db::WorkerLease& lease, Clock::time_point& pause_until) {
  db::Db db(*services_.pool, nullptr, db::Priority::background);
  auto rows = co_await claim_queued(db, config_.mail_batch, config_.mail_claim_timeout);
  std::size_t done = 0;
  for (; done < rows.size(); ++done) {
    bool still_held = co_await lease.keep();
    if (loop_.stopping() || !still_held) break;
    auto pause = co_await deliver(db, rows[done]);
    if (pause) {
      pause_until = Clock::now() + *pause;
      ++done;
      break;
    }
  }
  std::vector<std::string> rest;
  for (std::size_t i = done; i < rows.size(); ++i) rest.push_back(rows[i].id);
  co_await release_claims(db, rest);
  co_return rows.size() == static_cast<std::size_t>(config_.mail_batch) || !rest.empty();
}

Task<std::optional<milliseconds>> MailWorker::deliver(db::Db& db, const QueuedRow& row) {
  std::optional<milliseconds> pause;
  const json::object who{{"email_id", row.id}, {"type", row.type}};
  auto data = parse_template_data(row.template_data);
  if (!data) {
    co_await mark_failed(db, row.id, "template_data has no template name", false);
    failed_.inc();
    log::warn("mail failed: no template in template_data", who);
    co_return pause;
  }
  const MailKind kind = kind_of(row.type);
  if (kind != MailKind::transactional) {
    Preferences prefs = co_await load_preferences(db, row.to);
    if (auto reason = skip_reason(kind, prefs)) {
      co_await mark_skipped(db, row.id, *reason);
      skipped_.inc();
      log::info("mail skipped: " + *reason, who);
      co_return pause;
    }
  }
  OutgoingEmail email;
  email.to = row.to;
  email.subject = row.subject;
  email.tag = row.type;
  std::string template_error;
  try {
    json::object common = common_variables(config_, row);
    if (const auto* link = common.if_contains("unsubscribe_link"))
      email.unsubscribe_url = std::string(link->as_string());
    auto rendered = templates_.render(data->first, data->second, common);
    email.html = std::move(rendered.html);
    email.text = std::move(rendered.text);
  } catch (const TemplateError& e) {
    template_error = e.what();
  }
  if (!template_error.empty()) {
    co_await mark_failed(db, row.id, template_error, false);
    failed_.inc();
    log::warn("mail failed: " + template_error, who);
    co_return pause;
  }
  BrevoAccount account{config_.brevo_base_url, config_.brevo_api_key, config_.email_from, config_.email_from_name};
  const milliseconds timeout = std::min(config_.outbound_timeout, config_.mail_claim_timeout / 2);
  auto outcome = co_await send_email(services_.get<http::OutboundClient>(), account, email, timeout);
  const int attempts = row.attempts + 1;
  if (outcome.result == SendResult::sent) {
    co_await mark_sent(db, row.id, outcome.message_id);
    sent_.inc();
    log::info("mail sent", {{"email_id", row.id}, {"type", row.type}, {"message_id", outcome.message_id}});
  } else if (outcome.result == SendResult::rejected) {
    co_await mark_failed(db, row.id, outcome.error, true);
    failed_.inc();
    log::warn("mail rejected by Brevo", {{"email_id", row.id}, {"type", row.type}, {"error", outcome.error}});
  } else {
    pause = std::max(backoff(config_, attempts), outcome.retry_after.value_or(milliseconds(0)));
    if (attempts >= row.max_attempts) {
      std::string reason = "gave up after " + std::to_string(attempts) + " attempts: " + outcome.error;
      co_await mark_failed(db, row.id, reason, true);
      failed_.inc();
      log::warn("mail failed", {{"email_id", row.id}, {"type", row.type}, {"error", reason}});
    } else {
      co_await schedule_retry(db, row.id, outcome.error, *pause);
      retries_.inc();
      log::warn("mail send failed; will retry", {{"email_id", row.id},
                                                 {"type", row.type},
                                                 {"error", outcome.error},
                                                 {"attempt", attempts},
                                                 {"retry_ms", pause->count()}});
    }
  }
  co_return pause;
}

}  // namespace wh::mail
