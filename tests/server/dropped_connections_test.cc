// The issue's "done when" through the real interface: a running server whose
// database terminated every connection (a restart, the pooler, Neon
// suspending the compute) answers the next 10 reads and 3 writes without an
// error.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/test_env.h"

namespace wh {
namespace {
using namespace std::chrono_literals;

int backends(const std::string& db) {
  return std::stoi(test::sql(db,
                             "SELECT count(*) FROM pg_stat_activity"
                             " WHERE datname = current_database() AND pid <> pg_backend_pid()"));
}

TEST(DroppedConnectionsTest, AServerAnswersTheNextReadsAndWritesAfterTheDatabaseDroppedThemAll) {
  test::ScratchDb db;
  Config config = test::test_config(db.name());
  config.db_pool_size = 4;
  test::RunningApp app(config);

  // Warm the pool: parallel reads open several connections.
  std::vector<std::thread> warm;
  for (int i = 0; i < 6; ++i) {
    warm.emplace_back([&app, i] {
      test::HttpClient client(app.port());
      EXPECT_EQ(client.get("/api/products?page=" + std::to_string(i + 1)).status, 200);
    });
  }
  for (auto& t : warm) t.join();
  ASSERT_GE(backends(db.name()), 2) << "the pool and the listener hold connections";

  const std::string killed = test::sql(db.name(),
                                       "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                       " WHERE datname = current_database() AND pid <> pg_backend_pid()");
  ASSERT_GE(std::stoi(killed), 2);
  std::this_thread::sleep_for(100ms);  // the server's sockets now hold EOFs

  test::HttpClient client(app.port());
  for (int i = 0; i < 10; ++i) {
    auto r = client.get("/api/products?page=" + std::to_string(i + 1) + "&limit=5");
    EXPECT_EQ(r.status, 200) << "read " << i << ": " << r.body;
  }
  for (int i = 0; i < 3; ++i) {
    std::string email = "after-drop-" + std::to_string(i) + "@example.com";
    auto r = client.request(
        "POST", "/api/auth/register",
        R"({"email":")" + email + R"(","password":"Customer@123","firstName":"Ama","lastName":"Mensah"})");
    EXPECT_EQ(r.status, 201) << "write " << i << ": " << r.body;
  }
  EXPECT_EQ(test::sql(db.name(), "SELECT count(*) FROM users WHERE email LIKE 'after-drop-%'"), "3");
}

}  // namespace
}  // namespace wh
