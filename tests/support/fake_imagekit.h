// A fake of ImageKit's upload and media APIs on loopback (over
// test::FakeHttpServer). One server answers both base URLs' paths:
//   POST   /api/v1/files/upload            multipart parsed with web/multipart.h;
//                                          stores the file, answers its JSON
//   GET    /v1/files/:id/details           the stored file, or 404
//   DELETE /v1/files/:id                   204, or 404
//   POST   /v1/files/batch/deleteByFileIds 200 {successfullyDeletedFileIds}, or
//                                          404 {missingFileIds} when any is unknown
//   POST   /v1/files/move                  204 (the file's path changes), or 404
//   POST   /v1/files/copy                  204 (a new file, or the same name at the
//                                          destination overwritten), or 404
//   GET    /v1/files?path&type&searchQuery&skip&limit
//                                          the folder's direct children as ImageKit
//                                          lists them: folders, then files, each by
//                                          path; type file (the default), folder or
//                                          all; searchQuery `name = "x"` or
//                                          `name : "prefix"` only (else 400)
//   POST   /v1/folder                      201 {} (the name's characters other than
//                                          letters and digits become '_'; parents too)
//   DELETE /v1/folder                      204 (with everything in it), or 404
// Folders are a set of paths ("/products/summer"); a file's folders exist
// while it is stored (as ImageKit creates them on upload). A missing or
// wrong `Authorization: Basic base64(kPrivateKey:)` gets 401
// {"message":...}. fail_next() scripts the next answers (500, 400 with a
// message, a delay beyond the client's timeout). Every call is recorded,
// uploads with their parsed fields and file bytes.
#pragma once
#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
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
    std::string path;                          // the target as sent, query included
    std::string route;                         // the path without the query
    std::map<std::string, std::string> query;  // decoded query parameters
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
    add_folder(parent_of(path));
  }
  // A folder (and its parents) as if created earlier.
  void put_folder(const std::string& path) {
    std::lock_guard lock(mu_);
    add_folder(folder_key(path));
  }
  bool has(const std::string& id) const {
    std::lock_guard lock(mu_);
    return files_.count(id) > 0;
  }
  bool has_folder(const std::string& path) const {
    std::lock_guard lock(mu_);
    return folders_.count(folder_key(path)) > 0;
  }
  std::string path_of(const std::string& id) const {
    std::lock_guard lock(mu_);
    auto it = files_.find(id);
    return it == files_.end() ? "" : it->second.path;
  }
  // The id of the file stored at `path` ("" when none).
  std::string id_at(const std::string& path) const {
    std::lock_guard lock(mu_);
    for (const auto& [id, f] : files_) {
      if (f.path == path) return id;
    }
    return "";
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

  // "/a/b/" and "a/b" -> "/a/b"; the root is "/".
  static std::string folder_key(std::string p) {
    if (p.empty() || p.front() != '/') p.insert(p.begin(), '/');
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    return p;
  }
  static std::string parent_of(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
  }
  // Under mu_: `folder` ("/a/b", folder_key form) and its parents.
  void add_folder(const std::string& folder) {
    for (std::string f = folder; f != "/"; f = parent_of(f)) {
      if (folders_.count(f) == 0) folders_[f] = "folder" + std::to_string(++folder_counter_);
    }
  }
  static std::string percent_decoded(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
          std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += s[i] == '+' ? ' ' : s[i];
      }
    }
    return out;
  }
  static std::map<std::string, std::string> query_of(const std::string& query) {
    std::map<std::string, std::string> out;
    std::size_t start = 0;
    while (start < query.size()) {
      auto end = query.find('&', start);
      if (end == std::string::npos) end = query.size();
      auto pair = query.substr(start, end - start);
      auto eq = pair.find('=');
      if (!pair.empty()) {
        out[percent_decoded(pair.substr(0, eq))] = eq == std::string::npos ? "" : percent_decoded(pair.substr(eq + 1));
      }
      start = end + 1;
    }
    return out;
  }
  static boost::json::object body_object(const std::string& body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    return !ec && v.is_object() ? v.as_object() : boost::json::object{};
  }
  static std::string text_of(const boost::json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
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

  // A file entry of a listing: ImageKit's list fields (`thumbnail`, `type`).
  boost::json::object listed_file_json(const Stored& f) const {
    return {{"type", "file"},
            {"fileId", f.id},
            {"name", f.name},
            {"filePath", f.path},
            {"url", std::string(kEndpoint) + f.path},
            {"thumbnail", std::string(kEndpoint) + "/tr:n-ik_ml_thumbnail" + f.path},
            {"fileType", "image"},
            {"mime", "image/png"},
            {"width", 1},
            {"height", 1},
            {"size", f.bytes.size()},
            {"tags", boost::json::array{}},
            {"createdAt", "2025-01-02T03:04:05.678Z"},
            {"updatedAt", "2025-01-02T03:04:05.678Z"}};
  }
  boost::json::object folder_json(const std::string& path, const std::string& id) const {
    return {{"type", "folder"},
            {"folderId", id},
            {"name", path.substr(path.rfind('/') + 1)},
            {"folderPath", path},
            {"createdAt", "2025-01-02T03:04:05.678Z"},
            {"updatedAt", "2025-01-02T03:04:05.678Z"}};
  }

  // Under mu_: GET /v1/files.
  FakeReply list(const Call& call) {
    auto param = [&](const char* key, const std::string& fallback) {
      auto it = call.query.find(key);
      return it == call.query.end() ? fallback : it->second;
    };
    const std::string folder = folder_key(param("path", "/"));
    const std::string type = param("type", "file");
    if (type != "file" && type != "folder" && type != "all") return message(400, "Invalid type parameter");
    long skip = 0, limit = 0;
    try {
      skip = std::stol(param("skip", "0"));
      limit = std::stol(param("limit", "1000"));
    } catch (const std::exception&) {
      return message(400, "Invalid skip or limit parameter");
    }
    if (skip < 0 || limit < 1 || limit > 1000) return message(400, "Invalid skip or limit parameter");
    // name = "x" (exact) or name : "x" (prefix).
    std::string name;
    bool prefix = false;
    if (auto q = param("searchQuery", ""); !q.empty()) {
      auto quote = q.find('"');
      auto op = q.substr(0, quote == std::string::npos ? 0 : quote);
      op.erase(std::remove(op.begin(), op.end(), ' '), op.end());
      if (quote == std::string::npos || q.back() != '"' || q.size() < quote + 2 || (op != "name=" && op != "name:")) {
        return message(400, "Your request contains invalid syntax for the searchQuery parameter.");
      }
      name = q.substr(quote + 1, q.size() - quote - 2);
      prefix = op == "name:";
    }
    const bool searching = call.query.count("searchQuery") > 0 && !param("searchQuery", "").empty();
    auto matches = [&](const std::string& n) { return !searching || (prefix ? n.rfind(name, 0) == 0 : n == name); };
    boost::json::array all;
    if (type != "file") {
      for (const auto& [path, id] : folders_) {
        if (parent_of(path) == folder && matches(path.substr(path.rfind('/') + 1)))
          all.push_back(folder_json(path, id));
      }
    }
    if (type != "folder") {
      std::map<std::string, const Stored*> by_path;
      for (const auto& [id, f] : files_) by_path[f.path] = &f;
      for (const auto& [path, f] : by_path) {
        if (parent_of(path) == folder && matches(f->name)) all.push_back(listed_file_json(*f));
      }
    }
    boost::json::array page;
    for (std::size_t i = static_cast<std::size_t>(skip);
         i < all.size() && page.size() < static_cast<std::size_t>(limit); ++i) {
      page.push_back(all[i]);
    }
    return FakeReply::json(boost::json::serialize(page));
  }

  FakeReply answer(const RecordedRequest& r) {
    Call call;
    call.method = r.method;
    call.path = r.target;
    call.route = r.target.substr(0, r.target.find('?'));
    if (auto q = r.target.find('?'); q != std::string::npos) call.query = query_of(r.target.substr(q + 1));
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
      add_folder(parent_of(f.path));
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
        add_folder(parent_of(f.path));
        return empty(204);
      }
      return message(404, "No file found with filePath " + source);
    }
    if (call.method == "POST" && call.path == "/v1/files/copy") {
      auto body = body_object(call.body);
      const std::string source = text_of(body, "sourceFilePath");
      const std::string dest = folder_key(text_of(body, "destinationPath"));
      if (source.empty() || text_of(body, "destinationPath").empty()) {
        return message(400, "sourceFilePath and destinationPath are required");
      }
      for (const auto& [id, f] : files_) {
        if (f.path != source) continue;
        Stored copy = f;
        copy.path = (dest == "/" ? "" : dest) + "/" + f.name;
        copy.id = "file" + std::to_string(++counter_);
        for (auto& [other_id, other] : files_) {
          if (other.path == copy.path) copy.id = other_id;  // a new version of the file there
        }
        files_[copy.id] = copy;
        add_folder(dest);
        return empty(204);
      }
      return message(404, "No file found with filePath " + source);
    }
    if (call.method == "GET" && call.route == "/v1/files") return list(call);
    if (call.method == "POST" && call.route == "/v1/folder") {
      auto body = body_object(call.body);
      std::string name = text_of(body, "folderName");
      if (name.empty()) return message(400, "folderName is required");
      for (auto& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      const std::string parent = folder_key(text_of(body, "parentFolderPath"));
      add_folder((parent == "/" ? "" : parent) + "/" + name);
      return FakeReply::json("{}", 201);
    }
    if (call.method == "DELETE" && call.route == "/v1/folder") {
      const std::string raw = text_of(body_object(call.body), "folderPath");
      const std::string folder = folder_key(raw);
      if (raw.empty() || folders_.count(folder) == 0) {
        return FakeReply::json(
            boost::json::serialize(boost::json::object{
                {"message", "No folder found with folderPath " + raw}, {"help", ""}, {"reason", "FOLDER_NOT_FOUND"}}),
            404);
      }
      const std::string inside = folder + "/";
      std::erase_if(folders_, [&](const auto& kv) { return kv.first == folder || kv.first.rfind(inside, 0) == 0; });
      std::erase_if(files_, [&](const auto& kv) { return kv.second.path.rfind(inside, 0) == 0; });
      return empty(204);
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
  std::map<std::string, std::string> folders_;  // folder_key path -> folderId
  std::vector<Call> calls_;
  int counter_ = 0;
  int folder_counter_ = 0;  // apart from counter_: file ids and names stay as they were
  FakeHttpServer server_;   // last: stopped first, while the state above still exists
};

}  // namespace wh::test
