// The super admin's ImageKit manager (/api/super-admin/imagekit...) through
// the real server on a fresh database of this suite, with ImageKit faked on
// loopback: what each route sends to ImageKit and answers, the activity it
// records, media rows marked deleted with their files and folders, bad
// input refused before ImageKit is called, the super-admin-only guard, and
// ImageKit's failures.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

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

const std::string kBase = "/api/super-admin/imagekit";

class ImageKitManagerApi : public MediaApi {
 protected:
  // `path` under kBase; `body` sent as JSON text when not empty.
  static HttpResult call(const std::string& method, const std::string& path, const std::string& body = "",
                         const std::string& bearer = super_) {
    Headers h;
    if (!body.empty()) h.emplace_back("Content-Type", "application/json");
    if (!bearer.empty()) h.emplace_back("Authorization", "Bearer " + bearer);
    return HttpClient(port()).request(method, kBase + path, body, h);
  }
  static HttpResult call(const std::string& method, const std::string& path, const json::object& body) {
    return call(method, path, json::serialize(body));
  }

  static long long activities(const std::string& action, const std::string& entity_id) {
    return qn("SELECT count(*) FROM admin_activities WHERE action = " + auth::sql_quote(action) +
              " AND entity_id = " + auth::sql_quote(entity_id) +
              " AND admin_id = (SELECT id FROM users WHERE email = 'super@wighaven.local')");
  }
  // An active media row for the ImageKit file `file_id` at `path`.
  static void media_row(const std::string& id, const std::string& file_id, const std::string& path) {
    q("INSERT INTO media (id, \"fileId\", \"fileName\", \"filePath\", url, type, mime_type, size, uploaded_by, "
      "status, created_at, updated_at) VALUES (" +
      auth::sql_quote(id) + ", " + auth::sql_quote(file_id) + ", 'x.png', " + auth::sql_quote(path) + ", " +
      auth::sql_quote(std::string(FakeImageKit::kEndpoint) + path) +
      ", 'product', 'image/png', 1, (SELECT id FROM users WHERE email = 'super@wighaven.local'), 'active', now(), "
      "now())");
  }
  static std::string media_status(const std::string& id) {
    return q("SELECT status FROM media WHERE id = " + auth::sql_quote(id));
  }
};

TEST_F(ImageKitManagerApi, ListsFilesAndFolders) {
  fake_->put("lst1", "/list-a/one.png", "hello");
  fake_->put("lst2", "/list-a/two.png");
  fake_->put_folder("/list-a/inner");

  auto r = call("GET", "/files?path=/list-a");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json().as_object();
  EXPECT_TRUE(body.at("success").as_bool());
  EXPECT_EQ(body.at("count").as_int64(), 3);
  EXPECT_EQ(str(body.at("path")), "/list-a");
  const auto& data = body.at("data").as_array();
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(str(data[0].at("type")), "folder");
  EXPECT_EQ(str(data[0].at("folderPath")), "/list-a/inner");
  EXPECT_EQ(str(data[0].at("name")), "inner");
  EXPECT_FALSE(str(data[0].at("folderId")).empty());
  EXPECT_EQ(str(data[1].at("type")), "file");
  EXPECT_EQ(str(data[1].at("fileId")), "lst1");
  EXPECT_EQ(str(data[1].at("filePath")), "/list-a/one.png");
  EXPECT_EQ(str(data[1].at("url")), std::string(FakeImageKit::kEndpoint) + "/list-a/one.png");
  EXPECT_EQ(str(data[1].at("thumbnail")),
            std::string(FakeImageKit::kEndpoint) + "/tr:n-ik_ml_thumbnail/list-a/one.png");
  EXPECT_EQ(data[1].at("thumbnailUrl"), data[1].at("thumbnail")) << "the name the old admin page reads";
  EXPECT_EQ(str(data[1].at("mime")), "image/png");
  EXPECT_EQ(str(data[1].at("fileType")), "image");
  EXPECT_EQ(data[1].at("size").as_int64(), 5);
  EXPECT_EQ(data[1].at("width").as_int64(), 1);
  EXPECT_EQ(str(data[1].at("createdAt")), "2025-01-02T03:04:05.678Z");

  auto sent = fake_->calls().back();
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.route, "/v1/files");
  EXPECT_EQ(sent.query.at("path"), "/list-a");
  EXPECT_EQ(sent.query.at("type"), "all") << "files and folders, as the old backend listed them";
  EXPECT_EQ(sent.query.at("skip"), "0");
  EXPECT_EQ(sent.query.at("limit"), "100");

  // A page of files only, and a search (URL-encoded `name : "two"`).
  auto page = call("GET", "/files?path=/list-a&type=file&skip=1&limit=1");
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_EQ(page.json().at("count").as_int64(), 1);
  EXPECT_EQ(str(page.json().at("data").at(0).at("fileId")), "lst2");
  sent = fake_->calls().back();
  EXPECT_EQ(sent.query.at("type"), "file");
  EXPECT_EQ(sent.query.at("skip"), "1");
  EXPECT_EQ(sent.query.at("limit"), "1");
  auto found = call("GET", "/files?path=%2Flist-a&searchQuery=name%20%3A%20%22two%22");
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_EQ(found.json().at("count").as_int64(), 1);
  EXPECT_EQ(str(found.json().at("data").at(0).at("name")), "two.png");
  EXPECT_EQ(fake_->calls().back().query.at("searchQuery"), R"(name : "two")");

  // The root by default.
  auto root = call("GET", "/files");
  ASSERT_EQ(root.status, 200) << root.body;
  EXPECT_EQ(str(root.json().at("path")), "/");
  EXPECT_EQ(fake_->calls().back().query.at("path"), "/");
}

TEST_F(ImageKitManagerApi, FileDetails) {
  fake_->put("det1", "/det/x.png", "hello");
  auto r = call("GET", "/files/det1");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto data = r.json().at("data").as_object();
  EXPECT_EQ(str(data.at("fileId")), "det1");
  EXPECT_EQ(str(data.at("filePath")), "/det/x.png");
  EXPECT_EQ(str(data.at("type")), "file");
  EXPECT_EQ(data.at("size").as_int64(), 5);
  EXPECT_EQ(fake_->calls().back().path, "/v1/files/det1/details");

  auto missing = call("GET", "/files/nosuchfile");
  EXPECT_EQ(missing.status, 404) << missing.body;
}

TEST_F(ImageKitManagerApi, CreatesAndDeletesFolders) {
  auto r = call("POST", "/folders", json::object{{"folderName", "Summer 2025"}, {"parentFolderPath", "/fold"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json().at("message")), "Folder 'Summer 2025' created successfully");
  EXPECT_TRUE(fake_->has_folder("/fold/Summer_2025"));
  auto sent = fake_->calls().back();
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.path, "/v1/folder");
  EXPECT_EQ(json::parse(sent.body), json::parse(R"({"folderName":"Summer 2025","parentFolderPath":"/fold"})"));
  EXPECT_EQ(activities("imagekit_folder.create", "/fold/Summer 2025"), 1);

  // The parent defaults to the root.
  auto top = call("POST", "/folders", json::object{{"folderName", "toplevel"}});
  ASSERT_EQ(top.status, 200) << top.body;
  EXPECT_TRUE(fake_->has_folder("/toplevel"));
  EXPECT_EQ(json::parse(fake_->calls().back().body).at("parentFolderPath"), "/");

  // Deleting a folder deletes its files at ImageKit: their media rows too.
  fake_->put("fold1", "/fold/Summer_2025/a.png");
  media_row("mfold1", "fold1", "/fold/Summer_2025/a.png");
  media_row("mfold2", "elsewhere1", "/folder-other/b.png");
  auto del = call("DELETE", "/folders", json::object{{"folderPath", "/fold"}});
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(str(del.json().at("message")), "Folder '/fold' deleted successfully");
  EXPECT_FALSE(fake_->has_folder("/fold"));
  EXPECT_FALSE(fake_->has("fold1"));
  sent = fake_->calls().back();
  EXPECT_EQ(sent.method, "DELETE");
  EXPECT_EQ(sent.path, "/v1/folder");
  EXPECT_EQ(json::parse(sent.body), json::parse(R"({"folderPath":"/fold"})"));
  EXPECT_EQ(media_status("mfold1"), "deleted");
  EXPECT_EQ(media_status("mfold2"), "active") << "a path that only starts alike";
  EXPECT_EQ(activities("imagekit_folder.delete", "/fold"), 1);

  auto again = call("DELETE", "/folders", json::object{{"folderPath", "/fold"}});
  EXPECT_EQ(again.status, 404) << again.body;
  EXPECT_EQ(activities("imagekit_folder.delete", "/fold"), 1);
}

TEST_F(ImageKitManagerApi, DeleteFileMarksTheMediaRow) {
  fake_->put("del1", "/del/a.png");
  media_row("mdel1", "del1", "/del/a.png");
  auto r = call("DELETE", "/files/del1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json().at("message")), "File deleted successfully");
  EXPECT_FALSE(fake_->has("del1"));
  EXPECT_EQ(fake_->calls().back().method, "DELETE");
  EXPECT_EQ(fake_->calls().back().path, "/v1/files/del1");
  EXPECT_EQ(media_status("mdel1"), "deleted");
  EXPECT_EQ(activities("imagekit_file.delete", "del1"), 1);

  // A file only ImageKit has: deleted there, recorded.
  fake_->put("del2", "/del/b.png");
  ASSERT_EQ(call("DELETE", "/files/del2").status, 200);
  EXPECT_EQ(activities("imagekit_file.delete", "del2"), 1);

  // Gone at ImageKit already, but a media row names it: the row is marked.
  media_row("mdel3", "del3", "/del/c.png");
  auto gone = call("DELETE", "/files/del3");
  ASSERT_EQ(gone.status, 200) << gone.body;
  EXPECT_EQ(media_status("mdel3"), "deleted");

  // Neither has it.
  auto missing = call("DELETE", "/files/del4");
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(activities("imagekit_file.delete", "del4"), 0);
}

TEST_F(ImageKitManagerApi, MovesAndCopiesFiles) {
  fake_->put("mv1", "/mv/a.png");
  auto moved = call("POST", "/files/move", json::object{{"sourceFilePath", "/mv/a.png"}, {"destinationPath", "/mv2"}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(str(moved.json().at("message")), "File moved successfully");
  EXPECT_EQ(fake_->path_of("mv1"), "/mv2/a.png");
  auto sent = fake_->calls().back();
  EXPECT_EQ(sent.path, "/v1/files/move");
  EXPECT_EQ(json::parse(sent.body), json::parse(R"({"sourceFilePath":"/mv/a.png","destinationPath":"/mv2"})"));
  EXPECT_EQ(activities("imagekit_file.move", "/mv/a.png"), 1);

  auto copied =
      call("POST", "/files/copy", json::object{{"sourceFilePath", "/mv2/a.png"}, {"destinationPath", "/mv3/"}});
  ASSERT_EQ(copied.status, 200) << copied.body;
  EXPECT_EQ(str(copied.json().at("message")), "File copied successfully");
  EXPECT_FALSE(fake_->id_at("/mv3/a.png").empty());
  EXPECT_EQ(fake_->path_of("mv1"), "/mv2/a.png");
  sent = fake_->calls().back();
  EXPECT_EQ(sent.path, "/v1/files/copy");
  EXPECT_EQ(json::parse(sent.body),
            json::parse(R"({"sourceFilePath":"/mv2/a.png","destinationPath":"/mv3/","includeFileVersions":false})"));
  EXPECT_EQ(activities("imagekit_file.copy", "/mv2/a.png"), 1);

  auto missing =
      call("POST", "/files/move", json::object{{"sourceFilePath", "/mv/none.png"}, {"destinationPath", "/mv2"}});
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(activities("imagekit_file.move", "/mv/none.png"), 0);
}

TEST_F(ImageKitManagerApi, BulkDeletesFiles) {
  fake_->put("bulk1", "/bulk/a.png");
  fake_->put("bulk2", "/bulk/b.png");
  media_row("mbulk1", "bulk1", "/bulk/a.png");
  auto r = call("POST", "/files/bulk-delete", json::object{{"fileIds", json::array{"bulk1", "bulk2"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json().at("message")), "2 files deleted successfully");
  EXPECT_EQ(r.json().at("data").at("successfullyDeletedFileIds"), json::value(json::array{"bulk1", "bulk2"}));
  EXPECT_FALSE(fake_->has("bulk1"));
  EXPECT_FALSE(fake_->has("bulk2"));
  auto sent = fake_->calls().back();
  EXPECT_EQ(sent.path, "/v1/files/batch/deleteByFileIds");
  EXPECT_EQ(json::parse(sent.body), json::parse(R"({"fileIds":["bulk1","bulk2"]})"));
  EXPECT_EQ(media_status("mbulk1"), "deleted");
  EXPECT_EQ(activities("imagekit_file.bulk_delete", "bulk1"), 1);
  EXPECT_EQ(activities("imagekit_file.bulk_delete", "bulk2"), 1);

  // One unknown id: ImageKit deletes none; 404 naming it.
  fake_->put("bulk3", "/bulk/c.png");
  auto partial = call("POST", "/files/bulk-delete", json::object{{"fileIds", json::array{"bulk3", "bulkgone"}}});
  EXPECT_EQ(partial.status, 404) << partial.body;
  EXPECT_NE(partial.body.find("bulkgone"), std::string::npos) << partial.body;
  EXPECT_TRUE(fake_->has("bulk3"));
  EXPECT_EQ(activities("imagekit_file.bulk_delete", "bulk3"), 0);
}

TEST_F(ImageKitManagerApi, BadInputIs400WithNothingSent) {
  json::array too_many;
  for (int i = 0; i < 101; ++i) too_many.emplace_back("id" + std::to_string(i));
  struct Bad {
    std::string method, path, body;
  };
  const std::vector<Bad> cases = {
      {"GET", "/files?path=products", ""},
      {"GET", "/files?path=/a/../b", ""},
      {"GET", "/files?path=/a//b", ""},
      {"GET", "/files?path=/" + std::string(600, 'x'), ""},
      {"GET", "/files?limit=0", ""},
      {"GET", "/files?limit=1001", ""},
      {"GET", "/files?limit=ten", ""},
      {"GET", "/files?skip=-1", ""},
      {"GET", "/files?skip=1.5", ""},
      {"GET", "/files?type=video", ""},
      {"GET", "/files/bad.id", ""},
      {"DELETE", "/files/bad.id", ""},
      {"POST", "/folders", "{}"},
      {"POST", "/folders", R"({"folderName":"a/b"})"},
      {"POST", "/folders", R"({"folderName":"   "})"},
      {"POST", "/folders", R"({"folderName":5})"},
      {"POST", "/folders", "{\"folderName\":\"" + std::string(256, 'a') + "\"}"},
      {"POST", "/folders", R"({"folderName":"ok","parentFolderPath":"nope"})"},
      {"POST", "/folders", R"({"folderName":"ok","parentFolderPath":""})"},
      {"DELETE", "/folders", "{}"},
      {"DELETE", "/folders", R"({"folderPath":"/"})"},
      {"DELETE", "/folders", R"({"folderPath":"a"})"},
      {"DELETE", "/folders", R"({"folderPath":"/a/.."})"},
      {"POST", "/files/move", "{}"},
      {"POST", "/files/move", R"({"sourceFilePath":"/a.png"})"},
      {"POST", "/files/move", R"({"sourceFilePath":"/dir/","destinationPath":"/x"})"},
      {"POST", "/files/move", R"({"sourceFilePath":"a.png","destinationPath":"/x"})"},
      {"POST", "/files/copy", R"({"sourceFilePath":"/a.png","destinationPath":"x"})"},
      {"POST", "/files/copy", R"({"sourceFilePath":"/a\\b.png","destinationPath":"/x"})"},
      {"POST", "/files/bulk-delete", "{}"},
      {"POST", "/files/bulk-delete", R"({"fileIds":[]})"},
      {"POST", "/files/bulk-delete", R"({"fileIds":"abc"})"},
      {"POST", "/files/bulk-delete", R"({"fileIds":["a/b"]})"},
      {"POST", "/files/bulk-delete", R"({"fileIds":["a","a"]})"},
      {"POST", "/files/bulk-delete", R"({"fileIds":[1]})"},
      {"POST", "/files/bulk-delete", json::serialize(json::object{{"fileIds", too_many}})},
  };
  const auto sent = fake_->calls().size();
  for (const auto& c : cases) {
    auto r = call(c.method, c.path, c.body);
    EXPECT_EQ(r.status, 400) << c.method << " " << c.path.substr(0, 80) << " " << c.body.substr(0, 80) << ": "
                             << r.body;
    EXPECT_EQ(auth::error_type(r), "ValidationError") << c.method << " " << c.path.substr(0, 80) << " " << r.body;
  }
  auto r = call("POST", "/folders", "{not json");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(auth::error_type(r), "SyntaxError") << r.body;
  EXPECT_EQ(fake_->calls().size(), sent) << "nothing reaches ImageKit";
}

TEST_F(ImageKitManagerApi, OnlySuperAdmins) {
  fake_->put("guard1", "/guard/a.png");
  const std::string move = R"({"sourceFilePath":"/guard/a.png","destinationPath":"/guard2"})";
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/files"},           {"GET", "/files/guard1"}, {"POST", "/folders"},    {"DELETE", "/folders"},
      {"DELETE", "/files/guard1"}, {"POST", "/files/move"},  {"POST", "/files/copy"}, {"POST", "/files/bulk-delete"},
  };
  std::map<std::string, std::string> bodies = {{"/folders", R"({"folderName":"guarded","parentFolderPath":"/guard"})"},
                                               {"/files/move", move},
                                               {"/files/copy", move},
                                               {"/files/bulk-delete", R"({"fileIds":["guard1"]})"}};
  const auto sent = fake_->calls().size();
  for (const auto& [method, path] : routes) {
    std::string body = bodies.count(path) ? bodies[path] : "";
    if (method == "DELETE" && path == "/folders") body = R"({"folderPath":"/guard"})";
    auto as_admin = call(method, path, body, admin_);
    EXPECT_EQ(as_admin.status, 403) << method << " " << path << ": " << as_admin.body;
    auto anonymous = call(method, path, body, "");
    EXPECT_EQ(anonymous.status, 401) << method << " " << path << ": " << anonymous.body;
  }
  EXPECT_EQ(fake_->calls().size(), sent);
  EXPECT_TRUE(fake_->has("guard1"));
}

TEST_F(ImageKitManagerApi, ImageKitFailing) {
  fake_->fail_next({FakeImageKit::server_error()});
  auto down = call("GET", "/files");
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(auth::error_type(down), "ServiceUnavailableError");

  fake_->fail_next({FakeReply::json(R"({"not":"a list"})")});
  EXPECT_EQ(call("GET", "/files").status, 503);

  fake_->fail_next({FakeImageKit::server_error()});
  auto create = call("POST", "/folders", json::object{{"folderName", "never"}});
  EXPECT_EQ(create.status, 503) << create.body;
  EXPECT_FALSE(fake_->has_folder("/never"));
  EXPECT_EQ(activities("imagekit_folder.create", "/never"), 0);

  // ImageKit refusing the admin's request: 400 with its reason.
  fake_->fail_next({FakeImageKit::bad_request("Destination folder is invalid")});
  auto refused = call("POST", "/files/copy", json::object{{"sourceFilePath", "/x/a.png"}, {"destinationPath", "/y"}});
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(auth::error_message(refused).find("Destination folder is invalid"), std::string::npos) << refused.body;

  // ImageKit refusing our key: not the admin's to fix.
  fake_->fail_next({FakeReply::json(R"({"message":"Your request does not contain private API key."})", 401)});
  auto unauthorised = call("POST", "/files/bulk-delete", json::object{{"fileIds", json::array{"x1"}}});
  EXPECT_EQ(unauthorised.status, 502) << unauthorised.body;
}

}  // namespace
}  // namespace wh::test
