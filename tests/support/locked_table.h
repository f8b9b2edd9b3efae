// Holding a table locked from a session of the test's own, to keep a request
// of the server under test waiting inside the database.
#pragma once
#include <libpq-fe.h>

#include <string>

namespace wh::test {

// Holds an ACCESS EXCLUSIVE lock on `table` of database `db` in its own
// session until release() or the end of its scope.
class LockedTable {
 public:
  LockedTable(const std::string& db, const std::string& table);
  ~LockedTable();
  LockedTable(const LockedTable&) = delete;
  LockedTable& operator=(const LockedTable&) = delete;

  // Commits, which releases the lock, and closes the session.
  void release();

 private:
  void exec(const std::string& statement);
  PGconn* conn_;
};

// Waits (up to about five seconds) until some backend of `db` is blocked on
// a lock; false when none was.
bool wait_for_lock_waiter(const std::string& db);

}  // namespace wh::test
