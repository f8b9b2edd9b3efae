// A request-body limit for part of the URL space, as the server applies it
// (http::ServerOptions::body_limits). Plain data, free of Beast types.
#pragma once
#include <cstddef>
#include <string>

namespace wh::http {

// The body limit of the paths at or below `path`, matched on whole decoded
// segments as the router matches them ("/api/upload" covers
// "/api/upload/batch", not "/api/uploads"): upload routes take more than
// the default, others may take less.
struct BodyLimit {
  std::string path;
  std::size_t max_bytes = 0;
};

}  // namespace wh::http
