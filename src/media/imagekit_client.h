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
//   copy          POST .../v1/files/copy {sourceFilePath, destinationPath,
//                 includeFileVersions: false}
//   list_files    GET  .../v1/files?path&type&sort&skip&limit&searchQuery
//                 (files and folders)
//   create_folder POST .../v1/folder {folderName, parentFolderPath}
//   delete_folder DELETE .../v1/folder {folderPath} (and everything in it)
// Each with HTTP Basic auth (the private key as user, empty password) and
// IMAGEKIT_TIMEOUT_MS. upload_auth() signs direct browser uploads, so image
// bytes need not pass through the origin at all.
//
// Every answer is classified, never thrown (ImageKitError). Nothing is
// logged here; an error's message never contains the key. Callers must hold
// no pooled database connection while awaiting these.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/config.h"
#include "core/task.h"

namespace wh::http {
class OutboundClient;
struct OutboundRequest;
}  // namespace wh::http

namespace wh::media {

// What ImageKit reports of a file: the upload answer, file details and a
// listing's file entries alike.
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
  std::string created_at;  // ISO 8601 as ImageKit sent it; "" in an upload answer
  std::string updated_at;
};

// A folder entry of a listing.
struct ImageKitFolder {
  std::string folder_id;
  std::string name;
  std::string folder_path;  // "/products/summer"
  std::string created_at;   // ISO 8601 as ImageKit sent it
  std::string updated_at;
};

// One entry of a listing, in ImageKit's order.
using ImageKitEntry = std::variant<ImageKitFile, ImageKitFolder>;

struct ImageKitError {
  enum class Kind {
    none,
    not_configured,  // IMAGEKIT_PRIVATE_KEY unset: nothing was sent
    invalid,         // refused before sending (a file id that is not [A-Za-z0-9_-]+, no file name,
                     // a path not starting with '/', a listing's type or limit out of range)
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

// A listing of one folder (ImageKit's list and search API). The caller
// validates; the client refuses (invalid) only what would change the
// request's meaning: a path not starting with '/', a type other than the
// three below, a limit outside 1..1000.
struct ListRequest {
  std::string path = "/";    // the folder listed
  std::string type = "all";  // "file", "folder" or "all" (files and folders)
  std::string search_query;  // ImageKit's Lucene-like query; "" = none
  std::uint32_t skip = 0;
  std::uint32_t limit = 100;  // 1..1000
};

struct ListResult {
  ImageKitError error;
  // When error.ok(): newest first (sort=DESC_CREATED, as the old backend
  // asked). Entries of another type (file versions) are left out.
  std::vector<ImageKitEntry> entries;
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

// Whether `id` can be an ImageKit file id: 1-100 of [A-Za-z0-9_-]
// (anything else would change the request path). Calls refuse others.
bool plausible_file_id(std::string_view id);

// Lower-case hex HMAC-SHA1 of token + decimal expire under the private key:
// what ImageKit checks on a client-side upload.
std::string upload_signature(std::string_view private_key, std::string_view token, std::int64_t expire);

class ImageKitClient {
 public:
  // Bound of a listing's answer; every other answer is bounded at 256 KiB.
  static constexpr std::size_t kMaxListAnswerBytes = std::size_t{4} * 1024 * 1024;

  ImageKitClient(http::OutboundClient& client, const Config& config);

  // Whether a private key is configured (no call is made without one).
  bool configured() const { return !private_key_.empty(); }

  Task<FileResult> upload(const UploadRequest& request);
  Task<FileResult> details(const std::string& file_id);
  Task<ImageKitError> remove(const std::string& file_id);
  Task<BulkDeleteResult> remove_many(const std::vector<std::string>& file_ids);
  // Moves the file at `source_file_path` into the folder `destination_path`.
  Task<ImageKitError> move(const std::string& source_file_path, const std::string& destination_path);
  // Copies the file at `source_file_path` (its current version only) into
  // the folder `destination_path`.
  Task<ImageKitError> copy(const std::string& source_file_path, const std::string& destination_path);

  // One page of a folder's files and folders. The answer may be up to
  // kMaxListAnswerBytes (1000 entries); a larger one is unavailable.
  Task<ListResult> list_files(const ListRequest& request);
  // ImageKit replaces characters other than letters and digits in the name
  // with '_' and creates missing parents.
  Task<ImageKitError> create_folder(const std::string& folder_name, const std::string& parent_folder_path);
  // Deletes the folder with every file and folder in it; not_found when
  // there is no such folder.
  Task<ImageKitError> delete_folder(const std::string& folder_path);

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
