// A fake of ImageKit's upload and media APIs on loopback (over
// test::FakeHttpServer). One server answers both base URLs' paths:
//   POST   /api/v1/files/upload            multipart parsed with web/multipart.h;
//                                          stores the file, answers its JSON
//   GET    /v1/files/:id/details           the stored file, or 404
//   DELETE /v1/files/:id                   204, or 404
//   POST   /v1/files/batch/deleteByFileIds 200 {successfullyDeletedFileIds}, or
//                                          404 {missingFileIds} when any is unknown
//   POST   /v1/files/move                  204 (the file's path changes), or 404
// A missing or wrong `Authorization: Basic base64(kPrivateKey:)` gets 401
// {"message":...}. fail_next() scripts the next answers (500, 400 with a
// message, a delay beyond the client's timeout). Every call is recorded,
// uploads with their parsed fields and file bytes.
#pragma once
#include <boost/json.hpp>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/fake_http_server.h"
#include "web/multipart.h"

namespace wh::test {

class FakeImageKit {
 public:
  static constexpr const char* kPrivateKey = "private_test_Zm9vYmFy0123456789";
  // base64("private_test_Zm9vYmFy0123456789:"), computed independently of the client.
  static constexpr const char* kBasicAuth = "Basic cHJpdmF0ZV90ZXN0X1ptOXZZbUZ5MDEyMzQ1Njc4OTo=";
  static constexpr const char* kEndpoint = "https://ik.imagekit.io/wighaven";

  struct Call {
    std::string method;
    std::string path;
    std::string authorization;
    std::string content_type;
    std::string body;
    std::map<std::string, std::string> fields;  // an upload's text fields
    std::string file_name;                      // the file part's filename
    std::string file_content_type;
    std::string file_bytes;  // the file part's data
    bool multipart_ok = false;
  };

  struct Stored {
    std::string id;
    std::string name;
    std::string path;
    std::string bytes;
  };

  FakeImageKit() {
    server_.set_handler([this](const RecordedRequest& r) { return answer(r); });
  }

  std::string base_url() const {
    auto u = server_.url("/");
    return u.substr(0, u.size() - 1);
  }

  // The next answers, in order, before any normal handling.
  void fail_next(std::vector<FakeReply> replies) {
    std::lock_guard lock(mu_);
    for (auto& r : replies) script_.push_back(std::move(r));
  }
  static FakeReply server_error() { return FakeReply::json(R"({"message":"Internal server error"})", 500); }
  static FakeReply bad_request(const std::string& message) {
    return FakeReply::json(boost::json::serialize(boost::json::object{{"message", message}, {"help", "see docs"}}),
                           400);
  }

  // A file as if uploaded earlier (for details, delete and move tests).
  void put(const std::string& id, const std::string& path, std::string bytes = "x") {
    std::lock_guard lock(mu_);
    files_[id] = Stored{id, path.substr(path.rfind('/') + 1), path, std::move(bytes)};
  }
  bool has(const std::string& id) const {
    std::lock_guard lock(mu_);
    return files_.count(id) > 0;
  }
  std::string path_of(const std::string& id) const {
    std::lock_guard lock(mu_);
    auto it = files_.find(id);
    return it == files_.end() ? "" : it->second.path;
  }
  std::vector<Call> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  static FakeReply message(int status, const std::string& text) {
    return FakeReply::json(boost::json::serialize(boost::json::object{{"message", text}, {"help", ""}}), status);
  }
  static FakeReply empty(int status) {
    FakeReply r;
    r.status = status;
    return r;
  }

  boost::json::object file_json(const Stored& f) const {
    return {{"fileId", f.id},
            {"name", f.name},
            {"filePath", f.path},
            {"url", std::string(kEndpoint) + f.path},
            {"thumbnailUrl", std::string(kEndpoint) + "/tr:n-ik_ml_thumbnail" + f.path},
            {"fileType", "image"},
            {"mime", "image/png"},
            {"width", 1},
            {"height", 1},
            {"size", f.bytes.size()},
            {"metadata", boost::json::object{{"pHash", "90249d9b1fc74367"}}}};
  }

  FakeReply answer(const RecordedRequest& r) {
    Call call;
    call.method = r.method;
    call.path = r.target;
    call.authorization = r.header("authorization");
    call.content_type = r.header("content-type");
    call.body = r.body;
    if (r.method == "POST" && r.target == "/api/v1/files/upload") {
      try {
        auto form =
            web::multipart::parse(call.content_type, call.body, web::multipart::Limits{20, 4096, 8 << 20, 9 << 20});
        for (const auto& p : form.parts) {
          if (p.filename) {
            call.file_name = *p.filename;
            call.file_content_type = p.content_type;
            call.file_bytes = std::string(p.data);
          } else {
            call.fields[p.name] = std::string(p.data);
          }
        }
        call.multipart_ok = true;
      } catch (const std::exception&) {
      }
    }
    std::lock_guard lock(mu_);
    calls_.push_back(call);
    if (!script_.empty()) {
      auto reply = script_.front();
      script_.pop_front();
      return reply;
    }
    if (call.authorization != kBasicAuth) return message(401, "Your request does not contain private API key.");
    return route(call);
  }

  FakeReply route(const Call& call) {
    const std::string files = "/v1/files/";
    if (call.method == "POST" && call.path == "/api/v1/files/upload") {
      if (!call.multipart_ok) return message(400, "Invalid multipart body");
      auto name = call.fields.count("fileName") ? call.fields.at("fileName") : "";
      if (name.empty()) return message(400, "Missing fileName parameter for upload");
      bool from_url = call.fields.count("file") > 0;
      if (!from_url && call.file_bytes.empty()) return message(400, "Missing file parameter for upload");
      std::string folder = call.fields.count("folder") ? call.fields.at("folder") : "/";
      if (folder.empty() || folder.back() != '/') folder += "/";
      if (call.fields.count("useUniqueFileName") == 0 || call.fields.at("useUniqueFileName") == "true") {
        auto dot = name.rfind('.');
        name = name.substr(0, dot) + "_u" + std::to_string(++counter_) +
               (dot == std::string::npos ? "" : name.substr(dot));
      }
      Stored f{"file" + std::to_string(++counter_), name, folder + name, from_url ? "(fetched)" : call.file_bytes};
      files_[f.id] = f;
      return FakeReply::json(boost::json::serialize(file_json(f)));
    }
    if (call.method == "POST" && call.path == "/v1/files/batch/deleteByFileIds") {
      auto body = boost::json::parse(call.body).as_object();
      boost::json::array missing;
      for (const auto& id : body.at("fileIds").as_array()) {
        if (files_.count(std::string(id.as_string())) == 0) missing.push_back(id);
      }
      if (!missing.empty()) {
        return FakeReply::json(boost::json::serialize(boost::json::object{
                                   {"message", "The requested file(s) does not exist."}, {"missingFileIds", missing}}),
                               404);
      }
      for (const auto& id : body.at("fileIds").as_array()) files_.erase(std::string(id.as_string()));
      return FakeReply::json(
          boost::json::serialize(boost::json::object{{"successfullyDeletedFileIds", body.at("fileIds")}}));
    }
    if (call.method == "POST" && call.path == "/v1/files/move") {
      auto body = boost::json::parse(call.body).as_object();
      std::string source(body.at("sourceFilePath").as_string());
      std::string dest(body.at("destinationPath").as_string());
      for (auto& [id, f] : files_) {
        if (f.path != source) continue;
        if (dest.empty() || dest.back() != '/') dest += "/";
        f.path = dest + f.name;
        return empty(204);
      }
      return message(404, "No file found with filePath " + source);
    }
    if (call.path.rfind(files, 0) == 0) {
      std::string rest = call.path.substr(files.size());
      bool details = rest.size() > 8 && rest.substr(rest.size() - 8) == "/details";
      std::string id = details ? rest.substr(0, rest.size() - 8) : rest;
      auto it = files_.find(id);
      if (it == files_.end()) return message(404, "The requested file does not exist.");
      if (call.method == "GET" && details) return FakeReply::json(boost::json::serialize(file_json(it->second)));
      if (call.method == "DELETE" && !details) {
        files_.erase(it);
        return empty(204);
      }
    }
    return message(404, "Not found");
  }

  mutable std::mutex mu_;
  std::deque<FakeReply> script_;
  std::map<std::string, Stored> files_;
  std::vector<Call> calls_;
  int counter_ = 0;
  FakeHttpServer server_;  // last: stopped first, while the state above still exists
};

}  // namespace wh::test
