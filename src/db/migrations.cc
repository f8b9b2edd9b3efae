#include "db/migrations.h"

#include "core/crypto.h"

#include <libpq-fe.h>

#include <memory>
#include <set>
#include <stdexcept>

namespace wh::db {
namespace {

using ConnPtr = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using ResPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

ResPtr run(PGconn* c, const char* sql, std::vector<const char*> params = {}) {
  ResPtr r(PQexecParams(c, sql, static_cast<int>(params.size()), nullptr, params.data(), nullptr, nullptr, 0),
           &PQclear);
  auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string msg = PQresultErrorMessage(r.get());
    throw std::runtime_error(msg);
  }
  return r;
}

// Multi-statement scripts go through the simple-query protocol.
void run_script(PGconn* c, const char* sql) {
  ResPtr r(PQexec(c, sql), &PQclear);
  auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
    throw std::runtime_error(PQresultErrorMessage(r.get()));
  }
}

constexpr const char* kLockKey = "7321907001";  // arbitrary, constant across releases

}  // namespace

MigrationReport migrate(const std::string& url, const std::vector<Migration>& migrations) {
  ConnPtr conn(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("cannot connect: ") + PQerrorMessage(conn.get()));
  }
  PGconn* c = conn.get();
  run(c, "SET client_min_messages = warning");
  // Under the lock: two runners starting together must not race on CREATE.
  run(c, "BEGIN");
  run(c, "SELECT pg_advisory_xact_lock($1::bigint)", {kLockKey});
  run(c,
      "CREATE TABLE IF NOT EXISTS wighaven_schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,"
      " mode TEXT NOT NULL DEFAULT 'applied', applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
  run(c, "COMMIT");

  MigrationReport report;
  for (const auto& m : migrations) {
    std::string version = std::to_string(m.version);
    std::string checksum = sha256_hex(m.sql);
    run(c, "BEGIN");
    try {
      run(c, "SELECT pg_advisory_xact_lock($1::bigint)", {kLockKey});
      auto done = run(c, "SELECT 1 FROM wighaven_schema_migrations WHERE version = $1", {version.c_str()});
      if (PQntuples(done.get()) > 0) {
        run(c, "COMMIT");
        ++report.already;
        continue;
      }
      bool adopt = false;
      if (m.version == 1) {
        auto legacy = run(c,
                          "SELECT to_regclass('public._prisma_migrations') IS NOT NULL"
                          " AND to_regclass('public.users') IS NOT NULL");
        adopt = std::string(PQgetvalue(legacy.get(), 0, 0)) == "t";
      }
      if (!adopt) run_script(c, m.sql);
      run(c, "INSERT INTO wighaven_schema_migrations (version, name, checksum, mode) VALUES ($1, $2, $3, $4)",
          {version.c_str(), m.name, checksum.c_str(), adopt ? "adopted" : "applied"});
      run(c, "COMMIT");
      (adopt ? report.adopted : report.applied).emplace_back(m.name);
    } catch (const std::exception& e) {
      PQclear(PQexec(c, "ROLLBACK"));
      throw std::runtime_error(std::string("migration ") + m.name + " failed: " + e.what());
    }
  }
  return report;
}

}  // namespace wh::db
