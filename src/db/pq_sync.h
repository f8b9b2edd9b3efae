// Blocking statements on a raw libpq connection, for the command-line paths
// (migrations) that run before or outside the event loop. Errors throw
// std::runtime_error with the server's message.
#pragma once
#include <libpq-fe.h>

#include <memory>
#include <vector>

namespace wh::db {

using PgResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// One parameterised statement (extended protocol, text values).
PgResultPtr exec_sync(PGconn* c, const char* sql, const std::vector<const char*>& params = {});
// A multi-statement script (simple-query protocol).
void exec_script_sync(PGconn* c, const char* sql);

}  // namespace wh::db
