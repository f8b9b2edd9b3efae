// The upload routes (/api/upload...) through the real server on a fresh
// database of this suite, with ImageKit faked on loopback: what an upload
// sends and records, duplicates and force, the magic-byte check, roles,
// ImageKit failing, delete, batch, the direct-upload signature, uploads
// from a URL and the registration of a direct upload.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "accounts/auth_test_support.h"
#include "media/image_probe.h"
#include "media/media_api_fixture.h"
#include "support/fake_imagekit.h"
#include "support/http_client.h"
#include "support/test_env.h"

namespace wh::test {
namespace {
namespace json = boost::json;
using auth::Headers;
using auth::str;

const std::string kBoundary = "----WebKitFormBoundaryUpl0adTest42";
const std::string kFormType = "multipart/form-data; boundary=" + kBoundary;

std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : bytes) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return c ^ 0xFFFFFFFFu;
}

void put32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

std::string chunk(const std::string& type, const std::string& data) {
  std::string c;
  put32(c, static_cast<std::uint32_t>(data.size()));
  std::string body = type + data;
  c += body;
  put32(c, crc32(body));
  return c;
}

// A PNG header of width x height (RGBA, 8 bits) and an empty IEND: all the
// origin reads of an image.
std::string png(std::uint32_t width, std::uint32_t height) {
  std::string ihdr;
  put32(ihdr, width);
  put32(ihdr, height);
  ihdr += std::string("\x08\x06\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1A\n", 8) + chunk("IHDR", ihdr) + chunk("IEND", "");
}

struct FilePart {
  std::string field;
  std::string name;
  std::string bytes;
  std::string content_type = "image/png";
};

std::string form(const std::vector<FilePart>& files) {
  std::string body;
  for (const auto& f : files) {
    body += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + f.field + "\"; filename=\"" + f.name +
            "\"\r\nContent-Type: " + f.content_type + "\r\n\r\n" + f.bytes + "\r\n";
  }
  return body + "--" + kBoundary + "--\r\n";
}
std::string form(const std::string& bytes, const std::string& name = "wig.png") {
  return form({FilePart{"file", name, bytes}});
}

std::string hmac_sha1_hex(const std::string& key, const std::string& message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &len);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned int i = 0; i < len; ++i) {
    s += hex[out[i] >> 4];
    s += hex[out[i] & 15];
  }
  return s;
}

class UploadApi : public MediaApi {
 protected:
  static HttpResult call(const std::string& method, const std::string& target, const std::string& body,
                         const std::string& content_type = kFormType, const std::string& bearer = admin_) {
    Headers h;
    if (!content_type.empty()) h.emplace_back("Content-Type", content_type);
    if (!bearer.empty()) h.emplace_back("Authorization", "Bearer " + bearer);
    return HttpClient(port()).request(method, target, body, h);
  }
  static HttpResult upload(const std::string& body, const std::string& query = "?type=product",
                           const std::string& bearer = admin_) {
    return call("POST", "/api/upload" + query, body, kFormType, bearer);
  }

  static long long uploads_sent() {
    long long n = 0;
    for (const auto& c : fake_->calls()) n += c.path == "/api/v1/files/upload" ? 1 : 0;
    return n;
  }
};

TEST_F(UploadApi, UploadsToImageKitAndRecordsTheMediaRow) {
  const std::string bytes = png(640, 480);
  const long long sent_before = uploads_sent();
  // The declared type and name are not trusted: the bytes say PNG.
  auto r = upload(form({FilePart{"file", "Front View.jpg", bytes, "image/jpeg"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto data = r.json().at("data").as_object();
  const std::string file_id = str(data.at("fileId"));
  EXPECT_EQ(data.at("width").as_int64(), 640);
  EXPECT_EQ(data.at("height").as_int64(), 480);
  EXPECT_EQ(str(data.at("mimetype")), "image/png");
  EXPECT_EQ(str(data.at("url")).rfind(str(data.at("baseUrl")) + "?v=", 0), 0u);
  EXPECT_EQ(str(data.at("filePath")).rfind("/products/product-front-view", 0), 0u) << str(data.at("filePath"));

  EXPECT_EQ(uploads_sent(), sent_before + 1);
  const auto last = fake_->calls().back();
  EXPECT_EQ(last.file_bytes, bytes);
  EXPECT_EQ(last.fields.at("folder"), "/products");

  const std::string row =
      q("SELECT concat_ws('|', id, \"filePath\", url, file_hash, type, mime_type, size, width, "
        "height, status) FROM media WHERE \"fileId\" = '" +
        file_id + "'");
  EXPECT_EQ(row, str(data.at("id")) + "|" + str(data.at("filePath")) + "|" + str(data.at("baseUrl")) + "|" +
                     media::content_sha256(bytes) + "|product|image/png|" + std::to_string(bytes.size()) +
                     "|640|480|active");
  EXPECT_EQ(qn("SELECT count(*) FROM media WHERE \"fileId\" = '" + file_id +
               "' AND uploaded_by = (SELECT id FROM users WHERE email = 'admin@wighaven.local')"),
            1);
  EXPECT_EQ(qn("SELECT count(*) FROM admin_activities WHERE action = 'media.upload' AND entity_id = '" +
               str(data.at("id")) + "'"),
            1);
}

TEST_F(UploadApi, SameBytesAreADuplicateUnlessForced) {
  const std::string bytes = png(300, 200);
  auto first = upload(form(bytes));
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string id = str(first.json().at("data").at("id"));

  auto check = call("POST", "/api/upload/check-hash", form(bytes));
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_TRUE(check.json().at("isDuplicate").as_bool());
  EXPECT_EQ(str(check.json().at("existingFile").at("id")), id);

  const long long sent = uploads_sent();
  auto again = upload(form(bytes));
  ASSERT_EQ(again.status, 409) << again.body;
  const auto body = again.json().as_object();
  EXPECT_FALSE(body.at("success").as_bool());
  EXPECT_TRUE(body.at("isDuplicate").as_bool());
  EXPECT_EQ(str(body.at("existingFile").at("id")), id);
  EXPECT_EQ(body.at("existingFile").at("width").as_int64(), 300);
  EXPECT_EQ(uploads_sent(), sent);

  auto forced = upload(form(bytes), "?type=product&force=true");
  ASSERT_EQ(forced.status, 200) << forced.body;
  EXPECT_NE(str(forced.json().at("data").at("id")), id);
  EXPECT_EQ(qn("SELECT count(*) FROM media WHERE file_hash = '" + media::content_sha256(bytes) + "'"), 2);

  auto fresh = call("POST", "/api/upload/check-hash", form(png(301, 200)));
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_FALSE(fresh.json().at("isDuplicate").as_bool());
  EXPECT_EQ(str(fresh.json().at("fileHash")), media::content_sha256(png(301, 200)));
}

TEST_F(UploadApi, RefusesWhatIsNotASupportedImage) {
  const long long sent = uploads_sent(), rows = qn("SELECT count(*) FROM media");
  // Declared a PNG, but a PDF by its bytes.
  auto pdf = upload(form({FilePart{"file", "x.png", "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "image/png"}}));
  EXPECT_EQ(pdf.status, 400) << pdf.body;
  // Over the 25-megapixel cap by its header.
  auto huge = upload(form(png(10000, 5000)));
  EXPECT_EQ(huge.status, 400) << huge.body;
  auto bad_type = upload(form(png(10, 11)), "?type=document");
  EXPECT_EQ(bad_type.status, 400) << bad_type.body;
  auto no_file = upload(form({FilePart{"other", "a.png", png(10, 12)}}));
  EXPECT_EQ(no_file.status, 400) << no_file.body;
  auto not_multipart = call("POST", "/api/upload?type=product", "{}", "application/json");
  EXPECT_EQ(not_multipart.status, 400) << not_multipart.body;
  auto too_big = upload(form(png(10, 13) + std::string(5 * 1024 * 1024, 'x')));
  EXPECT_EQ(too_big.status, 413) << too_big.body;
  EXPECT_EQ(uploads_sent(), sent);
  EXPECT_EQ(qn("SELECT count(*) FROM media"), rows);
}

TEST_F(UploadApi, OnlyAdminsMayUpload) {
  auto anonymous = upload(form(png(20, 20)), "?type=product", "");
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  auto customer = upload(form(png(20, 20)), "?type=product", customer_);
  EXPECT_EQ(customer.status, 403) << customer.body;
  EXPECT_EQ(call("GET", "/api/upload/auth", "", "", customer_).status, 403);
  EXPECT_EQ(call("DELETE", "/api/upload", R"({"fileId":"x"})", "application/json", "").status, 401);
}

TEST_F(UploadApi, ImageKitFailingLeavesNoRow) {
  const long long rows = qn("SELECT count(*) FROM media");
  fake_->fail_next({FakeImageKit::server_error()});
  auto r = upload(form(png(21, 21)));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(auth::error_type(r), "ServiceUnavailableError");

  fake_->fail_next({FakeImageKit::bad_request("File type not allowed")});
  auto refused = upload(form(png(21, 22)));
  EXPECT_EQ(refused.status, 502) << refused.body;
  EXPECT_EQ(qn("SELECT count(*) FROM media"), rows);
}

TEST_F(UploadApi, DeleteRemovesFromImageKitAndMarksTheRow) {
  auto up = upload(form(png(40, 30)), "?type=banner");
  ASSERT_EQ(up.status, 200) << up.body;
  const std::string file_id = str(up.json().at("data").at("fileId"));
  ASSERT_TRUE(fake_->has(file_id));

  auto r = call("DELETE", "/api/upload", json::serialize(json::object{{"fileId", file_id}}), "application/json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(fake_->has(file_id));
  EXPECT_EQ(fake_->calls().back().method, "DELETE");
  EXPECT_EQ(q("SELECT status FROM media WHERE \"fileId\" = '" + file_id + "'"), "deleted");

  // By URL (the versioned one the upload answered).
  auto up2 = upload(form(png(41, 30)), "?type=banner");
  ASSERT_EQ(up2.status, 200) << up2.body;
  const auto d2 = up2.json().at("data");
  auto r2 = call("DELETE", "/api/upload", json::serialize(json::object{{"url", d2.at("url")}}), "application/json");
  ASSERT_EQ(r2.status, 200) << r2.body;
  EXPECT_FALSE(fake_->has(str(d2.at("fileId"))));
  EXPECT_EQ(q("SELECT status FROM media WHERE id = '" + str(d2.at("id")) + "'"), "deleted");

  auto missing = call("DELETE", "/api/upload", R"({"fileId":"nosuchfile"})", "application/json");
  EXPECT_EQ(missing.status, 404) << missing.body;

  // Bad bodies are 400s with nothing sent to ImageKit.
  const auto sent = fake_->calls().size();
  for (const std::string bad : {"{not json", "[1]", R"({})", R"({"fileId": 12})"}) {
    auto r3 = call("DELETE", "/api/upload", bad, "application/json");
    EXPECT_EQ(r3.status, 400) << bad << ": " << r3.body;
  }
  EXPECT_EQ(fake_->calls().size(), sent);
}

TEST_F(UploadApi, BatchUploadsEachAndReportsFailures) {
  const long long rows = qn("SELECT count(*) FROM media");
  auto r = call("POST", "/api/upload/batch?type=variant",
                form({FilePart{"files", "a.png", png(50, 50)}, FilePart{"files", "b.txt", "hello", "text/plain"},
                      FilePart{"files", "c.png", png(51, 50)}}));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto data = r.json().at("data").as_object();
  EXPECT_EQ(data.at("total").as_int64(), 3);
  EXPECT_EQ(data.at("successful").as_int64(), 2);
  EXPECT_EQ(data.at("failed").as_int64(), 1);
  EXPECT_EQ(data.at("errors").at(0).at("index").as_int64(), 1);
  EXPECT_EQ(str(data.at("uploaded").at(1).at("originalName")), "c.png");
  EXPECT_EQ(qn("SELECT count(*) FROM media"), rows + 2);
}

TEST_F(UploadApi, AuthSignsADirectUpload) {
  auto r = call("GET", "/api/upload/auth", "", "");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = r.json().as_object();
  const std::string token = str(body.at("token"));
  const auto expire = body.at("expire").as_int64();
  EXPECT_FALSE(token.empty());
  EXPECT_GT(expire, 0);
  EXPECT_EQ(str(body.at("signature")), hmac_sha1_hex(FakeImageKit::kPrivateKey, token + std::to_string(expire)));
  EXPECT_EQ(str(body.at("publicKey")), "public_test_key");
  EXPECT_EQ(str(body.at("urlEndpoint")), FakeImageKit::kEndpoint);
}

TEST_F(UploadApi, UrlUploadRefusesUnsafeUrls) {
  const long long sent = uploads_sent(), rows = qn("SELECT count(*) FROM media");
  for (const std::string bad :
       {"ftp://example.com/a.png", "http://user:secret@example.com/a.png", "http://127.0.0.1/a.png",
        "http://10.1.2.3/a.png", "http://192.168.0.5:8080/a.png", "http://169.254.169.254/latest/meta-data",
        "http://[::1]/a.png", "http://[fd00::1]/a.png", "http://localhost/a.png", "http://intranet/a.png",
        "http://2130706433/a.png", "not a url", "/relative/a.png"}) {
    auto r = call("POST", "/api/upload/url", json::serialize(json::object{{"imageUrl", bad}, {"type", "product"}}),
                  "application/json");
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
  }
  const std::string long_url = "https://example.com/" + std::string(3000, 'a') + ".png";
  EXPECT_EQ(
      call("POST", "/api/upload/url", json::serialize(json::object{{"imageUrl", long_url}}), "application/json").status,
      400);
  EXPECT_EQ(call("POST", "/api/upload/url", R"({"type":"product"})", "application/json").status, 400);
  EXPECT_EQ(call("POST", "/api/upload/url", R"({"imageUrl":"https://example.com/a.png","type":"document"})",
                 "application/json")
                .status,
            400);
  EXPECT_EQ(uploads_sent(), sent);
  EXPECT_EQ(qn("SELECT count(*) FROM media"), rows);
}

TEST_F(UploadApi, UrlUploadLetsImageKitFetchAndRecordsTheRow) {
  const std::string source = "https://images.example.com/photos/Wig%20Front.PNG";
  auto r = call("POST", "/api/upload/url", json::serialize(json::object{{"imageUrl", source}, {"type", "banner"}}),
                "application/json");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto data = r.json().at("data").as_object();
  const auto up = fake_->calls();
  const FakeImageKit::Call* sent = nullptr;
  for (const auto& c : up) {
    if (c.path == "/api/v1/files/upload") sent = &c;
  }
  ASSERT_NE(sent, nullptr);
  EXPECT_EQ(sent->fields.at("file"), source);
  EXPECT_EQ(sent->fields.at("folder"), "/banners");
  EXPECT_TRUE(sent->file_bytes.empty());
  EXPECT_EQ(str(data.at("sourceUrl")), source);
  EXPECT_EQ(str(data.at("filePath")).rfind("/banners/banner-", 0), 0u) << str(data.at("filePath"));
  EXPECT_EQ(
      q("SELECT concat_ws('|', type, mime_type, width, height, file_hash IS NULL, status) FROM media WHERE id = '" +
        str(data.at("id")) + "'"),
      "banner|image/png|1|1|t|active");
  EXPECT_EQ(qn("SELECT count(*) FROM admin_activities WHERE action = 'media.upload_url' AND entity_id = '" +
               str(data.at("id")) + "'"),
            1);

  // An ImageKit URL already recorded answers its row; nothing is uploaded.
  const long long uploads = uploads_sent();
  auto again =
      call("POST", "/api/upload/url", json::serialize(json::object{{"imageUrl", data.at("url")}}), "application/json");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(again.json().at("data").at("isExisting").as_bool());
  EXPECT_EQ(str(again.json().at("data").at("id")), str(data.at("id")));
  EXPECT_EQ(uploads_sent(), uploads);

  // ImageKit failing: no row.
  const long long rows = qn("SELECT count(*) FROM media");
  fake_->fail_next({FakeImageKit::server_error()});
  auto down = call("POST", "/api/upload/url", json::serialize(json::object{{"imageUrl", source}}), "application/json");
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(qn("SELECT count(*) FROM media"), rows);
}

// A details answer of ImageKit for a scripted file.
FakeReply details(const std::string& id, const std::string& file_type, const std::string& mime, int width, int height,
                  long long size) {
  return FakeReply::json(json::serialize(json::object{{"fileId", id},
                                                      {"name", "odd.bin"},
                                                      {"filePath", "/odd.bin"},
                                                      {"url", std::string(FakeImageKit::kEndpoint) + "/odd.bin"},
                                                      {"fileType", file_type},
                                                      {"mime", mime},
                                                      {"width", width},
                                                      {"height", height},
                                                      {"size", size}}));
}

TEST_F(UploadApi, RegisterRecordsADirectUploadOnce) {
  auto reg = [](const json::object& body, const std::string& query = "") {
    return call("POST", "/api/upload/register" + query, json::serialize(body), "application/json");
  };
  EXPECT_EQ(reg({{"fileId", "nosuchdirect"}, {"type", "product"}}).status, 404);
  EXPECT_EQ(reg({{"fileId", "bad/id"}}).status, 400);
  EXPECT_EQ(reg({{"fileId", "direct1"}, {"fileHash", "abc"}}).status, 400);

  const std::string hash(64, 'a');
  fake_->put("direct1", "/products/direct-one.png", "png bytes");
  auto first = reg({{"fileId", "direct1"}, {"type", "product"}, {"fileHash", hash}});
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string id = str(first.json().at("data").at("id"));
  EXPECT_EQ(q("SELECT concat_ws('|', \"fileId\", \"filePath\", type, mime_type, size, file_hash, status) FROM media"
              " WHERE id = '" +
              id + "'"),
            "direct1|/products/direct-one.png|product|image/png|9|" + hash + "|active");
  EXPECT_EQ(qn("SELECT count(*) FROM admin_activities WHERE action = 'media.register' AND entity_id = '" + id + "'"),
            1);

  // Again: the same row, no second one.
  auto again = reg({{"fileId", "direct1"}, {"type", "product"}, {"fileHash", hash}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(again.json().at("data").at("id")), id);
  EXPECT_TRUE(again.json().at("data").at("isExisting").as_bool());
  EXPECT_EQ(qn("SELECT count(*) FROM media WHERE \"fileId\" = 'direct1'"), 1);

  // Another file claiming the same bytes: a duplicate unless forced.
  fake_->put("direct2", "/products/direct-two.png");
  auto dup = reg({{"fileId", "direct2"}, {"fileHash", hash}});
  ASSERT_EQ(dup.status, 409) << dup.body;
  EXPECT_TRUE(dup.json().at("isDuplicate").as_bool());
  EXPECT_EQ(str(dup.json().at("existingFile").at("id")), id);
  auto forced = reg({{"fileId", "direct2"}, {"fileHash", hash}}, "?force=true");
  EXPECT_EQ(forced.status, 200) << forced.body;

  // What ImageKit reports decides: not an image, an unsupported type, too many pixels.
  const long long rows = qn("SELECT count(*) FROM media");
  fake_->fail_next({details("direct3", "non-image", "application/pdf", 0, 0, 100)});
  EXPECT_EQ(reg({{"fileId", "direct3"}}).status, 400);
  fake_->fail_next({details("direct3", "image", "image/svg+xml", 10, 10, 100)});
  EXPECT_EQ(reg({{"fileId", "direct3"}}).status, 400);
  fake_->fail_next({details("direct3", "image", "image/png", 10000, 5000, 100)});
  EXPECT_EQ(reg({{"fileId", "direct3"}}).status, 400);
  fake_->fail_next({details("direct3", "image", "image/png", 10, 10, 6 * 1024 * 1024)});
  EXPECT_EQ(reg({{"fileId", "direct3"}}).status, 400);
  fake_->fail_next({FakeImageKit::server_error()});
  auto down = reg({{"fileId", "direct3"}});
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(qn("SELECT count(*) FROM media"), rows);

  EXPECT_EQ(call("POST", "/api/upload/register", R"({"fileId":"direct1"})", "application/json", customer_).status, 403);
  EXPECT_EQ(
      call("POST", "/api/upload/url", R"({"imageUrl":"https://example.com/a.png"})", "application/json", "").status,
      401);
}

}  // namespace
}  // namespace wh::test
