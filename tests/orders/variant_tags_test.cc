// Migrations 0010 and 0014: a variants update that changes only stock or
// reserved_stock names its product only (the lists may lag by their TTL);
// any other change still names the lists. And the lists' TTL bounds that lag.
#include <gtest/gtest.h>

#include "cache/instances.h"
#include "cache/registry.h"
#include "support/test_env.h"

namespace wh::test {
namespace {

// The tags of the last recorded purge: "<names the product>,<names the lists>" as t/f.
std::string last_tags(const std::string& db, const std::string& product) {
  return sql(db, "SELECT ('product:" + product + "' = ANY(tags))::text || ',' || ('products' = ANY(tags))::text" +
                     " FROM wh_purge_outbox ORDER BY id DESC LIMIT 1");
}

TEST(MigrationOrders, StockOnlyVariantUpdateNamesTheProductNotTheLists) {
  ScratchDb db;
  auto variant = sql(db.name(), "SELECT id FROM variants WHERE is_active ORDER BY id LIMIT 1");
  auto product = sql(db.name(), "SELECT product_id FROM variants WHERE id = '" + variant + "'");
  sql(db.name(),
      "UPDATE variants SET reserved_stock = reserved_stock + 1, updated_at = now() WHERE id = '" + variant + "'");
  EXPECT_EQ(last_tags(db.name(), product), "true,false");
  sql(db.name(), "UPDATE variants SET stock = stock + 5 WHERE id = '" + variant + "'");
  EXPECT_EQ(last_tags(db.name(), product), "true,false");
  sql(db.name(), "UPDATE variants SET price = price + 1 WHERE id = '" + variant + "'");
  EXPECT_EQ(last_tags(db.name(), product), "true,true");
  sql(db.name(), "UPDATE variants SET stock = stock + 1, is_active = is_active WHERE id = '" + variant + "'");
  EXPECT_EQ(last_tags(db.name(), product), "true,false") << "a column set to its own value is no change";
}

// Migration 0014 compares named columns instead of whole rows: a column
// added to variants later must be named there, or a change of it would not
// reach the product lists.
TEST(MigrationOrders, VariantTriggerComparesEveryListColumn) {
  ScratchDb db;
  auto missing = sql(db.name(),
                     "SELECT coalesce(string_agg(column_name, ',' ORDER BY column_name), '')"
                     "  FROM information_schema.columns"
                     " WHERE table_schema = 'public' AND table_name = 'variants'"
                     "   AND column_name NOT IN ('id', 'stock', 'reserved_stock', 'updated_at')"
                     "   AND position('n.' || column_name IN"
                     "                pg_get_functiondef('wh_notify_variant_update'::regproc)) = 0");
  EXPECT_EQ(missing, "") << "columns wh_notify_variant_update does not compare";
}

TEST(MigrationOrders, ProductListsShowStockAtMostSixtySecondsOld) {
  cache::Registry registry;
  cache::register_instances(registry, Config{});
  const auto& p = registry.find(cache::instance::kProductLists)->policy();
  EXPECT_LE((p.ttl + p.stale_while_revalidate).count(), 60000);
}

}  // namespace
}  // namespace wh::test
