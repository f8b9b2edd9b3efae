// Paystack's webhook and its admin log (reference §1.8, §5.2):
//   POST /webhook/paystack, POST /api/webhooks/paystack  (the same handler)
//     The raw body's HMAC-SHA512 under PAYSTACK_SECRET_KEY must equal
//     x-paystack-signature (hex, constant-time compare): otherwise 401 and
//     nothing is stored (also without a configured key). A body that is not
//     a JSON object with an "event" is 400. A verified event is recorded in
//     the durable queue (webhook_queue.h) and answered 200 at once; the
//     payment worker applies it. A replay (same event identity) is
//     answered 200 and not recorded again.
//   GET /api/webhooks/paystack/logs?page&limit&status   (admin)
//     The queue, newest first: limit default 20, at most 100.
#pragma once
#include "web/router.h"

namespace wh::payments {

void register_webhook_routes(web::Router& router);

}  // namespace wh::payments
