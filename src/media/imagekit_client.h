// ImageKit's HTTP API as the uploads and the media library use it, through
// the server's one outbound client (http/client.h), so a call never blocks an
// event-loop thread:
//   upload        POST {IMAGEKIT_UPLOAD_BASE_URL}/api/v1/files/upload (multipart:
//                 file, fileName, folder, useUniqueFileName, tags)
//   details       GET  {IMAGEKIT_API_BASE_URL}/v1/files/{fileId}/details
//   remove        DELETE .../v1/files/{fileId}
//   remove_many   POST .../v1/files/batch/deleteByFileIds {fileIds}
//   move          POST .../v1/files/move {sourceFilePath, destinationPath}
//                 (the trash folder and back)
// Each with HTTP Basic auth (the private key as user, empty password) and
// IMAGEKIT_TIMEOUT_MS. upload_auth() signs direct browser uploads, so image
// bytes need not pass through the origin at all.
//
// Every answer is classified, never thrown (ImageKitError). Nothing is
// logged here; an error's message never contains the key. Callers must hold
// no pooled database connection while awaiting these.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/task.h"

namespace wh::http {
class OutboundClient;
struct OutboundRequest;
}  // namespace wh::http

namespace wh::media {

// What ImageKit reports of a file: the upload answer and file details alike.
struct ImageKitFile {
  std::string file_id;
  std::string name;
  std::string file_path;      // "/products/wig_a1b2.jpg"
  std::string url;            // the stored URL (IMAGEKIT_URL_ENDPOINT + file_path)
  std::string thumbnail_url;  // upload's thumbnailUrl, details' thumbnail
  std::string file_type;      // "image" or "non-image"
  std::string mime;           // details' mime ("" in an upload answer)
  std::optional<std::uint32_t> width;
  std::optional<std::uint32_t> height;
  std::optional<std::uint64_t> size;  // bytes
  // metadata.pHash when ImageKit sent one: a perceptual hash, not a SHA-256.
  // ImageKit reports no content hash; de-duplication uses our own SHA-256.
  std::string phash;
};

struct ImageKitError {
  enum class Kind {
    none,
    not_configured,  // IMAGEKIT_PRIVATE_KEY unset: nothing was sent
    invalid,         // refused before sending (a file id that is not [A-Za-z0-9_-]+, no file name)
    rejected,        // ImageKit answered 4xx other than 404: `message` is ImageKit's reason
    not_found,       // 404: no such file (or path)
    unavailable,     // unreachable, timed out, 5xx, or an answer that is not ImageKit's JSON
  };
  Kind kind = Kind::none;
  int status = 0;       // ImageKit's HTTP status; 0 when none came back
  std::string message;  // ImageKit's message, or what went wrong; safe to log and to show an admin

  bool ok() const { return kind == Kind::none; }
};

struct FileResult {
  ImageKitError error;
  ImageKitFile file;  // when error.ok()
};

struct BulkDeleteResult {
  ImageKitError error;
  std::vector<std::string> deleted;  // successfullyDeletedFileIds
  std::vector<std::string> missing;  // missingFileIds (ImageKit answers 404 with them)
};

struct UploadRequest {
  // The file's bytes, copied once into the request body; must stay alive
  // until the call completes. Empty when `source_url` is set.
  std::string_view bytes;
  std::string source_url;  // ImageKit fetches this http(s) URL itself (the old /api/upload/url)
  std::string file_name;   // required
  std::string folder;      // "/products" ("" = the root)
  std::string content_type = "application/octet-stream";  // of the file part
  bool use_unique_file_name = true;
  std::vector<std::string> tags;
};

// Parameters for a browser uploading straight to ImageKit (its client-side
// upload: token, expire, signature, plus the public key).
struct UploadAuth {
  std::string token;      // a random v4 uuid, single use at ImageKit
  std::int64_t expire;    // unix seconds, IMAGEKIT_UPLOAD_AUTH_TTL_S ahead (< 1 h, ImageKit's limit)
  std::string signature;  // upload_signature(private key, token, expire)
  std::string public_key;
};

// Lower-case hex HMAC-SHA1 of token + decimal expire under the private key:
// what ImageKit checks on a client-side upload.
std::string upload_signature(std::string_view private_key, std::string_view token, std::int64_t expire);

class ImageKitClient {
 public:
  ImageKitClient(http::OutboundClient& client, const Config& config);

  // Whether a private key is configured (no call is made without one).
  bool configured() const { return !private_key_.empty(); }

  Task<FileResult> upload(const UploadRequest& request);
  Task<FileResult> details(const std::string& file_id);
  Task<ImageKitError> remove(const std::string& file_id);
  Task<BulkDeleteResult> remove_many(const std::vector<std::string>& file_ids);
  // Moves the file at `source_file_path` into the folder `destination_path`.
  Task<ImageKitError> move(const std::string& source_file_path, const std::string& destination_path);

  UploadAuth upload_auth(std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

 private:
  // A call with the Basic auth, Accept: application/json, the timeout and
  // the answer's size bound; a body when `content_type` is given.
  http::OutboundRequest request(std::string method, std::string url, std::string content_type = "",
                                std::string body = "") const;

  http::OutboundClient& client_;
  std::string private_key_;
  std::string public_key_;
  std::string upload_base_;
  std::string api_base_;
  std::string authorization_;  // "Basic base64(key:)"
  std::chrono::milliseconds timeout_;
  std::chrono::seconds auth_ttl_;
};

}  // namespace wh::media
