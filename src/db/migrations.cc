#include "db/migrations.h"

#include <chrono>
#include <stdexcept>

#include "core/crypto.h"
#include "db/blocking_session.h"
#include "db/schema_adoption.h"

namespace wh::db {
namespace {

constexpr const char* kLockKey = "7321907001";  // arbitrary, constant across releases
// A migration may rewrite a large table, and a second instance waits on the
// lock for as long: no practical client-side bound.
constexpr std::chrono::hours kStatementTimeout{24};

const Migration* base_migration(const std::vector<Migration>& migrations) {
  for (const auto& m : migrations) {
    if (m.version == 1) return &m;
  }
  return nullptr;
}

void record(BlockingSession& db, const Migration& m, const char* mode) {
  db.exec("INSERT INTO wighaven_schema_migrations (version, name, checksum, mode) VALUES ($1, $2, $3, $4)",
          {m.version, m.name, sha256_hex(m.sql), mode});
}

// First transaction, under the lock: unless migration 1 is already recorded,
// look at what the database holds. A refusal rolls everything back, so a
// refused database is left exactly as it was (not even our table is made).
void prepare(BlockingSession& db, const std::vector<Migration>& migrations, MigrationReport& report) {
  db.exec("BEGIN");
  try {
    db.exec("SELECT pg_advisory_xact_lock($1::bigint)", {kLockKey});
    auto known = db.exec("SELECT to_regclass('public.wighaven_schema_migrations') IS NOT NULL");
    bool base_recorded = false;
    if (known.get_bool(0, 0)) {
      base_recorded = !db.exec("SELECT 1 FROM wighaven_schema_migrations WHERE version = 1").empty();
    }
    const Migration* base = base_migration(migrations);
    ExistingSchema existing;
    if (!base_recorded && base != nullptr) {
      existing = inspect_existing_schema(db, base->sql);
      if (existing.kind == ExistingSchema::Kind::refused) {
        throw std::runtime_error("refusing to migrate: " + existing.refusal + " Nothing was changed.");
      }
    }
    db.exec(
        "CREATE TABLE IF NOT EXISTS wighaven_schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,"
        " mode TEXT NOT NULL DEFAULT 'applied', applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    if (existing.kind == ExistingSchema::Kind::wighaven) {
      record(db, *base, "adopted");
      report.adopted.emplace_back(base->name);
      report.differences = std::move(existing.differences);
      report.adopted_from = existing.prisma_history ? "prisma migrate" : "prisma db push";
    }
    db.exec("COMMIT");
  } catch (...) {
    db.roll_back();
    throw;
  }
}

}  // namespace

MigrationReport migrate(const std::string& url, const std::vector<Migration>& migrations) {
  BlockingSession db(tool_connect_options(url, "wighaven-migrate"), kStatementTimeout);
  db.exec("SET client_min_messages = warning");

  MigrationReport report;
  prepare(db, migrations, report);
  const bool adopted_now = !report.adopted.empty();
  for (const auto& m : migrations) {
    db.exec("BEGIN");
    try {
      db.exec("SELECT pg_advisory_xact_lock($1::bigint)", {kLockKey});
      auto done = db.exec("SELECT 1 FROM wighaven_schema_migrations WHERE version = $1", {m.version});
      if (!done.empty()) {
        db.exec("COMMIT");
        if (!(adopted_now && m.version == 1)) ++report.already;
        continue;
      }
      db.exec_script(m.sql);
      record(db, m, "applied");
      db.exec("COMMIT");
      report.applied.emplace_back(m.name);
    } catch (const std::exception& e) {
      db.roll_back();
      throw std::runtime_error(std::string("migration ") + m.name + " failed: " + e.what());
    }
  }
  return report;
}

}  // namespace wh::db
