// Which e-mails a recipient's email_preferences row lets through. Every
// e-mail type is transactional (verification, password reset, orders,
// payments, support, admin alerts: always sent) unless it is one of the
// opt-out kinds below, which are skipped for a recipient who unsubscribed
// from all or switched that kind off.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace wh::mail {

enum class MailKind {
  transactional,
  marketing,       // email_preferences.marketing_emails (types: marketing, promotional, newsletter, sale_alert)
  abandoned_cart,  // abandoned_cart_emails (type abandoned_cart)
  back_in_stock,   // back_in_stock_emails (type back_in_stock)
};

MailKind kind_of(std::string_view type);

// A recipient's row of email_preferences (the defaults when there is none).
struct Preferences {
  bool unsubscribed_from_all = false;
  bool marketing = true;
  bool abandoned_cart = true;
  bool back_in_stock = true;
};

// Why an e-mail of `kind` must not go to someone with `prefs`; nullopt: send.
std::optional<std::string> skip_reason(MailKind kind, const Preferences& prefs);

}  // namespace wh::mail
