#include "orders/idempotency.h"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/error.h"
#include "core/log.h"

namespace wh::orders {
namespace asio = boost::asio;

namespace {

// $1 key, $2 hash, $3 ttl seconds, $4 seconds after which an unfinished
// claim counts as abandoned. One row: 'claimed', or the holder's hash and
// response ('held'); none when the holder has not committed yet.
constexpr const char* kClaimSql = R"(
WITH ins AS (
  INSERT INTO wh_idempotency_keys AS k (scope_key, request_hash, expires_at)
  VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3::int))
  ON CONFLICT (scope_key) DO UPDATE SET request_hash = EXCLUDED.request_hash, order_id = NULL, response = NULL,
      created_at = clock_timestamp(), expires_at = EXCLUDED.expires_at
    WHERE k.expires_at < clock_timestamp()
       OR (k.response IS NULL AND k.created_at < clock_timestamp() - make_interval(secs => $4::int))
  RETURNING 1)
SELECT 'claimed', NULL, NULL FROM ins
UNION ALL
SELECT 'held', request_hash, response FROM wh_idempotency_keys WHERE scope_key = $1 AND NOT EXISTS (SELECT 1 FROM ins))";

constexpr const char* kCompleteSql = "UPDATE wh_idempotency_keys SET order_id = $2, response = $3 WHERE scope_key = $1";
constexpr const char* kAbandonSql = "DELETE FROM wh_idempotency_keys WHERE scope_key = $1 AND response IS NULL";
// SKIP LOCKED: two sweeps (or a sweep and a claim reusing an expired key)
// never wait for each other; they deadlocked under 800 orders/s without it.
constexpr const char* kSweepSql =
    "DELETE FROM wh_idempotency_keys WHERE scope_key IN (SELECT scope_key FROM wh_idempotency_keys"
    " WHERE expires_at < clock_timestamp() LIMIT 500 FOR UPDATE SKIP LOCKED)";

constexpr auto kPoll = std::chrono::milliseconds(100);
constexpr int kSweepEvery = 256;
std::atomic<unsigned> claims{0};

// Housekeeping on the way: its failure is logged, never the shopper's error.
Task<void> sweep(db::Db& db) {
  try {
    co_await db.query(kSweepSql);
  } catch (const std::exception& e) {
    log::warn("idempotency keys: sweep failed; the next one retries", {{"error", e.what()}});
  }
}

}  // namespace

Task<std::optional<std::string>> claim(db::Db db, const IdempotencyScope& scope, std::chrono::milliseconds wait) {
  if (scope.key.empty()) co_return std::nullopt;
  if (claims.fetch_add(1, std::memory_order_relaxed) % kSweepEvery == 0) co_await sweep(db);
  auto stale_after = std::chrono::duration_cast<std::chrono::seconds>(wait).count() + 60;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    db::Params params{scope.key, scope.request_hash, static_cast<long long>(scope.ttl.count()),
                      static_cast<long long>(stale_after)};
    auto r = co_await db.query(kClaimSql, std::move(params));
    if (!r.empty() && r.get(0, 0) == "claimed") co_return std::nullopt;
    if (!r.empty()) {
      if (r.get(0, 1) != scope.request_hash) {
        throw ApiError(422, "IdempotencyKeyReusedError",
                       "This Idempotency-Key was already used with a different request body");
      }
      if (!r.is_null(0, 2)) co_return std::string(r.get(0, 2));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw ApiError(409, "ConflictError", "An order for this request is still being created; try again shortly");
    }
    timer.expires_after(kPoll);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

Task<void> complete(db::Db db, const IdempotencyScope& scope, const std::string& order_id, const std::string& body) {
  if (scope.key.empty()) co_return;
  db::Params params{scope.key, order_id, body};
  co_await db.query(kCompleteSql, std::move(params));
}

Task<void> abandon(db::Db db, const IdempotencyScope& scope) {
  if (scope.key.empty()) co_return;
  db::Params params{scope.key};
  co_await db.query(kAbandonSql, std::move(params));
}

}  // namespace wh::orders
