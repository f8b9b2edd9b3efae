// Recognises a WigHaven schema that our migration runner did not create: one
// made by the old backend's `prisma migrate` (with `_prisma_migrations`) or by
// its `prisma db push` (tables only). The expected shape is the base
// migration itself, built in a throw-away schema inside a savepoint, so the
// check cannot drift from the SQL we would otherwise run.
#pragma once
#include <string>
#include <vector>

namespace wh::db {

class BlockingSession;

struct ExistingSchema {
  enum class Kind {
    empty,     // nothing in schema public: run the base migration
    wighaven,  // every base table is there: adopt the base migration
    refused,   // some base tables missing, or tables that are not ours
  };
  Kind kind = Kind::empty;
  bool prisma_history = false;           // `_prisma_migrations` is present
  std::vector<std::string> differences;  // columns, indexes, foreign keys missing or different (when adopted)
  std::string refusal;                   // what is wrong (when refused)
};

// Compares schema public with `base_sql`. Must run inside a transaction: the
// reference is created under a savepoint and rolled back, so nothing is
// left behind. Throws std::runtime_error on a database error.
ExistingSchema inspect_existing_schema(BlockingSession& db, const char* base_sql);

}  // namespace wh::db
