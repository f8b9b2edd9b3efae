// The admin activity log: one admin_activities row per entity an admin
// write changed (migrations/0001: admin_id, action, entity_type, entity_id,
// changes, ip_address, created_at), written in the write's own transaction
// or statement, so a write that rolls back leaves no row and a committed
// write cannot lose its row. (The old backend logged after answering, with
// columns the table does not have, so most writes logged nothing.)
//
// What a row holds: `action` "<entity>.<verb>" ("product.update",
// "user.ban"), `entity_type` ("product", "user", ...), the entity's id, a
// small `changes` object (the fields given, a new status; never secrets),
// the signed-in admin and the request's client IP (security/client_ip.h,
// as every rate limit reads it). docs/admin.md lists every action.
//
// Two ways to write it, with the same parameter (activity_param()):
//
// - Inside one write statement, as a CTE. WH_ADMIN_ACTIVITY(source, param)
//   is the CTE `wh_activity`, inserting one row per row of `source` (a
//   relation of the statement, e.g. the CTE of the write's RETURNING, whose
//   FIRST column is the entity id); `param` is the placeholder ("$3") of
//   activity_param(). A data-modifying CTE always runs, so a write that
//   changes no row records nothing:
//
//     "WITH d AS (DELETE FROM promotional_banners WHERE id = $1 RETURNING id),
//     " WH_ADMIN_ACTIVITY("d", "$2") " SELECT count(*) FROM d"
//
// - In a transaction (db::Tx): record_activity() or activity_statement()
//   for a pipeline. Rows for `entity_ids`; call it only once the write is
//   known to have happened, or throw afterwards (the rollback removes it).
#pragma once
#include <boost/json/object.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "core/task.h"
#include "db/db.h"
#include "db/params.h"
#include "web/context.h"

namespace wh::admin {

struct Activity {
  std::string action;           // "<entity>.<verb>": "product.update", "user.ban"
  std::string entity_type;      // "product", "user", "email_log", ...
  boost::json::object changes;  // small: the fields given, a new status
};

// The INSERT ... SELECT of the rows; `source` and `param` as above.
#define WH_ADMIN_ACTIVITY_INSERT(source, param)                                                                  \
  "INSERT INTO admin_activities (id, admin_id, action, entity_type, entity_id, changes, ip_address, created_at)" \
  " SELECT wh_new_id(), wh_a.v->>'adminId', wh_a.v->>'action', wh_a.v->>'entityType', left(wh_s.id::text, 30),"  \
  " wh_a.v->'changes', NULLIF(wh_a.v->>'ip', ''), (now() AT TIME ZONE 'UTC')"                                    \
  " FROM (SELECT " param "::jsonb AS v) wh_a, " source " wh_s(id)"

// The CTE `wh_activity` of a write statement.
#define WH_ADMIN_ACTIVITY(source, param) "wh_activity AS (" WH_ADMIN_ACTIVITY_INSERT(source, param) ")"

// The parameter of both forms: the signed-in admin (401 without one), the
// client IP and `a`, as JSON text.
std::string activity_param(const web::Context& ctx, const Activity& a);

// $1 activity_param(), $2 the entity ids (a JSON array of strings).
extern const char* const kRecordActivitySql;

// kRecordActivitySql with its parameters, for Tx::pipeline.
db::Statement activity_statement(const web::Context& ctx, const Activity& a,
                                 const std::vector<std::string>& entity_ids);

// Records `a` for each of `entity_ids` in `tx` (nothing when it is empty).
Task<void> record_activity(db::Tx& tx, const web::Context& ctx, const Activity& a,
                           const std::vector<std::string>& entity_ids);

// The changes of a write from its (validated) body: {"fields": [its keys,
// sorted], "values": {key: value}} with the scalar values only (strings cut
// to kMaxLoggedText bytes, on a character boundary; arrays and objects are
// named in "fields" but not copied), so the log stays small. Keys longer
// than 50 bytes or with NUL, and values with NUL, are left out (jsonb
// refuses NUL); at most 30 keys.
inline constexpr std::size_t kMaxLoggedText = 200;
boost::json::object changed_fields(const boost::json::object& body);

}  // namespace wh::admin
