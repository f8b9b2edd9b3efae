#include "support/test_env.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include "http/pg_ws_bridge.h"
#include "support/ws_pg_relay.h"

namespace wh::test {
namespace {

// WH_TEST_DB_TRANSPORT=websocket: the servers the tests run (test_config)
// reach the database through the WebSocket bridge and this relay, shared
// by the whole run and started on first use.
WsPgRelay& shared_relay() {
  static WsPgRelay relay;
  return relay;
}

// The tests' own connections (pools, sql(), the commands they run) in that
// mode: through a bridge of the test process to the same relay.
http::PgWebSocketBridge& shared_bridge() {
  static http::PgWebSocketBridge bridge([] {
    http::PgWebSocketOptions o;
    o.ws_url_override = shared_relay().url();
    o.ca_file = shared_relay().ca_file();
    return o;
  }());
  return bridge;
}

std::string env_or_throw(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0')
    throw std::runtime_error(std::string(name) + " is not set: run the tests via ./test.sh");
  return v;
}

std::string tcp_url(const std::string& db) {
  return "postgresql://postgres@127.0.0.1:" + env_or_throw("WH_TEST_PG_PORT") + "/" + db;
}

}  // namespace

std::string db_url(const std::string& db) {
  return db_over_websocket() ? shared_bridge().local_conninfo(tcp_url(db)) : tcp_url(db);
}
std::string admin_url() { return db_url("postgres"); }

bool db_over_websocket() {
  const char* v = std::getenv("WH_TEST_DB_TRANSPORT");
  return v != nullptr && std::string(v) == "websocket";
}
std::string template_db() { return env_or_throw("WH_TEST_TEMPLATE_DB"); }
std::string catalog_db() { return env_or_throw("WH_TEST_CATALOG_DB"); }

std::string source_path(const std::string& relative) {
  const char* root = std::getenv("WH_SOURCE_DIR");
  return std::string(root ? root : ".") + "/" + relative;
}

std::string sql(const std::string& db, const std::string& statement) {
  PGconn* c = PQconnectdb(db_url(db).c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string e = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error(e);
  }
  PGresult* r = PQexec(c, statement.c_str());
  auto st = PQresultStatus(r);
  std::string out;
  if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0) out = PQgetvalue(r, 0, 0);
  std::string err = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) throw std::runtime_error(err);
  return out;
}

ScratchDb::ScratchDb(bool from_template) {
  static std::atomic<int> counter{0};
  name_ = "wh_t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  sql("postgres", "CREATE DATABASE " + name_ + (from_template ? " TEMPLATE " + template_db() : std::string()));
}

ScratchDb::~ScratchDb() {
  try {
    sql("postgres", "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
  }
}

Config test_config(const std::string& db) {
  Config c;
  c.host = "127.0.0.1";
  c.port = 0;
  c.threads = 2;
  c.database_url = tcp_url(db);  // routed by the server itself (below)
  c.db_pool_size = 4;
  c.debug_headers = true;
  c.access_log = false;
  c.shutdown_grace = std::chrono::seconds(5);
  c.jwt_secret = "test-secret-0123456789-0123456789-0123456789";
  c.currency_api_url.clear();       // no test reaches the real provider; currency tests point it at a fake
  c.cloudflare_purge_mode = "off";  // no purge worker; the purge tests turn it on against a fake API
  c.jobs_enabled = false;           // no background job; the job and currency tests turn them on
  if (db_over_websocket()) {
    c.database_transport = "websocket";
    c.database_ws_url = shared_relay().url();
    c.database_ws_ca_file = shared_relay().ca_file();
  }
  return c;
}

RunningApp::RunningApp(Config config) : app_(std::make_unique<server::App>(std::move(config))) { app_->start(); }
RunningApp::~RunningApp() { app_->stop(); }

}  // namespace wh::test
