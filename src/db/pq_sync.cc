#include "db/pq_sync.h"

#include <stdexcept>
#include <string>

namespace wh::db {

PgResultPtr exec_sync(PGconn* c, const char* sql, const std::vector<const char*>& params) {
  PgResultPtr r(PQexecParams(c, sql, static_cast<int>(params.size()), nullptr, params.data(), nullptr, nullptr, 0),
                &PQclear);
  auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) throw std::runtime_error(PQresultErrorMessage(r.get()));
  return r;
}

void exec_script_sync(PGconn* c, const char* sql) {
  PgResultPtr r(PQexec(c, sql), &PQclear);
  auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
    throw std::runtime_error(PQresultErrorMessage(r.get()));
  }
}

}  // namespace wh::db
