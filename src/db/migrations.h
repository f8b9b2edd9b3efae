// Versioned plain-SQL migrations (migrations/NNNN_name.sql, embedded in the
// binary) and the runner that applies them, each in its own transaction,
// recording them in `wighaven_schema_migrations`.
//
// A database that already holds the WigHaven schema without our records
// (made by the old backend's `prisma migrate` or `prisma db push`) is
// recognised by its tables and columns: migration 1 (the base schema) is
// recorded as "adopted" instead of run, and only our additive ones run. A
// non-empty database whose schema is incomplete or not ours is refused
// before anything is written.
#pragma once
#include <string>
#include <vector>

namespace wh::db {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& embedded_migrations();

struct MigrationReport {
  std::vector<std::string> applied;  // names run now
  std::vector<std::string> adopted;  // names recorded without running
  int already = 0;                   // previously applied
  // When adopting: how the existing schema differs from the base migration
  // (columns, indexes, foreign keys missing or different), one line each.
  std::vector<std::string> differences;
  std::string adopted_from;  // "prisma migrate" or "prisma db push" when adopting
};

// Blocking; for the CLI and start-up. Uses pg_advisory_xact_lock so two
// instances starting at once do not both migrate. Throws std::runtime_error,
// also when the database is refused (the message says what is wrong; the
// database is then left unchanged).
MigrationReport migrate(const std::string& url, const std::vector<Migration>& migrations = embedded_migrations());

}  // namespace wh::db
