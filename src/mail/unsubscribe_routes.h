// The unsubscribe routes (reference §1.27), with the old shapes:
//   POST /api/unsubscribe {email}            public, rate-limited per IP:
//        unsubscribes the address from every opt-out e-mail; the same
//        answer whether or not the address belongs to anyone.
//   GET  /api/unsubscribe/preferences        signed in: own preferences
//        (the row, or the defaults when there is none).
//   PUT  /api/unsubscribe/preferences        signed in: {marketingEmails,
//        abandonedCartEmails, backInStockEmails}, all required booleans
//        (a 400 lists each bad field); all three off = unsubscribed from all.
// and the one-click link of the e-mails (unsubscribe_link.h), no sign-in:
//   GET  /api/unsubscribe/one-click?email=&token=   a small HTML page
//   POST /api/unsubscribe/one-click?email=&token=   RFC 8058 (mail clients'
//        "unsubscribe" button, List-Unsubscribe-Post): JSON.
// A bad or missing token is a 400; the check is constant-time.
// Transactional e-mails (orders, passwords, verification) are not affected
// by any of these (preferences.h).
#pragma once

namespace wh::web {
class Router;
}

namespace wh::mail {

void register_unsubscribe_routes(web::Router& router);

}  // namespace wh::mail
