// The response cache in front of the public reads, through the real server
// on a database of its own: hits without statements, normalised keys,
// ETag/304, encodings, single flight, and invalidation of every cached read
// by changes made outside the server (the triggers of migration 0008).
#include <brotli/decode.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "cache/instances.h"
#include "server/app_state.h"
#include "support/http_client.h"
#include "support/locked_table.h"
#include "support/test_env.h"

namespace wh::test {
namespace {

using namespace std::chrono_literals;

std::string gunzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(in.size() * 20 + 1024, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

std::string unbrotli(const std::string& in) {
  std::string out(in.size() * 40 + 1024, '\0');
  std::size_t size = out.size();
  EXPECT_EQ(BrotliDecoderDecompress(in.size(), reinterpret_cast<const std::uint8_t*>(in.data()), &size,
                                    reinterpret_cast<std::uint8_t*>(out.data())),
            BROTLI_DECODER_RESULT_SUCCESS);
  out.resize(size);
  return out;
}

class ResponseCache : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = std::make_unique<ScratchDb>();
    app_ = std::make_unique<RunningApp>(test_config(db_->name()));
  }
  static void TearDownTestSuite() {
    app_.reset();
    db_.reset();
  }

  static HttpResult get(const std::string& target, const std::vector<std::pair<std::string, std::string>>& h = {}) {
    return HttpClient(app_->port()).get(target, h);
  }
  static std::string q(const std::string& statement) { return sql(db_->name(), statement); }
  static cache::ByteCache& instance(std::string_view name) { return *app_->app().state().caches.find(name); }
  // Polls `target` until `pred` holds on its body (the NOTIFY of a change
  // made outside the server arrives asynchronously); at most 1 s.
  static HttpResult eventually(const std::string& target, const std::function<bool(const std::string&)>& pred) {
    auto until = std::chrono::steady_clock::now() + 1s;
    HttpResult r;
    do {
      r = get(target);
      if (pred(r.body)) return r;
      std::this_thread::sleep_for(10ms);
    } while (std::chrono::steady_clock::now() < until);
    ADD_FAILURE() << target << " still stale after 1 s: " << r.body.substr(0, 300);
    return r;
  }
  static bool has(const std::string& body, const std::string& text) { return body.find(text) != std::string::npos; }

  static std::unique_ptr<ScratchDb> db_;
  static std::unique_ptr<RunningApp> app_;
};

std::unique_ptr<ScratchDb> ResponseCache::db_;
std::unique_ptr<RunningApp> ResponseCache::app_;

TEST_F(ResponseCache, ASecondReadIsAHitWithoutStatementsAndTheSameBytes) {
  auto first = get("/api/products?sort=price_desc&page=3");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.header("x-cache"), "MISS");
  EXPECT_GE(first.statements(), 1);
  auto second = get("/api/products?sort=price_desc&page=3");
  EXPECT_EQ(second.header("x-cache"), "HIT");
  EXPECT_EQ(second.statements(), 0);
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(second.header("etag"), first.header("etag"));
  EXPECT_EQ(second.header("vary"), "Accept-Encoding");
}

TEST_F(ResponseCache, OrderDefaultsCaseAndUnknownParametersMakeNoNewKey) {
  auto slug = q("SELECT slug FROM categories WHERE is_active ORDER BY slug LIMIT 1");
  auto first = get("/api/products?category=" + slug + "&minPrice=100&sort=price_asc");
  ASSERT_EQ(first.status, 200);
  auto entries = instance(cache::instance::kProductLists).counters().entries;
  std::string upper = slug;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& same : {"/api/products?sort=price_asc&minPrice=100.00&category=" + slug,
                                  "/api/products?SORT=x&sort=PRICE_ASC&category=" + upper + "&minPrice=0100.0&page=1",
                                  "/api/products?limit=20&inStock=false&sort=price_asc&minPrice=100&category=" + slug +
                                      "&utm_source=mail&fbclid=123"}) {
    auto r = get(same);
    EXPECT_EQ(r.header("x-cache"), "HIT") << same;
    EXPECT_EQ(r.body, first.body) << same;
  }
  for (int i = 0; i < 50; ++i)
    get("/api/products?sort=price_asc&minPrice=100&category=" + slug + "&junk" + std::to_string(i) + "=" +
        std::to_string(i));
  EXPECT_EQ(instance(cache::instance::kProductLists).counters().entries, entries)
      << "unknown parameters must not create entries";
}

TEST_F(ResponseCache, BadParametersAreTheHandlersErrorAndNotCached) {
  auto r = get("/api/products?page=0&sort=cheapest");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("\"page\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"sort\""), std::string::npos) << r.body;
  auto missing = get("/api/products/doesnotexist0000000000000");
  EXPECT_EQ(missing.status, 404);
  auto again = get("/api/products/doesnotexist0000000000000");
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.header("x-cache"), "MISS") << "a 404 is answered, never stored";
}

TEST_F(ResponseCache, IfNoneMatchAnswers304WithoutTheDatabase) {
  auto first = get("/api/categories");
  auto etag = first.header("etag");
  ASSERT_FALSE(etag.empty());
  ASSERT_EQ(etag.front(), '"') << "strong ETag";
  auto not_modified = get("/api/categories", {{"If-None-Match", etag}});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_EQ(not_modified.statements(), 0);
  EXPECT_EQ(not_modified.header("etag"), etag);
  // A weak copy (what a compressing proxy forwards) or the brotli variant also matches.
  EXPECT_EQ(get("/api/categories", {{"If-None-Match", "\"x\", W/" + etag}}).status, 304);
  auto br = get("/api/categories", {{"Accept-Encoding", "br"}});
  EXPECT_EQ(get("/api/categories", {{"If-None-Match", br.header("etag")}}).status, 304);
  EXPECT_EQ(get("/api/categories", {{"If-None-Match", "\"other\""}}).status, 200);
}

TEST_F(ResponseCache, CompressedCopiesFollowAcceptEncoding) {
  auto plain = get("/api/products");
  ASSERT_GT(plain.body.size(), 4096u);
  EXPECT_TRUE(plain.header("content-encoding").empty());
  auto gz = get("/api/products", {{"Accept-Encoding", "gzip, deflate"}});
  EXPECT_EQ(gz.header("content-encoding"), "gzip");
  EXPECT_LT(gz.body.size(), plain.body.size() / 3);
  EXPECT_EQ(gunzip(gz.body), plain.body);
  auto br = get("/api/products", {{"Accept-Encoding", "gzip, deflate, br"}});
  EXPECT_EQ(br.header("content-encoding"), "br");
  EXPECT_LT(br.body.size(), gz.body.size());
  EXPECT_EQ(unbrotli(br.body), plain.body);
  EXPECT_NE(br.header("etag"), plain.header("etag")) << "one strong ETag per representation";
  EXPECT_NE(br.header("etag"), gz.header("etag"));
  auto refused = get("/api/products", {{"Accept-Encoding", "br;q=0, gzip;q=0"}});
  EXPECT_TRUE(refused.header("content-encoding").empty());
  // Small bodies are not worth compressing.
  auto small = get("/api/currency/supported", {{"Accept-Encoding", "br"}});
  EXPECT_TRUE(small.header("content-encoding").empty());
}

TEST_F(ResponseCache, ConcurrentMissesOnOneKeyRunOneLoad) {
  const std::string target = "/api/products?sort=popular&page=2";
  std::vector<HttpResult> results(20);
  {
    // Hold the first load inside the database until every request is waiting.
    LockedTable lock(db_->name(), "order_items");
    std::vector<std::thread> clients;
    for (auto& r : results) clients.emplace_back([&] { r = get(target); });
    ASSERT_TRUE(wait_for_lock_waiter(db_->name()));
    std::this_thread::sleep_for(200ms);  // the others reach the cache
    lock.release();
    for (auto& t : clients) t.join();
  }
  int statements = 0, misses = 0;
  for (const auto& r : results) {
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, results[0].body);
    statements += r.statements();
    misses += r.header("x-cache") == "MISS";
  }
  EXPECT_EQ(statements, 1) << "one load for all";
  EXPECT_EQ(misses, 1);
}

// Every cached read, changed by SQL from outside the server.
TEST_F(ResponseCache, ProductAndVariantChangesMadeOutsideTheServerAreSeen) {
  auto id = q("SELECT id FROM products WHERE is_active ORDER BY created_at DESC, id LIMIT 1");
  auto variant = q("SELECT id FROM variants WHERE product_id = '" + id + "' AND is_active LIMIT 1");
  get("/api/products");
  get("/api/products/" + id);
  get("/api/products/" + id + "/variants");
  get("/api/variants/" + variant);
  get("/api/products/search?q=Zanzibar");
  q("UPDATE products SET name = 'Zanzibar Body Wave' WHERE id = '" + id + "'");
  eventually("/api/products", [&](const std::string& b) { return has(b, "Zanzibar Body Wave"); });
  eventually("/api/products/" + id, [&](const std::string& b) { return has(b, "Zanzibar Body Wave"); });
  eventually("/api/products/search?q=Zanzibar", [&](const std::string& b) { return has(b, "Zanzibar Body Wave"); });

  q("UPDATE variants SET stock = 4321, price = 987.65 WHERE id = '" + variant + "'");
  eventually("/api/products", [&](const std::string& b) { return has(b, "\"stock\":4321"); });
  eventually("/api/products/" + id, [&](const std::string& b) { return has(b, "\"stock\":4321"); });
  eventually("/api/products/" + id + "/variants", [&](const std::string& b) { return has(b, "987.65"); });
  eventually("/api/variants/" + variant, [&](const std::string& b) { return has(b, "987.65"); });

  q("UPDATE products SET is_active = false WHERE id = '" + id + "'");
  auto until = std::chrono::steady_clock::now() + 1s;
  while (get("/api/products/" + id).status != 404 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(get("/api/products/" + id).status, 404) << "a deactivated product disappears";
}

TEST_F(ResponseCache, CategoryBannerSettingAndRateChangesMadeOutsideTheServerAreSeen) {
  auto cat = q("SELECT id FROM categories WHERE is_active ORDER BY name LIMIT 1");
  auto product = q("SELECT id FROM products WHERE is_active AND category_id = '" + cat + "' LIMIT 1");
  get("/api/categories");
  get("/api/categories/" + cat);
  get("/api/products/categories");
  get("/api/products/" + product);
  q("UPDATE categories SET name = 'Qwerty Closures' WHERE id = '" + cat + "'");
  for (const std::string& t : std::vector<std::string>{"/api/categories", "/api/categories/" + cat,
                                                       "/api/products/categories", "/api/products/" + product}) {
    eventually(t, [&](const std::string& b) { return has(b, "Qwerty Closures"); });
  }

  get("/api/banners");
  q("INSERT INTO promotional_banners (id, title, image_url, start_date, end_date, priority, is_active, created_by, "
    "created_at, updated_at) SELECT 'bannerzz1', 'Harmattan Sale', 'https://ik.imagekit.io/x/b.jpg', "
    "now() - interval '1 day', now() + interval '1 day', 99, true, id, now(), now() FROM users "
    "WHERE role = 'admin' LIMIT 1");
  eventually("/api/banners", [&](const std::string& b) { return has(b, "Harmattan Sale"); });

  get("/api/settings/public");
  q("UPDATE system_settings SET value = 'Kumasi Wigs' WHERE key = 'siteName'");
  eventually("/api/settings/public", [&](const std::string& b) { return has(b, "Kumasi Wigs"); });

  get("/api/currency/rates");
  q("UPDATE currency_rates SET rate = 0.123456 WHERE currency = 'USD'");
  eventually("/api/currency/rates", [&](const std::string& b) { return has(b, "0.123456"); });
}

TEST_F(ResponseCache, AHitStillPassesTheMaintenanceGate) {
  ASSERT_EQ(get("/api/products?page=4").status, 200);
  ASSERT_EQ(get("/api/products?page=4").header("x-cache"), "HIT");
  q("UPDATE system_settings SET value = 'true' WHERE key = 'maintenanceMode'");
  auto until = std::chrono::steady_clock::now() + 1s;
  while (get("/api/products?page=4").status != 503 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(get("/api/products?page=4").status, 503) << "the cache answers after the maintenance stage";
}

}  // namespace
}  // namespace wh::test
