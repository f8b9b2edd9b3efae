// Versioned plain-SQL migrations (migrations/NNNN_name.sql, embedded in the
// binary) and the runner that applies them, each in its own transaction,
// recording them in `wighaven_schema_migrations`.
//
// On a database created by the old backend's Prisma migrations (it has
// `_prisma_migrations` and `users`), migration 1 (the base schema) is
// recorded as "adopted" instead of run; only our additive ones then run.
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
};

// Blocking; for the CLI and start-up. Uses pg_advisory_xact_lock so two
// instances starting at once do not both migrate. Throws std::runtime_error.
MigrationReport migrate(const std::string& url, const std::vector<Migration>& migrations = embedded_migrations());

}  // namespace wh::db
