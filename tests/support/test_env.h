// Test environment set up by test.sh: a throwaway PostgreSQL with a migrated
// and seeded template database, and helpers to run the real server
// in-process against a database of the test's own.
#pragma once
#include <boost/json.hpp>
#include <memory>
#include <string>

#include "core/config.h"
#include "server/app.h"

namespace wh::test {

// postgresql://postgres@127.0.0.1:<port>/<db>
std::string db_url(const std::string& db);
std::string admin_url();
std::string template_db();
std::string catalog_db();  // read-only shared copy of the seeded template
// Runs one SQL statement (or script) on `db`; throws with the error text.
std::string sql(const std::string& db, const std::string& statement);
// Path of a file in the source tree.
std::string source_path(const std::string& relative);

// A fresh database cloned from the seeded template (or empty), dropped at
// the end of its scope.
class ScratchDb {
 public:
  explicit ScratchDb(bool from_template = true);
  ~ScratchDb();
  const std::string& name() const { return name_; }
  std::string url() const { return db_url(name_); }

 private:
  std::string name_;
};

// WH_TEST_DB_TRANSPORT=websocket is set: every database connection of the
// run goes through the WebSocket transport and one relay shared by the run
// (support/ws_pg_relay.h): test_config() (so every RunningApp and
// ChildServer) configures the server's own bridge, and db_url() answers the
// conninfo of a bridge of the test process, so pools, sql() and the
// commands a test runs use it too.
bool db_over_websocket();

// Configuration for an in-process server on a free port with query
// headers on and the access log off (and the WebSocket transport when
// db_over_websocket()).
Config test_config(const std::string& db);

// The real App, started on a free port, stopped at scope exit.
class RunningApp {
 public:
  explicit RunningApp(Config config);
  ~RunningApp();
  unsigned short port() const { return app_->port(); }
  server::App& app() { return *app_; }

 private:
  std::unique_ptr<server::App> app_;
};

}  // namespace wh::test
