#include "db/migrations.h"

#include <gtest/gtest.h>

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

int model_tables(const std::string& db) {
  return std::stoi(test::sql(db,
                             "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                             " AND table_type = 'BASE TABLE'"
                             " AND table_name NOT IN ('wighaven_schema_migrations', '_prisma_migrations')"));
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

TEST(MigrationsTest, UnreachableDatabaseThrows) {
  EXPECT_THROW(migrate("postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=2"), std::runtime_error);
}

}  // namespace
}  // namespace wh::db
