#include "support/locked_table.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/test_env.h"

namespace wh::test {

LockedTable::LockedTable(const std::string& db, const std::string& table) : conn_(PQconnectdb(db_url(db).c_str())) {
  EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
  exec("BEGIN");
  exec("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
}

LockedTable::~LockedTable() { release(); }

void LockedTable::release() {
  if (conn_ == nullptr) return;
  exec("COMMIT");
  PQfinish(conn_);
  conn_ = nullptr;
}

void LockedTable::exec(const std::string& statement) {
  PGresult* r = PQexec(conn_, statement.c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << statement << ": " << PQresultErrorMessage(r);
  PQclear(r);
}

bool wait_for_lock_waiter(const std::string& db) {
  for (int i = 0; i < 500; ++i) {
    if (sql("postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db + "' AND wait_event_type = 'Lock'") != "0") {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace wh::test
