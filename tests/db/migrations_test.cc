#include "db/migrations.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/test_env.h"

namespace wh::db {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot open " << path << " (is WH_SOURCE_DIR set?)";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> names_from(std::size_t first) {
  std::vector<std::string> out;
  const auto& all = embedded_migrations();
  for (std::size_t i = first; i < all.size(); ++i) out.emplace_back(all[i].name);
  return out;
}

// A database as the old backend's `prisma db push` leaves it: its tables and
// data (0001 + the legacy fixture) but no `_prisma_migrations`.
void make_db_push_database(const std::string& db) {
  test::sql(db, embedded_migrations()[0].sql);
  test::sql(db, read_file(test::source_path("tests/fixtures/prisma_legacy.sql")));
  test::sql(db, "DROP TABLE \"_prisma_migrations\"");
}

bool has_migration_table(const std::string& db) {
  return test::sql(db, "SELECT to_regclass('public.wighaven_schema_migrations') IS NOT NULL") == "t";
}

int public_tables(const std::string& db) {
  return std::stoi(test::sql(db,
                             "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                             " AND table_type = 'BASE TABLE'"));
}

// Runs the real `wighaven migrate` on `db`; output is stdout and stderr.
struct CliRun {
  int exit_code = -1;
  std::string output;
};
CliRun run_cli_migrate(const std::string& db) {
  const char* bin = std::getenv("WH_TEST_BINARY");
  if (bin == nullptr || *bin == '\0') {
    ADD_FAILURE() << "WH_TEST_BINARY is not set: run the tests via ./test.sh";
    return {};
  }
  std::string cmd = "DIRECT_URL= DATABASE_URL='" + test::db_url(db) + "' '" + bin + "' migrate 2>&1";
  CliRun run;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    ADD_FAILURE() << "popen failed";
    return run;
  }
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) run.output.append(buf, n);
  int status = pclose(p);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// Expects migrate() to refuse `db` naming every one of `named`, and the
// database to be exactly as before (`tables` tables, no bookkeeping).
void expect_refused(const std::string& db, const std::vector<std::string>& named, int tables) {
  try {
    migrate(test::db_url(db));
    ADD_FAILURE() << "the database was migrated instead of refused";
  } catch (const std::runtime_error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("refusing to migrate"), std::string::npos) << m;
    for (const auto& n : named)
      EXPECT_NE(m.find(n), std::string::npos) << "the refusal does not name " << n << ": " << m;
  }
  EXPECT_FALSE(has_migration_table(db)) << "a refused database was written to";
  EXPECT_EQ(public_tables(db), tables) << "a refused database gained or lost tables";
  EXPECT_EQ(test::sql(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'wh_reference_base'"), "0");
}

int model_tables(const std::string& db) {
  return std::stoi(test::sql(db,
                             "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                             " AND table_type = 'BASE TABLE'"
                             " AND table_name NOT IN ('wighaven_schema_migrations', '_prisma_migrations')"
                             " AND table_name NOT LIKE 'wh\\_%'"));  // our own (0009: outbox, leases)
}

TEST(MigrationsTest, EmbeddedMigrationsAreOrderedAndNamed) {
  const auto& all = embedded_migrations();
  ASSERT_GE(all.size(), 4u);
  EXPECT_EQ(all[0].version, 1);
  EXPECT_STREQ(all[0].name, "0001_base_schema");
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i) + 1) << all[i].name;
    EXPECT_GT(std::string(all[i].sql).size(), 0u) << all[i].name;
  }
}

TEST(MigrationsTest, FreshDatabaseGetsEveryMigrationOnce) {
  test::ScratchDb scratch(false);
  const auto n = embedded_migrations().size();

  MigrationReport first = migrate(scratch.url());
  EXPECT_EQ(first.applied, names_from(0));
  EXPECT_TRUE(first.adopted.empty());
  EXPECT_EQ(first.already, 0);

  MigrationReport second = migrate(scratch.url());
  EXPECT_TRUE(second.applied.empty());
  EXPECT_TRUE(second.adopted.empty());
  EXPECT_EQ(second.already, static_cast<int>(n));

  EXPECT_EQ(model_tables(scratch.name()), 35);
  EXPECT_EQ(test::sql(scratch.name(), "SELECT count(*) FROM wighaven_schema_migrations WHERE mode = 'applied'"),
            std::to_string(n));
  EXPECT_EQ(test::sql(scratch.name(), "SELECT min(length(checksum)) FROM wighaven_schema_migrations"), "64");
  EXPECT_EQ(test::sql(scratch.name(), "SELECT name FROM wighaven_schema_migrations WHERE version = 1"),
            "0001_base_schema");
  // Objects of the later migrations exist too.
  EXPECT_EQ(test::sql(scratch.name(),
                      "SELECT count(*) FROM information_schema.columns WHERE table_name = 'variants'"
                      " AND column_name = 'reserved_stock'"),
            "1");
  EXPECT_EQ(test::sql(scratch.name(), "SELECT wh_money(450.50::numeric)"), "450.5");
}

TEST(MigrationsTest, AFailingMigrationRollsBackAndIsNotRecorded) {
  test::ScratchDb scratch(false);
  std::vector<Migration> ms = {
      {1, "0001_ok", "CREATE TABLE ok_table (id int)"},
      {2, "0002_broken", "CREATE TABLE half_done (id int); SELECT no_such_function();"},
  };
  try {
    migrate(scratch.url(), ms);
    ADD_FAILURE() << "a broken migration was reported as applied";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("0002_broken"), std::string::npos) << e.what();
  }
  EXPECT_EQ(test::sql(scratch.name(), "SELECT string_agg(version::text, ',') FROM wighaven_schema_migrations"), "1");
  EXPECT_EQ(test::sql(scratch.name(), "SELECT to_regclass('public.half_done') IS NULL"), "t")
      << "the failed migration's first statement was not rolled back";
  EXPECT_EQ(test::sql(scratch.name(), "SELECT to_regclass('public.ok_table') IS NOT NULL"), "t");
}

TEST(MigrationsTest, ConcurrentRunnersApplyEachMigrationOnce) {
  test::ScratchDb scratch(false);
  constexpr int kRunners = 3;
  std::vector<MigrationReport> reports(kRunners);
  std::vector<std::string> errors(kRunners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRunners; ++i) {
    threads.emplace_back([&, i] {
      try {
        reports[i] = migrate(scratch.url());
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  std::size_t applied = 0;
  for (int i = 0; i < kRunners; ++i) {
    EXPECT_EQ(errors[i], "") << "runner " << i;
    applied += reports[i].applied.size();
  }
  EXPECT_EQ(applied, embedded_migrations().size());
  EXPECT_EQ(model_tables(scratch.name()), 35);
}

TEST(MigrationsTest, LegacyPrismaDatabaseIsAdopted) {
  test::ScratchDb scratch(false);
  // What the old backend left behind: its schema, _prisma_migrations and data.
  test::sql(scratch.name(), embedded_migrations()[0].sql);
  test::sql(scratch.name(), read_file(test::source_path("tests/fixtures/prisma_legacy.sql")));
  ASSERT_EQ(test::sql(scratch.name(), "SELECT to_regclass('public.wighaven_schema_migrations') IS NULL"), "t");
  ASSERT_EQ(test::sql(scratch.name(),
                      "SELECT count(*) FROM information_schema.columns WHERE table_name = 'variants'"
                      " AND column_name = 'reserved_stock'"),
            "0");

  MigrationReport r = migrate(scratch.url());
  EXPECT_EQ(r.adopted, std::vector<std::string>{"0001_base_schema"});
  EXPECT_EQ(r.applied, names_from(1));
  EXPECT_EQ(r.already, 0);
  EXPECT_EQ(r.adopted_from, "prisma migrate");
  EXPECT_TRUE(r.differences.empty()) << r.differences.front();

  // Legacy rows are intact.
  EXPECT_EQ(test::sql(scratch.name(), "SELECT password FROM users WHERE email = 'legacy.customer@example.com'"),
            "$2a$10$LegacySaltWigHaven012u/zCExC6RhKfvoUke93uL3MPDmk6bq0W");
  EXPECT_EQ(test::sql(scratch.name(), "SELECT count(*) FROM users"), "1");
  EXPECT_EQ(
      test::sql(scratch.name(), "SELECT name || '|' || base_price FROM products WHERE id = 'ckleg0000prd000000000001'"),
      "Brazilian Body Wave Lace Front|1250.00");
  EXPECT_EQ(test::sql(scratch.name(),
                      "SELECT sku || '|' || stock || '|' || reserved_stock FROM variants"
                      " WHERE id = 'ckleg0000var000000000001'"),
            "BBW-LF-18-NAT|7|0");
  EXPECT_EQ(test::sql(scratch.name(), "SELECT count(*) FROM _prisma_migrations"), "11");
  EXPECT_EQ(test::sql(scratch.name(), "SELECT mode FROM wighaven_schema_migrations WHERE version = 1"), "adopted");
  EXPECT_EQ(test::sql(scratch.name(),
                      "SELECT count(*) FROM wighaven_schema_migrations WHERE version > 1 AND mode = 'applied'"),
            std::to_string(embedded_migrations().size() - 1));
  EXPECT_EQ(model_tables(scratch.name()), 35);

  // And a second run is a no-op.
  MigrationReport again = migrate(scratch.url());
  EXPECT_TRUE(again.applied.empty());
  EXPECT_TRUE(again.adopted.empty());
  EXPECT_EQ(again.already, static_cast<int>(embedded_migrations().size()));
}

TEST(MigrationsTest, DbPushDatabaseIsAdoptedAndMigrateIsIdempotent) {
  test::ScratchDb scratch(false);
  make_db_push_database(scratch.name());
  ASSERT_FALSE(has_migration_table(scratch.name()));

  MigrationReport r = migrate(scratch.url());
  EXPECT_EQ(r.adopted, std::vector<std::string>{"0001_base_schema"});
  EXPECT_EQ(r.applied, names_from(1));
  EXPECT_EQ(r.already, 0);
  EXPECT_EQ(r.adopted_from, "prisma db push");
  EXPECT_TRUE(r.differences.empty()) << r.differences.front();
  EXPECT_EQ(test::sql(scratch.name(), "SELECT mode FROM wighaven_schema_migrations WHERE version = 1"), "adopted");
  EXPECT_EQ(model_tables(scratch.name()), 35);
  EXPECT_EQ(test::sql(scratch.name(), "SELECT email FROM users"), "legacy.customer@example.com");
  EXPECT_EQ(test::sql(scratch.name(), "SELECT stock || '|' || reserved_stock FROM variants"), "7|0");

  MigrationReport again = migrate(scratch.url());
  EXPECT_TRUE(again.applied.empty());
  EXPECT_TRUE(again.adopted.empty());
  EXPECT_TRUE(again.differences.empty());
  EXPECT_EQ(again.already, static_cast<int>(embedded_migrations().size()));
}

TEST(MigrationsTest, DbPushDatabaseWithDifferencesIsAdoptedAndTheCliReportsThem) {
  test::ScratchDb scratch(false);
  make_db_push_database(scratch.name());
  test::sql(scratch.name(), "DROP INDEX \"users_role_idx\"");
  test::sql(scratch.name(), "ALTER TABLE \"users\" ALTER COLUMN \"phone\" TYPE TEXT");

  CliRun first = run_cli_migrate(scratch.name());
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("adopted 0001_base_schema (existing WigHaven schema made by prisma db push)"),
            std::string::npos)
      << first.output;
  EXPECT_NE(first.output.find("warning: index users_role_idx is missing"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("warning: column users.phone is text, expected character varying(20)"), std::string::npos)
      << first.output;
  EXPECT_NE(first.output.find("differs from 0001_base_schema in 2 place(s)"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("applied 0002_head_columns"), std::string::npos) << first.output;
  EXPECT_EQ(test::sql(scratch.name(), "SELECT mode FROM wighaven_schema_migrations WHERE version = 1"), "adopted");
  EXPECT_EQ(test::sql(scratch.name(), "SELECT count(*) FROM wighaven_schema_migrations"),
            std::to_string(embedded_migrations().size()));

  CliRun second = run_cli_migrate(scratch.name());
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("0 applied, 0 adopted, " + std::to_string(embedded_migrations().size()) +
                               " already up to date"),
            std::string::npos)
      << second.output;
  EXPECT_EQ(second.output.find("warning"), std::string::npos) << second.output;
}

TEST(MigrationsTest, HalfCreatedSchemaIsRefusedAndLeftUnchanged) {
  test::ScratchDb scratch(false);
  test::sql(scratch.name(), embedded_migrations()[0].sql);
  test::sql(scratch.name(), "DROP TABLE \"support_messages\", \"support_tickets\" CASCADE");
  expect_refused(scratch.name(), {"incomplete", "support_messages", "support_tickets"}, 33);

  CliRun cli = run_cli_migrate(scratch.name());
  EXPECT_EQ(cli.exit_code, 1) << cli.output;
  EXPECT_NE(cli.output.find("support_tickets"), std::string::npos) << cli.output;
  EXPECT_FALSE(has_migration_table(scratch.name()));
}

TEST(MigrationsTest, PrismaHistoryWithoutItsTablesIsRefused) {
  test::ScratchDb scratch(false);
  test::sql(scratch.name(), "CREATE TABLE \"_prisma_migrations\" (id VARCHAR(36) PRIMARY KEY)");
  expect_refused(scratch.name(), {"no WigHaven schema", "_prisma_migrations"}, 1);
}

TEST(MigrationsTest, ForeignUsersTableIsRefused) {
  test::ScratchDb scratch(false);
  test::sql(scratch.name(), "CREATE TABLE users (id SERIAL PRIMARY KEY, username TEXT NOT NULL, email TEXT)");
  test::sql(scratch.name(), "INSERT INTO users (username, email) VALUES ('someone', 'someone@example.com')");
  expect_refused(scratch.name(), {"no WigHaven schema", "users (has 2 of its 15 columns"}, 1);
  EXPECT_EQ(test::sql(scratch.name(), "SELECT username FROM users"), "someone");
}

TEST(MigrationsTest, WigHavenSchemaWithAForeignTableIsRefused) {
  test::ScratchDb scratch(false);
  test::sql(scratch.name(), embedded_migrations()[0].sql);
  test::sql(scratch.name(), "DROP TABLE \"reviews\" CASCADE");
  test::sql(scratch.name(), "CREATE TABLE reviews (review_id BIGSERIAL PRIMARY KEY, body TEXT, stars SMALLINT)");
  expect_refused(scratch.name(), {"not WigHaven's", "reviews (has 0 of its 14 columns"}, 35);
}

TEST(MigrationsTest, UnrelatedTablesAreRefused) {
  test::ScratchDb scratch(false);
  test::sql(scratch.name(), "CREATE TABLE invoices (id SERIAL PRIMARY KEY, total NUMERIC)");
  test::sql(scratch.name(), "CREATE TABLE ledger_entries (id SERIAL PRIMARY KEY, amount NUMERIC)");
  expect_refused(scratch.name(), {"no WigHaven schema", "invoices", "ledger_entries"}, 2);
}

TEST(MigrationsTest, UnreachableDatabaseThrows) {
  EXPECT_THROW(migrate("postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=2"), std::runtime_error);
}

}  // namespace
}  // namespace wh::db
