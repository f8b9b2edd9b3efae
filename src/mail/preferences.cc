#include "mail/preferences.h"

namespace wh::mail {

MailKind kind_of(std::string_view type) {
  if (type == "abandoned_cart") return MailKind::abandoned_cart;
  if (type == "back_in_stock") return MailKind::back_in_stock;
  if (type == "marketing" || type == "promotional" || type == "newsletter" || type == "sale_alert") {
    return MailKind::marketing;
  }
  return MailKind::transactional;
}

std::optional<std::string> skip_reason(MailKind kind, const Preferences& prefs) {
  if (kind == MailKind::transactional) return std::nullopt;
  if (prefs.unsubscribed_from_all) return "recipient unsubscribed from all e-mails";
  if (kind == MailKind::marketing && !prefs.marketing) return "recipient turned marketing e-mails off";
  if (kind == MailKind::abandoned_cart && !prefs.abandoned_cart) return "recipient turned abandoned-cart e-mails off";
  if (kind == MailKind::back_in_stock && !prefs.back_in_stock) return "recipient turned back-in-stock e-mails off";
  return std::nullopt;
}

}  // namespace wh::mail
