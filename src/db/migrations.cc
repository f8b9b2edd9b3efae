#include "db/migrations.h"

#include <libpq-fe.h>

#include <memory>
#include <set>
#include <stdexcept>

#include "core/crypto.h"
#include "db/pq_sync.h"
#include "db/schema_adoption.h"

namespace wh::db {
namespace {

using ConnPtr = std::unique_ptr<PGconn, decltype(&PQfinish)>;

constexpr const char* kLockKey = "7321907001";  // arbitrary, constant across releases

const Migration* base_migration(const std::vector<Migration>& migrations) {
  for (const auto& m : migrations) {
    if (m.version == 1) return &m;
  }
  return nullptr;
}

void record(PGconn* c, const Migration& m, const char* mode) {
  std::string version = std::to_string(m.version);
  std::string checksum = sha256_hex(m.sql);
  exec_sync(c, "INSERT INTO wighaven_schema_migrations (version, name, checksum, mode) VALUES ($1, $2, $3, $4)",
            {version.c_str(), m.name, checksum.c_str(), mode});
}

// First transaction, under the lock: unless migration 1 is already recorded,
// look at what the database holds. A refusal rolls everything back, so a
// refused database is left exactly as it was (not even our table is made).
void prepare(PGconn* c, const std::vector<Migration>& migrations, MigrationReport& report) {
  exec_sync(c, "BEGIN");
  try {
    exec_sync(c, "SELECT pg_advisory_xact_lock($1::bigint)", {kLockKey});
    auto known = exec_sync(c, "SELECT to_regclass('public.wighaven_schema_migrations') IS NOT NULL");
    bool base_recorded = false;
    if (std::string(PQgetvalue(known.get(), 0, 0)) == "t") {
      auto r = exec_sync(c, "SELECT 1 FROM wighaven_schema_migrations WHERE version = 1");
      base_recorded = PQntuples(r.get()) > 0;
    }
    const Migration* base = base_migration(migrations);
    ExistingSchema existing;
    if (!base_recorded && base != nullptr) {
      existing = inspect_existing_schema(c, base->sql);
      if (existing.kind == ExistingSchema::Kind::refused) {
        throw std::runtime_error("refusing to migrate: " + existing.refusal + " Nothing was changed.");
      }
    }
    exec_sync(c,
              "CREATE TABLE IF NOT EXISTS wighaven_schema_migrations ("
              " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,"
              " mode TEXT NOT NULL DEFAULT 'applied', applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    if (existing.kind == ExistingSchema::Kind::wighaven) {
      record(c, *base, "adopted");
      report.adopted.emplace_back(base->name);
      report.differences = std::move(existing.differences);
      report.adopted_from = existing.prisma_history ? "prisma migrate" : "prisma db push";
    }
    exec_sync(c, "COMMIT");
  } catch (...) {
    PQclear(PQexec(c, "ROLLBACK"));
    throw;
  }
}

}  // namespace

MigrationReport migrate(const std::string& url, const std::vector<Migration>& migrations) {
  ConnPtr conn(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("cannot connect: ") + PQerrorMessage(conn.get()));
  }
  PGconn* c = conn.get();
  exec_sync(c, "SET client_min_messages = warning");

  MigrationReport report;
  prepare(c, migrations, report);
  const bool adopted_now = !report.adopted.empty();
  for (const auto& m : migrations) {
    exec_sync(c, "BEGIN");
    try {
      exec_sync(c, "SELECT pg_advisory_xact_lock($1::bigint)", {kLockKey});
      std::string version = std::to_string(m.version);
      auto done = exec_sync(c, "SELECT 1 FROM wighaven_schema_migrations WHERE version = $1", {version.c_str()});
      if (PQntuples(done.get()) > 0) {
        exec_sync(c, "COMMIT");
        if (!(adopted_now && m.version == 1)) ++report.already;
        continue;
      }
      exec_script_sync(c, m.sql);
      record(c, m, "applied");
      exec_sync(c, "COMMIT");
      report.applied.emplace_back(m.name);
    } catch (const std::exception& e) {
      PQclear(PQexec(c, "ROLLBACK"));
      throw std::runtime_error(std::string("migration ") + m.name + " failed: " + e.what());
    }
  }
  return report;
}

}  // namespace wh::db
