// Idempotent order creation (table wh_idempotency_keys, migration 0010).
//
// A request names its order by a scope key: with an Idempotency-Key header,
// 'key:<cart owner>:<header>' (kept IDEMPOTENCY_KEY_TTL_S); without one,
// 'auto:<cart owner>:<SHA-256 of the body>' (kept CHECKOUT_DEDUPE_WINDOW_S),
// so a double submit of the same checkout returns the first order.
//
// claim() inserts the key (or takes over an expired one, or a claim left
// behind by a crashed attempt). If another request holds it: a different
// body is a 422, a finished one is replayed (its 201 again), one still
// running is waited for (polling) and then replayed, or 409 when it does not
// finish in time. A claim is completed with the 201 body or abandoned (the
// attempt failed: a retry may run).
#pragma once
#include <chrono>
#include <optional>
#include <string>

#include "core/task.h"
#include "db/db.h"

namespace wh::orders {

struct IdempotencyScope {
  std::string key;           // scope key ("" = no idempotency for this request)
  std::string request_hash;  // SHA-256 hex of the body
  std::chrono::seconds ttl{0};
  bool explicit_key = false;
};

// nullopt: this request holds the claim and must complete or abandon it;
// otherwise the first request's 201 body to answer again.
// `wait`: how long to wait for a request still running before 409.
Task<std::optional<std::string>> claim(db::Db db, const IdempotencyScope& scope, std::chrono::milliseconds wait);
Task<void> complete(db::Db db, const IdempotencyScope& scope, const std::string& order_id, const std::string& body);
Task<void> abandon(db::Db db, const IdempotencyScope& scope);

}  // namespace wh::orders
