// The media library (/api/admin/media...) through the real server on a
// fresh database of this suite, with ImageKit faked on loopback: the list's
// pages and filters, soft delete -> trash -> restore (row and ImageKit
// path), hard delete, batches with unknown ids, clearing the trash 100
// files a bulk call, sync, roles, and ImageKit failing leaving rows as
// they were.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "accounts/auth_test_support.h"
#include "media/media_api_fixture.h"
#include "support/fake_imagekit.h"
#include "support/http_client.h"
#include "support/test_env.h"

namespace wh::test {
namespace {
namespace json = boost::json;
using auth::Headers;
using auth::str;

class MediaLibraryApi : public MediaApi {
 protected:
  static HttpResult call(const std::string& method, const std::string& target, const std::string& body = "",
                         const std::string& bearer = admin_) {
    Headers h;
    if (!body.empty()) h.emplace_back("Content-Type", "application/json");
    if (!bearer.empty()) h.emplace_back("Authorization", "Bearer " + bearer);
    return HttpClient(port()).request(method, target, body, h);
  }

  static std::string admin_id() { return q("SELECT id FROM users WHERE email = 'admin@wighaven.local'"); }

  // A media row `id` (file `file_id` at `path`, also put at the fake
  // ImageKit unless `at_imagekit` is false).
  static void add_media(const std::string& id, const std::string& path, const std::string& type = "product",
                        const std::string& status = "active", bool at_imagekit = true,
                        const std::string& used_by = "") {
    const std::string file_id = "f_" + id;
    const std::string name = path.substr(path.rfind('/') + 1);
    q("INSERT INTO media (id, \"fileId\", \"fileName\", \"filePath\", url, type, mime_type, size, uploaded_by,"
      " used_by, usage_type, status, trashed_at, created_at, updated_at) VALUES ('" +
      id + "', '" + file_id + "', '" + name + "', '" + path + "', '" + FakeImageKit::kEndpoint + path + "', '" + type +
      "', 'image/png', 10, '" + admin_id() + "', " +
      (used_by.empty() ? "NULL, NULL" : "'" + used_by + "', 'product_image'") + ", '" + status + "', " +
      (status == "trashed" ? "now()" : "NULL") + ", now(), now())");
    if (at_imagekit) fake_->put(file_id, path);
  }
  static std::string status_of(const std::string& id) { return q("SELECT status FROM media WHERE id = '" + id + "'"); }
  static std::string path_of(const std::string& id) {
    return q("SELECT \"filePath\" FROM media WHERE id = '" + id + "'");
  }
  static long long calls_to(const std::string& method, const std::string& path) {
    long long n = 0;
    for (const auto& c : fake_->calls()) n += c.method == method && c.path == path ? 1 : 0;
    return n;
  }
};

TEST_F(MediaLibraryApi, ListPagesAndFiltersTheMediaTable) {
  add_media("lib_list_a", "/banners/libtest-a.png", "banner");
  add_media("lib_list_b", "/banners/libtest-b.png", "banner");
  add_media("lib_list_c", "/banners/libtest-c.png", "banner");
  add_media("lib_list_d", "/trashed/libtest-d.png", "banner", "trashed");
  add_media("lib_list_e", "/products/libtest-e.png", "product");

  auto r = call("GET", "/api/admin/media?type=banner&search=LIBTEST&limit=2");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json().as_object();
  EXPECT_EQ(body.at("data").as_array().size(), 2u);
  EXPECT_EQ(body.at("pagination").at("total").as_int64(), 3);
  EXPECT_EQ(body.at("pagination").at("pages").as_int64(), 2);
  EXPECT_EQ(body.at("pagination").at("limit").as_int64(), 2);
  const auto first = body.at("data").at(0).as_object();
  EXPECT_EQ(str(first.at("type")), "banner");
  EXPECT_EQ(str(first.at("status")), "active");
  EXPECT_NE(str(first.at("variants").at("card")).find("w-600"), std::string::npos) << str(first.at("url"));
  EXPECT_NE(str(first.at("thumbnailUrl")).find("w-200"), std::string::npos);
  EXPECT_EQ(str(first.at("uploader").at("email")), "admin@wighaven.local");

  auto page2 = call("GET", "/api/admin/media?type=banner&search=libtest&limit=2&page=2");
  ASSERT_EQ(page2.status, 200) << page2.body;
  EXPECT_EQ(page2.json().at("data").as_array().size(), 1u);
  EXPECT_EQ(page2.json().at("pagination").at("page").as_int64(), 2);

  auto trashed = call("GET", "/api/admin/media?search=libtest&status=trashed");
  ASSERT_EQ(trashed.status, 200) << trashed.body;
  EXPECT_EQ(trashed.json().at("pagination").at("total").as_int64(), 1);
  auto all = call("GET", "/api/admin/media?search=libtest&status=all");
  EXPECT_EQ(all.json().at("pagination").at("total").as_int64(), 5);

  EXPECT_EQ(call("GET", "/api/admin/media?limit=101").status, 400);
  EXPECT_EQ(call("GET", "/api/admin/media?type=document").status, 400);
  EXPECT_EQ(call("GET", "/api/admin/media?status=gone").status, 400);
}

TEST_F(MediaLibraryApi, SoftDeleteTrashAndRestoreRoundTrip) {
  add_media("lib_round", "/products/round.png");
  auto soft = call("DELETE", "/api/admin/media/lib_round/soft");
  ASSERT_EQ(soft.status, 200) << soft.body;
  EXPECT_EQ(str(soft.json().at("data").at("status")), "trashed");
  EXPECT_EQ(q("SELECT concat_ws('|', status, \"filePath\", trashed_by, trashed_at IS NOT NULL) FROM media"
              " WHERE id = 'lib_round'"),
            "trashed|/trashed/round.png|" + admin_id() + "|t");
  EXPECT_EQ(fake_->path_of("f_lib_round"), "/trashed/round.png");

  auto trash = call("GET", "/api/admin/media/trash?limit=100");
  ASSERT_EQ(trash.status, 200) << trash.body;
  bool listed = false;
  const auto trash_json = trash.json();
  for (const auto& m : trash_json.at("data").as_array()) listed = listed || str(m.at("id")) == "lib_round";
  EXPECT_TRUE(listed) << trash.body;

  EXPECT_EQ(call("DELETE", "/api/admin/media/lib_round/soft").status, 400) << "already in trash";

  auto restored = call("POST", "/api/admin/media/lib_round/restore");
  ASSERT_EQ(restored.status, 200) << restored.body;
  EXPECT_EQ(q("SELECT concat_ws('|', status, \"filePath\", trashed_by IS NULL, trashed_at IS NULL) FROM media"
              " WHERE id = 'lib_round'"),
            "active|/products/round.png|t|t");
  EXPECT_EQ(fake_->path_of("f_lib_round"), "/products/round.png");
  EXPECT_EQ(call("POST", "/api/admin/media/lib_round/restore").status, 400) << "not in trash";
  EXPECT_EQ(qn("SELECT count(*) FROM admin_activities WHERE entity_id = 'lib_round'"
               " AND action IN ('media.soft_delete', 'media.restore')"),
            2);
  EXPECT_EQ(call("DELETE", "/api/admin/media/nosuchmedia/soft").status, 404);
}

TEST_F(MediaLibraryApi, HardDeleteRemovesTheFile) {
  add_media("lib_hard", "/products/hard.png");
  auto r = call("DELETE", "/api/admin/media/lib_hard/hard");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(status_of("lib_hard"), "deleted");
  EXPECT_FALSE(fake_->has("f_lib_hard"));
  EXPECT_EQ(qn("SELECT count(*) FROM admin_activities WHERE entity_id = 'lib_hard' AND action = 'media.hard_delete'"),
            1);
  EXPECT_EQ(call("DELETE", "/api/admin/media/lib_hard/hard").status, 400) << "already deleted";

  // Gone at ImageKit already: the row still says so.
  add_media("lib_hard_gone", "/products/gone.png", "product", "trashed", false);
  auto gone = call("DELETE", "/api/admin/media/lib_hard_gone/hard");
  ASSERT_EQ(gone.status, 200) << gone.body;
  EXPECT_EQ(status_of("lib_hard_gone"), "deleted");

  // In use: refused, nothing sent.
  const std::string product = q("SELECT id FROM products ORDER BY id LIMIT 1");
  add_media("lib_hard_used", "/products/used.png", "product", "active", true, product);
  auto used = call("DELETE", "/api/admin/media/lib_hard_used/hard");
  EXPECT_EQ(used.status, 400) << used.body;
  EXPECT_TRUE(fake_->has("f_lib_hard_used"));
  EXPECT_EQ(status_of("lib_hard_used"), "active");
}

TEST_F(MediaLibraryApi, BatchAnswersPerId) {
  add_media("lib_batch_1", "/variants/b1.png", "variant");
  add_media("lib_batch_2", "/variants/b2.png", "variant");
  auto soft = call("DELETE", "/api/admin/media/batch",
                   R"({"ids":["lib_batch_1","lib_batch_2","lib_batch_unknown","lib_batch_1"]})");
  ASSERT_EQ(soft.status, 200) << soft.body;
  auto data = soft.json().at("data").as_object();
  EXPECT_EQ(data.at("success").as_array().size(), 2u);
  ASSERT_EQ(data.at("failed").as_array().size(), 1u);
  EXPECT_EQ(str(data.at("failed").at(0).at("id")), "lib_batch_unknown");
  EXPECT_EQ(status_of("lib_batch_1"), "trashed");
  EXPECT_EQ(fake_->path_of("f_lib_batch_2"), "/trashed/b2.png");

  auto hard = call("DELETE", "/api/admin/media/batch",
                   R"({"ids":["lib_batch_1","lib_batch_2","lib_batch_nope"],"type":"hard"})");
  ASSERT_EQ(hard.status, 200) << hard.body;
  data = hard.json().at("data").as_object();
  EXPECT_EQ(data.at("success").as_array().size(), 2u);
  EXPECT_EQ(data.at("failed").as_array().size(), 1u);
  EXPECT_EQ(status_of("lib_batch_2"), "deleted");
  EXPECT_FALSE(fake_->has("f_lib_batch_1"));

  for (const std::string bad : {R"({})", R"({"ids":[]})", R"({"ids":[1]})", R"({"ids":["a"],"type":"both"})"}) {
    EXPECT_EQ(call("DELETE", "/api/admin/media/batch", bad).status, 400) << bad;
  }
  std::string many = R"({"ids":[)";
  for (int i = 0; i < 101; ++i) many += std::string(i ? "," : "") + "\"id" + std::to_string(i) + "\"";
  EXPECT_EQ(call("DELETE", "/api/admin/media/batch", many + "]}").status, 400);
}

TEST_F(MediaLibraryApi, ClearTrashDeletesInBulkBatches) {
  const std::string admin = admin_id();
  q("INSERT INTO media (id, \"fileId\", \"fileName\", \"filePath\", url, type, mime_type, size, uploaded_by, status,"
    " trashed_at, created_at, updated_at) SELECT 'lib_clear_' || n, 'f_lib_clear_' || n, 'c' || n || '.png',"
    " '/trashed/c' || n || '.png', 'https://ik.imagekit.io/wighaven/products/c' || n || '.png', 'product',"
    " 'image/png', 1, '" +
    admin + "', 'trashed', now(), now(), now() FROM generate_series(1, 150) n");
  for (int n = 1; n <= 150; ++n) {
    if (n != 7) fake_->put("f_lib_clear_" + std::to_string(n), "/trashed/c" + std::to_string(n) + ".png");
  }
  const long long trashed = qn("SELECT count(*) FROM media WHERE status = 'trashed'");
  const long long bulk_before = calls_to("POST", "/v1/files/batch/deleteByFileIds");
  auto r = call("DELETE", "/api/admin/media/trash/clear");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("data").at("success").as_int64(), trashed);
  EXPECT_EQ(r.json().at("data").at("failed").as_int64(), 0);
  EXPECT_EQ(qn("SELECT count(*) FROM media WHERE status = 'trashed'"), 0);
  EXPECT_FALSE(fake_->has("f_lib_clear_150"));
  // Two batches of at most 100, plus one repeat of the batch where ImageKit
  // reported the missing file 7.
  EXPECT_EQ(calls_to("POST", "/v1/files/batch/deleteByFileIds") - bulk_before, (trashed + 99) / 100 + 1);

  auto again = call("DELETE", "/api/admin/media/trash/clear");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(again.json().at("message")), "Trash is already empty");
}

TEST_F(MediaLibraryApi, SyncRecordsCatalogImagesOnce) {
  const std::string product = q("SELECT id FROM products ORDER BY id LIMIT 1");
  const std::string category = q("SELECT id FROM categories ORDER BY id LIMIT 1");
  const std::string ours = std::string(FakeImageKit::kEndpoint) + "/products/sync-a.jpg";
  q("UPDATE products SET images = ARRAY['" + ours + "?v=123', 'https://other.example.com/x.jpg'] WHERE id = '" +
    product + "'");
  q("UPDATE categories SET image = '" + std::string(FakeImageKit::kEndpoint) + "/categories/sync-b.png' WHERE id = '" +
    category + "'");
  // A row uploaded earlier and now used by the product, but not marked.
  add_media("lib_sync_known", "/products/sync-known.png");
  q("UPDATE products SET images = images || ARRAY['" + std::string(FakeImageKit::kEndpoint) +
    "/products/sync-known.png'] WHERE id = '" + product + "'");

  auto r = call("POST", "/api/admin/media/sync");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GE(r.json().at("data").at("synced").as_int64(), 2);
  EXPECT_EQ(q("SELECT concat_ws('|', type, used_by, usage_type, status, \"filePath\", mime_type,"
              " \"fileId\" LIKE 'legacy_%') FROM media WHERE url = '" +
              ours + "'"),
            "product|" + product + "|product_image|active|/products/sync-a.jpg|image/jpeg|t");
  EXPECT_EQ(q("SELECT concat_ws('|', type, used_by, mime_type) FROM media WHERE url = '" +
              std::string(FakeImageKit::kEndpoint) + "/categories/sync-b.png'"),
            "category|" + category + "|image/png");
  EXPECT_EQ(qn("SELECT count(*) FROM media WHERE url LIKE 'https://other.example.com/%'"), 0);
  EXPECT_EQ(q("SELECT used_by FROM media WHERE id = 'lib_sync_known'"), product);

  const long long rows = qn("SELECT count(*) FROM media");
  auto again = call("POST", "/api/admin/media/sync");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("data").at("synced").as_int64(), 0);
  EXPECT_EQ(again.json().at("data").at("linked").as_int64(), 0);
  EXPECT_EQ(qn("SELECT count(*) FROM media"), rows);
}

TEST_F(MediaLibraryApi, OnlyAdminsMayUseTheLibrary) {
  add_media("lib_roles", "/products/roles.png");
  const std::vector<std::pair<std::string, std::string>> routes = {{"GET", "/api/admin/media"},
                                                                   {"GET", "/api/admin/media/trash"},
                                                                   {"POST", "/api/admin/media/lib_roles/restore"},
                                                                   {"DELETE", "/api/admin/media/lib_roles/soft"},
                                                                   {"DELETE", "/api/admin/media/lib_roles/hard"},
                                                                   {"DELETE", "/api/admin/media/batch"},
                                                                   {"DELETE", "/api/admin/media/trash/clear"},
                                                                   {"POST", "/api/admin/media/sync"}};
  for (const auto& [method, path] : routes) {
    EXPECT_EQ(call(method, path, method == "GET" ? "" : "{}", "").status, 401) << method << " " << path;
    EXPECT_EQ(call(method, path, method == "GET" ? "" : "{}", customer_).status, 403) << method << " " << path;
  }
  EXPECT_EQ(status_of("lib_roles"), "active");
  EXPECT_EQ(fake_->path_of("f_lib_roles"), "/products/roles.png");
}

TEST_F(MediaLibraryApi, ImageKitFailingLeavesTheRowUnchanged) {
  add_media("lib_fail", "/products/fail.png");
  fake_->fail_next({FakeImageKit::server_error()});
  auto soft = call("DELETE", "/api/admin/media/lib_fail/soft");
  EXPECT_EQ(soft.status, 503) << soft.body;
  EXPECT_EQ(auth::error_type(soft), "ServiceUnavailableError");
  EXPECT_EQ(status_of("lib_fail"), "active");
  EXPECT_EQ(path_of("lib_fail"), "/products/fail.png");

  fake_->fail_next({FakeImageKit::bad_request("Not allowed")});
  auto refused = call("DELETE", "/api/admin/media/lib_fail/hard");
  EXPECT_EQ(refused.status, 502) << refused.body;
  EXPECT_EQ(status_of("lib_fail"), "active");
  EXPECT_TRUE(fake_->has("f_lib_fail"));

  // No file at that path: 502, the row as it was.
  add_media("lib_fail_missing", "/products/missing.png", "product", "active", false);
  auto missing = call("DELETE", "/api/admin/media/lib_fail_missing/soft");
  EXPECT_EQ(missing.status, 502) << missing.body;
  EXPECT_EQ(status_of("lib_fail_missing"), "active");

  add_media("lib_fail_trashed", "/trashed/ft.png", "product", "trashed");
  fake_->fail_next({FakeImageKit::server_error()});
  EXPECT_EQ(call("POST", "/api/admin/media/lib_fail_trashed/restore").status, 503);
  EXPECT_EQ(status_of("lib_fail_trashed"), "trashed");

  fake_->fail_next({FakeImageKit::server_error()});
  auto clear = call("DELETE", "/api/admin/media/trash/clear");
  EXPECT_EQ(clear.status, 503) << clear.body;
  EXPECT_EQ(status_of("lib_fail_trashed"), "trashed");
  EXPECT_EQ(qn("SELECT count(*) FROM admin_activities WHERE entity_id LIKE 'lib_fail%'"), 0);
}

}  // namespace
}  // namespace wh::test
