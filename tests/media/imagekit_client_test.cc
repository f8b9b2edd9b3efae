// The ImageKit client against the fake: the upload's multipart body and
// auth, details, delete, bulk delete, move and copy, listing (files and
// folders, the query sent), folder create and delete, how each failure is
// classified (ImageKit's 4xx message, 404, 5xx, timeout, unreachable, an
// answer of the wrong shape), and the direct-upload signature against
// independently computed vectors.
#include "media/imagekit_client.h"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <variant>

#include "core/config.h"
#include "http/client.h"
#include "media/multipart_writer.h"
#include "support/coroutine_loop.h"
#include "support/fake_imagekit.h"
#include "web/multipart.h"

namespace wh::test {
namespace {

using media::ImageKitError;

class ImageKitClientTest : public ::testing::Test {
 protected:
  template <typename T>
  T run(Task<T> task) {
    return run_task<T>(io_, std::move(task));
  }
  Config config() {
    Config c;
    c.imagekit_private_key = FakeImageKit::kPrivateKey;
    c.imagekit_public_key = "public_test_key";
    c.imagekit_url_endpoint = FakeImageKit::kEndpoint;
    c.imagekit_upload_base_url = fake_.base_url();
    c.imagekit_api_base_url = fake_.base_url();
    c.imagekit_timeout = std::chrono::milliseconds(300);
    return c;
  }
  // Bytes with CR, LF, NUL and a would-be delimiter inside.
  std::string image_bytes() {
    std::string b("\x89PNG\r\n\x1A\n\0\0\r\n--", 14);
    for (int i = 0; i < 70000; ++i) b += static_cast<char>(i * 31);
    return b;
  }

  FakeImageKit fake_;
  boost::asio::io_context io_;
  http::OutboundClient client_{io_.get_executor(), http::ClientOptions{}};
};

TEST_F(ImageKitClientTest, UploadSendsMultipartWithBasicAuth) {
  media::ImageKitClient ik(client_, config());
  ASSERT_TRUE(ik.configured());
  const std::string bytes = image_bytes();
  media::UploadRequest req;
  req.bytes = bytes;
  req.file_name = "wig \"front\".png";
  req.folder = "/products";
  req.content_type = "image/png";
  req.tags = {"product", "wig"};
  auto r = run(ik.upload(req));
  ASSERT_TRUE(r.error.ok()) << r.error.message;
  EXPECT_FALSE(r.file.file_id.empty());
  EXPECT_EQ(r.file.file_path.rfind("/products/", 0), 0u);
  EXPECT_EQ(r.file.url, std::string(FakeImageKit::kEndpoint) + r.file.file_path);
  EXPECT_EQ(r.file.width, 1u);
  EXPECT_EQ(r.file.size, bytes.size());
  EXPECT_EQ(r.file.file_type, "image");
  EXPECT_EQ(r.file.phash, "90249d9b1fc74367");

  auto calls = fake_.calls();
  ASSERT_EQ(calls.size(), 1u);
  const auto& c = calls[0];
  EXPECT_EQ(c.method, "POST");
  EXPECT_EQ(c.path, "/api/v1/files/upload");
  EXPECT_EQ(c.authorization, FakeImageKit::kBasicAuth);
  ASSERT_TRUE(c.multipart_ok) << c.content_type;
  EXPECT_EQ(c.file_bytes, bytes) << "the file's bytes arrive unchanged";
  EXPECT_EQ(c.file_content_type, "image/png");
  EXPECT_EQ(c.file_name, "wig _front_.png") << "quotes cannot break the header";
  EXPECT_EQ(c.fields.at("fileName"), "wig \"front\".png");
  EXPECT_EQ(c.fields.at("folder"), "/products");
  EXPECT_EQ(c.fields.at("useUniqueFileName"), "true");
  EXPECT_EQ(c.fields.at("tags"), "product,wig");
  EXPECT_EQ(c.body.find(FakeImageKit::kPrivateKey), std::string::npos);
}

TEST_F(ImageKitClientTest, UploadFromUrlSendsTheUrlAsTheFileField) {
  media::ImageKitClient ik(client_, config());
  media::UploadRequest req;
  req.source_url = "https://images.example.com/wig.jpg";
  req.file_name = "wig.jpg";
  req.use_unique_file_name = false;
  auto r = run(ik.upload(req));
  ASSERT_TRUE(r.error.ok()) << r.error.message;
  EXPECT_EQ(r.file.file_path, "/wig.jpg");
  auto c = fake_.calls().at(0);
  EXPECT_EQ(c.fields.at("file"), "https://images.example.com/wig.jpg");
  EXPECT_EQ(c.fields.at("useUniqueFileName"), "false");
  EXPECT_EQ(c.fields.count("folder"), 0u);
  EXPECT_TRUE(c.file_name.empty());
}

TEST_F(ImageKitClientTest, FailuresAreClassified) {
  media::ImageKitClient ik(client_, config());
  const std::string bytes = "abc";
  media::UploadRequest req;
  req.bytes = bytes;
  req.file_name = "a.png";

  fake_.fail_next({FakeImageKit::bad_request("File size exceeds the limit")});
  auto refused = run(ik.upload(req));
  EXPECT_EQ(refused.error.kind, ImageKitError::Kind::rejected);
  EXPECT_EQ(refused.error.status, 400);
  EXPECT_EQ(refused.error.message, "File size exceeds the limit");

  fake_.fail_next({FakeImageKit::server_error()});
  auto down = run(ik.upload(req));
  EXPECT_EQ(down.error.kind, ImageKitError::Kind::unavailable);
  EXPECT_EQ(down.error.status, 500);

  fake_.fail_next({FakeReply::delayed(std::chrono::milliseconds(1000))});
  auto slow = run(ik.upload(req));
  EXPECT_EQ(slow.error.kind, ImageKitError::Kind::unavailable) << "a timeout is not ImageKit's refusal";
  EXPECT_EQ(slow.error.status, 0);

  fake_.fail_next({FakeReply::json("<html>bad gateway</html>", 200)});
  EXPECT_EQ(run(ik.upload(req)).error.kind, ImageKitError::Kind::unavailable);

  // A wrong key: ImageKit's 401 with its message.
  Config wrong = config();
  wrong.imagekit_private_key = "private_wrong";
  media::ImageKitClient bad(client_, wrong);
  auto unauth = run(bad.upload(req));
  EXPECT_EQ(unauth.error.kind, ImageKitError::Kind::rejected);
  EXPECT_EQ(unauth.error.status, 401);
  EXPECT_EQ(unauth.error.message.find("private_wrong"), std::string::npos);

  // Nothing is sent without a key, or with an invalid request.
  auto before = fake_.calls().size();
  Config none = config();
  none.imagekit_private_key.clear();
  media::ImageKitClient off(client_, none);
  EXPECT_FALSE(off.configured());
  EXPECT_EQ(run(off.upload(req)).error.kind, ImageKitError::Kind::not_configured);
  EXPECT_EQ(run(off.remove("abc")).kind, ImageKitError::Kind::not_configured);
  EXPECT_EQ(run(ik.details("../../v1/files")).error.kind, ImageKitError::Kind::invalid);
  media::UploadRequest nameless;
  nameless.bytes = bytes;
  EXPECT_EQ(run(ik.upload(nameless)).error.kind, ImageKitError::Kind::invalid);
  EXPECT_EQ(fake_.calls().size(), before);
}

TEST_F(ImageKitClientTest, UnreachableImageKitIsUnavailable) {
  Config c = config();
  {
    FakeHttpServer gone;  // a port that was listening and no longer is
    c.imagekit_api_base_url = gone.url("/").substr(0, gone.url("/").size() - 1);
  }
  media::ImageKitClient ik(client_, c);
  auto r = run(ik.details("abc"));
  EXPECT_EQ(r.error.kind, ImageKitError::Kind::unavailable);
  EXPECT_FALSE(r.error.message.empty());
}

TEST_F(ImageKitClientTest, DetailsDeleteMoveAndBulkDelete) {
  media::ImageKitClient ik(client_, config());
  fake_.put("f1", "/products/a.png", "hello");
  fake_.put("f2", "/products/b.png");
  fake_.put("f3", "/products/c.png");

  auto d = run(ik.details("f1"));
  ASSERT_TRUE(d.error.ok()) << d.error.message;
  EXPECT_EQ(d.file.file_path, "/products/a.png");
  EXPECT_EQ(d.file.mime, "image/png");
  EXPECT_EQ(d.file.size, 5u);
  EXPECT_EQ(d.file.thumbnail_url, std::string(FakeImageKit::kEndpoint) + "/tr:n-ik_ml_thumbnail/products/a.png");
  EXPECT_EQ(run(ik.details("nope")).error.kind, ImageKitError::Kind::not_found);

  const std::string trash = "/trash/";
  const std::string from = "/products/a.png";
  EXPECT_TRUE(run(ik.move(from, trash)).ok());
  EXPECT_EQ(fake_.path_of("f1"), "/trash/a.png");
  const std::string back_from = "/trash/a.png";
  const std::string products = "/products";
  EXPECT_TRUE(run(ik.move(back_from, products)).ok());
  EXPECT_EQ(fake_.path_of("f1"), "/products/a.png");
  auto missing_move = run(ik.move(back_from, products));
  EXPECT_EQ(missing_move.kind, ImageKitError::Kind::not_found);
  EXPECT_EQ(missing_move.message, "No file found with filePath /trash/a.png");

  EXPECT_TRUE(run(ik.remove("f1")).ok());
  EXPECT_FALSE(fake_.has("f1"));
  EXPECT_EQ(run(ik.remove("f1")).kind, ImageKitError::Kind::not_found);

  const std::vector<std::string> with_missing{"f2", "gone"};
  auto partial = run(ik.remove_many(with_missing));
  EXPECT_EQ(partial.error.kind, ImageKitError::Kind::not_found);
  EXPECT_EQ(partial.missing, std::vector<std::string>{"gone"});
  const std::vector<std::string> both{"f2", "f3"};
  auto bulk = run(ik.remove_many(both));
  ASSERT_TRUE(bulk.error.ok()) << bulk.error.message;
  EXPECT_EQ(bulk.deleted, both);
  EXPECT_FALSE(fake_.has("f2"));

  for (const auto& c : fake_.calls()) {
    EXPECT_EQ(c.authorization, FakeImageKit::kBasicAuth) << c.method << " " << c.path;
  }
  auto calls = fake_.calls();
  EXPECT_EQ(calls.at(0).path, "/v1/files/f1/details");
  EXPECT_EQ(calls.at(2).path, "/v1/files/move");
  EXPECT_EQ(boost::json::parse(calls.at(2).body),
            boost::json::parse(R"({"sourceFilePath":"/products/a.png","destinationPath":"/trash/"})"));
  EXPECT_EQ(calls.back().path, "/v1/files/batch/deleteByFileIds");
  EXPECT_EQ(boost::json::parse(calls.back().body), boost::json::parse(R"({"fileIds":["f2","f3"]})"));
}

TEST_F(ImageKitClientTest, ListsFilesAndFoldersOfAFolder) {
  media::ImageKitClient ik(client_, config());
  fake_.put("f1", "/products/a.png", "hello");
  fake_.put("f2", "/products/summer/b.png");
  fake_.put_folder("/products/empty");

  media::ListRequest all;
  all.path = "/products";
  auto r = run(ik.list_files(all));
  ASSERT_TRUE(r.error.ok()) << r.error.message;
  ASSERT_EQ(r.entries.size(), 3u);
  const auto* empty = std::get_if<media::ImageKitFolder>(&r.entries[0]);
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->folder_path, "/products/empty");
  EXPECT_EQ(empty->name, "empty");
  EXPECT_FALSE(empty->folder_id.empty());
  EXPECT_EQ(empty->created_at, "2025-01-02T03:04:05.678Z");
  ASSERT_TRUE(std::holds_alternative<media::ImageKitFolder>(r.entries[1]));
  const auto* file = std::get_if<media::ImageKitFile>(&r.entries[2]);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->file_id, "f1");
  EXPECT_EQ(file->file_path, "/products/a.png");
  EXPECT_EQ(file->size, 5u);
  EXPECT_EQ(file->mime, "image/png");
  EXPECT_EQ(file->thumbnail_url, std::string(FakeImageKit::kEndpoint) + "/tr:n-ik_ml_thumbnail/products/a.png")
      << "a listing's `thumbnail`";
  EXPECT_EQ(file->updated_at, "2025-01-02T03:04:05.678Z");

  auto c = fake_.calls().back();
  EXPECT_EQ(c.method, "GET");
  EXPECT_EQ(c.route, "/v1/files");
  EXPECT_EQ(c.authorization, FakeImageKit::kBasicAuth);
  EXPECT_EQ(c.query.at("path"), "/products");
  EXPECT_EQ(c.query.at("type"), "all");
  EXPECT_EQ(c.query.at("sort"), "DESC_CREATED");
  EXPECT_EQ(c.query.at("skip"), "0");
  EXPECT_EQ(c.query.at("limit"), "100");
  EXPECT_EQ(c.query.count("searchQuery"), 0u);

  // A page, and a search: the query's characters arrive unchanged.
  media::ListRequest page = all;
  page.skip = 1;
  page.limit = 1;
  auto p = run(ik.list_files(page));
  ASSERT_TRUE(p.error.ok()) << p.error.message;
  ASSERT_EQ(p.entries.size(), 1u);
  EXPECT_EQ(std::get<media::ImageKitFolder>(p.entries[0]).folder_path, "/products/summer");
  media::ListRequest search = all;
  search.type = "file";
  search.search_query = R"(name : "a")";
  auto s = run(ik.list_files(search));
  ASSERT_TRUE(s.error.ok()) << s.error.message;
  ASSERT_EQ(s.entries.size(), 1u);
  c = fake_.calls().back();
  EXPECT_EQ(c.query.at("searchQuery"), R"(name : "a")");
  EXPECT_EQ(c.path.find(' '), std::string::npos) << c.path;
  EXPECT_NE(c.path.find("%22"), std::string::npos) << c.path;
}

TEST_F(ImageKitClientTest, ListingReadsImageKitsShapesAndRefusals) {
  media::ImageKitClient ik(client_, config());
  const media::ListRequest root;
  // File versions, non-objects and entries without a type are left out
  // (a fileId without a type is a file, from an older API).
  fake_.fail_next({FakeReply::json(
      R"([{"type":"file-version","fileId":"v1"},7,{"type":"folder","folderId":"d1","name":"x","folderPath":"/x"},)"
      R"({"fileId":"old","name":"o.png","filePath":"/o.png"},{"name":"nothing"}])")});
  auto r = run(ik.list_files(root));
  ASSERT_TRUE(r.error.ok()) << r.error.message;
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(std::get<media::ImageKitFolder>(r.entries[0]).folder_id, "d1");
  EXPECT_EQ(std::get<media::ImageKitFile>(r.entries[1]).file_id, "old");

  fake_.fail_next({FakeReply::json(R"({"files":[]})")});
  EXPECT_EQ(run(ik.list_files(root)).error.kind, ImageKitError::Kind::unavailable) << "an object, not a listing";
  fake_.fail_next({FakeImageKit::bad_request("Invalid search query")});
  auto refused = run(ik.list_files(root));
  EXPECT_EQ(refused.error.kind, ImageKitError::Kind::rejected);
  EXPECT_EQ(refused.error.message, "Invalid search query");
  fake_.fail_next({FakeImageKit::server_error()});
  EXPECT_EQ(run(ik.list_files(root)).error.kind, ImageKitError::Kind::unavailable);

  // Refused before sending.
  const auto before = fake_.calls().size();
  media::ListRequest relative;
  relative.path = "products";
  EXPECT_EQ(run(ik.list_files(relative)).error.kind, ImageKitError::Kind::invalid);
  media::ListRequest zero;
  zero.limit = 0;
  EXPECT_EQ(run(ik.list_files(zero)).error.kind, ImageKitError::Kind::invalid);
  media::ListRequest many;
  many.limit = 1001;
  EXPECT_EQ(run(ik.list_files(many)).error.kind, ImageKitError::Kind::invalid);
  media::ListRequest odd;
  odd.type = "file-version";
  EXPECT_EQ(run(ik.list_files(odd)).error.kind, ImageKitError::Kind::invalid);
  const std::string name = "x", relative_parent = "nope", relative_path = "a.png", folder = "/f";
  EXPECT_EQ(run(ik.create_folder(name, relative_parent)).kind, ImageKitError::Kind::invalid);
  EXPECT_EQ(run(ik.create_folder("", folder)).kind, ImageKitError::Kind::invalid);
  EXPECT_EQ(run(ik.delete_folder(relative_parent)).kind, ImageKitError::Kind::invalid);
  EXPECT_EQ(run(ik.copy(relative_path, folder)).kind, ImageKitError::Kind::invalid);
  Config none = config();
  none.imagekit_private_key.clear();
  media::ImageKitClient off(client_, none);
  EXPECT_EQ(run(off.list_files(root)).error.kind, ImageKitError::Kind::not_configured);
  EXPECT_EQ(run(off.create_folder(name, folder)).kind, ImageKitError::Kind::not_configured);
  EXPECT_EQ(run(off.delete_folder(folder)).kind, ImageKitError::Kind::not_configured);
  EXPECT_EQ(run(off.copy(folder, folder)).kind, ImageKitError::Kind::not_configured);
  EXPECT_EQ(fake_.calls().size(), before);
}

TEST_F(ImageKitClientTest, CreatesAndDeletesFoldersAndCopiesFiles) {
  media::ImageKitClient ik(client_, config());
  fake_.put("f1", "/products/a.png");
  fake_.put("f2", "/products/summer/b.png");

  const std::string name = "new folder", products = "/products";
  ASSERT_TRUE(run(ik.create_folder(name, products)).ok());
  EXPECT_TRUE(fake_.has_folder("/products/new_folder")) << "ImageKit's '_' for other characters";
  auto c = fake_.calls().back();
  EXPECT_EQ(c.method, "POST");
  EXPECT_EQ(c.path, "/v1/folder");
  EXPECT_EQ(c.content_type, "application/json");
  EXPECT_EQ(boost::json::parse(c.body),
            boost::json::parse(R"({"folderName":"new folder","parentFolderPath":"/products"})"));

  const std::string source = "/products/a.png", archive = "/archive";
  ASSERT_TRUE(run(ik.copy(source, archive)).ok());
  const auto copy_id = fake_.id_at("/archive/a.png");
  EXPECT_FALSE(copy_id.empty());
  EXPECT_NE(copy_id, "f1");
  EXPECT_EQ(fake_.path_of("f1"), "/products/a.png") << "the source stays";
  c = fake_.calls().back();
  EXPECT_EQ(c.path, "/v1/files/copy");
  EXPECT_EQ(boost::json::parse(c.body),
            boost::json::parse(
                R"({"sourceFilePath":"/products/a.png","destinationPath":"/archive","includeFileVersions":false})"));
  const std::string missing = "/products/none.png";
  auto not_there = run(ik.copy(missing, archive));
  EXPECT_EQ(not_there.kind, ImageKitError::Kind::not_found);
  EXPECT_EQ(not_there.message, "No file found with filePath /products/none.png");

  const std::string summer = "/products/summer";
  ASSERT_TRUE(run(ik.delete_folder(summer)).ok());
  EXPECT_FALSE(fake_.has_folder(summer));
  EXPECT_FALSE(fake_.has("f2")) << "with everything in it";
  EXPECT_TRUE(fake_.has("f1"));
  c = fake_.calls().back();
  EXPECT_EQ(c.method, "DELETE");
  EXPECT_EQ(c.path, "/v1/folder");
  EXPECT_EQ(boost::json::parse(c.body), boost::json::parse(R"({"folderPath":"/products/summer"})"));
  auto again = run(ik.delete_folder(summer));
  EXPECT_EQ(again.kind, ImageKitError::Kind::not_found);
  EXPECT_EQ(again.message, "No folder found with folderPath /products/summer");

  fake_.fail_next({FakeImageKit::bad_request("Folder name is invalid")});
  auto refused = run(ik.create_folder(name, products));
  EXPECT_EQ(refused.kind, ImageKitError::Kind::rejected);
  EXPECT_EQ(refused.message, "Folder name is invalid");
  fake_.fail_next({FakeImageKit::server_error()});
  EXPECT_EQ(run(ik.copy(source, archive)).kind, ImageKitError::Kind::unavailable);
}

// HMAC-SHA1 hex by OpenSSL's one-shot HMAC(), apart from the client's code path.
std::string reference_signature(const std::string& key, const std::string& message) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), md, &len);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

TEST(ImageKitUploadAuth, SignatureMatchesKnownVectors) {
  const std::string key = FakeImageKit::kPrivateKey;
  const std::string token = "4f0c1c8a-3b0e-4a53-9f54-3a7b2f3f6d2a";
  // Computed outside this code base (Python's hmac over the same inputs).
  EXPECT_EQ(media::upload_signature(key, token, 1700003600), "eb8fb7f5271d8307f0d98dc5943a8ac026156e03");
  EXPECT_EQ(media::upload_signature(key, token, 1700003600), reference_signature(key, token + "1700003600"));
  EXPECT_NE(media::upload_signature(key, token, 1700003601), media::upload_signature(key, token, 1700003600));
}

TEST(ImageKitUploadAuth, ParametersExpireWithinTheHour) {
  boost::asio::io_context io;
  http::OutboundClient client(io.get_executor(), http::ClientOptions{});
  Config c;
  c.imagekit_private_key = FakeImageKit::kPrivateKey;
  c.imagekit_public_key = "public_test_key";
  media::ImageKitClient ik(client, c);
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  auto a = ik.upload_auth(now);
  EXPECT_EQ(a.expire, 1700000000 + c.imagekit_upload_auth_ttl.count());
  EXPECT_LT(a.expire - 1700000000, 3600);
  EXPECT_GT(a.expire, 1700000000);
  EXPECT_EQ(a.token.size(), 36u);
  EXPECT_EQ(a.token[14], '4') << "a version-4 uuid";
  EXPECT_EQ(a.signature, reference_signature(FakeImageKit::kPrivateKey, a.token + std::to_string(a.expire)));
  EXPECT_EQ(a.public_key, "public_test_key");
  EXPECT_NE(ik.upload_auth(now).token, a.token) << "a fresh token each time";
}

TEST(MultipartWriter, BuildsABodyTheReaderAccepts) {
  std::string bytes("a\r\n--b\0c", 8);
  std::vector<media::FormField> fields{{"fileName", "x.png"}, {"empty", ""}};
  auto form = media::build_multipart(fields, media::FormFile{"file", "x\r\n.png", "image/png", bytes});
  auto parsed = web::multipart::parse(form.content_type, form.body, web::multipart::Limits{});
  ASSERT_EQ(parsed.parts.size(), 3u);
  EXPECT_EQ(parsed.parts[0].data, "x.png");
  EXPECT_EQ(parsed.parts[1].data, "");
  EXPECT_EQ(*parsed.parts[2].filename, "x__.png");
  EXPECT_EQ(parsed.parts[2].content_type, "image/png");
  EXPECT_EQ(parsed.parts[2].data, bytes);
  EXPECT_LE(form.body.capacity(), form.body.size() + 32) << "sized up front: the file is copied once";
}

}  // namespace
}  // namespace wh::test
