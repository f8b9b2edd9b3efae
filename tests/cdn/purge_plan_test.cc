// Planning purge calls from outbox rows: deduplication, the per-call limit,
// which call completes each row, `catalog` covering the catalog tags, the
// collapse when calls are short, URL mode and refused tags.
#include "cdn/purge_plan.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

namespace wh::cdn {
namespace {

using Rows = std::vector<std::vector<std::string>>;

std::vector<std::string> body_items(const PurgeCall& call, const char* key) {
  std::vector<std::string> out;
  auto v = boost::json::parse(call.body);
  for (const auto& i : v.at(key).as_array()) out.emplace_back(i.as_string());
  return out;
}

TEST(PurgePlan, DeduplicatesAcrossRowsAndSplitsAtTheItemLimit) {
  Rows rows;
  for (int i = 0; i < 250; ++i) rows.push_back({"products", "product:p" + std::to_string(i)});
  PlanOptions o;
  o.max_items = 100;
  auto plan = plan_purge(rows, o);
  ASSERT_EQ(plan.calls.size(), 3u);  // 251 distinct tags
  std::set<std::string> all;
  for (const auto& call : plan.calls) {
    EXPECT_LE(call.items.size(), 100u);
    EXPECT_EQ(body_items(call, "tags"), call.items);
    all.insert(call.items.begin(), call.items.end());
  }
  EXPECT_EQ(all.size(), 251u);
  EXPECT_EQ(plan.row_needs[0], 0);
  EXPECT_EQ(plan.row_needs[98], 0);  // products + p0..p98 fill the first call
  EXPECT_EQ(plan.row_needs[99], 1);
  EXPECT_EQ(plan.row_needs[249], 2);
  EXPECT_FALSE(plan.collapsed);
}

TEST(PurgePlan, ARowSpanningCallsNeedsTheLastOfThem) {
  Rows rows{{"a", "b", "c"}, {"b"}};
  PlanOptions o;
  o.max_items = 2;
  auto plan = plan_purge(rows, o);
  ASSERT_EQ(plan.calls.size(), 2u);
  EXPECT_EQ(plan.row_needs, (std::vector<int>{1, 0}));
  EXPECT_EQ(plan.tag_needs, (std::vector<std::vector<int>>{{0, 0, 1}, {0}}));
}

TEST(PurgePlan, CatalogCoversTheCatalogTagsButNotTheOthers) {
  Rows rows{{"product:a", "products"}, {"catalog"}, {"banners", "category:c"}};
  auto plan = plan_purge(rows, PlanOptions{});
  ASSERT_EQ(plan.calls.size(), 1u);
  EXPECT_EQ(plan.calls[0].items, (std::vector<std::string>{"catalog", "banners"}));
  EXPECT_EQ(plan.row_needs, (std::vector<int>{0, 0, 0}));
}

TEST(PurgePlan, CollapsesToCatalogOnlyWhenShortOfCalls) {
  Rows rows;
  for (int i = 0; i < 150; ++i) rows.push_back({"product:p" + std::to_string(i)});
  rows.push_back({"settings"});
  PlanOptions o;
  o.calls_available = 2;
  EXPECT_EQ(plan_purge(rows, o).calls.size(), 2u) << "enough calls: precise tags";
  o.calls_available = 1;
  auto plan = plan_purge(rows, o);
  EXPECT_TRUE(plan.collapsed);
  ASSERT_EQ(plan.calls.size(), 1u);
  EXPECT_EQ(plan.calls[0].items, (std::vector<std::string>{"catalog", "settings"}));
  o.collapse = false;
  EXPECT_EQ(plan_purge(rows, o).calls.size(), 2u) << "collapse off";
}

TEST(PurgePlan, RefusedTagsAreDroppedAndARowOfOnlyThoseNeedsNothing) {
  Rows rows{{"has space", std::string(1025, 'x'), "ok"}, {"caf\xc3\xa9", ""}};
  auto plan = plan_purge(rows, PlanOptions{});
  ASSERT_EQ(plan.calls.size(), 1u);
  EXPECT_EQ(plan.calls[0].items, (std::vector<std::string>{"ok"}));
  EXPECT_EQ(plan.row_needs, (std::vector<int>{0, -1}));
  EXPECT_EQ(plan.tag_needs, (std::vector<std::vector<int>>{{-1, -1, 0}, {-1, -1}}));
  EXPECT_EQ(plan.invalid.size(), 4u);
  EXPECT_TRUE(valid_tag(std::string(1024, 'x')));
}

TEST(PurgePlan, UrlModeNamesThePublicUrlsWithoutQueries) {
  PlanOptions o;
  o.mode = PurgeMode::urls;
  o.public_base_url = "https://api.example.com/";
  auto plan = plan_purge(Rows{{"product:c1", "products"}, {"category:k 1", "unknown"}}, o);
  ASSERT_EQ(plan.calls.size(), 1u);
  std::set<std::string> urls(plan.calls[0].items.begin(), plan.calls[0].items.end());
  EXPECT_EQ(urls, (std::set<std::string>{
                      "https://api.example.com/api/products/c1", "https://api.example.com/api/products/c1/variants",
                      "https://api.example.com/api/products", "https://api.example.com/api/products/categories"}));
  EXPECT_EQ(body_items(plan.calls[0], "files").size(), 4u);
  EXPECT_EQ(plan.unmapped, (std::vector<std::string>{"unknown"}));
  EXPECT_EQ(plan.invalid, (std::vector<std::string>{"category:k 1"}));
  EXPECT_EQ(tag_urls("category:a/b", "https://x"), (std::vector<std::string>{"https://x/api/categories/a%2Fb"}));
}

TEST(PurgePlan, UrlModePurgesEverythingForTheWholeCatalog) {
  PlanOptions o;
  o.mode = PurgeMode::urls;
  o.public_base_url = "https://api.example.com";
  auto plan = plan_purge(Rows{{"banners"}, {"catalog"}, {"bogus"}}, o);
  ASSERT_EQ(plan.calls.size(), 1u);
  EXPECT_TRUE(plan.calls[0].everything);
  EXPECT_EQ(boost::json::parse(plan.calls[0].body), boost::json::parse(R"({"purge_everything":true})"));
  EXPECT_EQ(plan.row_needs, (std::vector<int>{0, 0, -1}));
}

}  // namespace
}  // namespace wh::cdn
