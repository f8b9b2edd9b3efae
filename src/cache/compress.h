// Precompression of cached response bodies (zlib gzip, brotli), done once
// per load so that every hit sends the smaller bytes at no CPU cost.
#pragma once
#include <string>
#include <string_view>

namespace wh::cache {

// Bodies smaller than this are sent as they are: the saving would not pay
// for the headers and the client's decompression.
inline constexpr std::size_t kCompressMinBytes = 1024;

// A gzip member (RFC 1952) of `data`; "" when compression fails.
std::string gzip(std::string_view data);
// A brotli stream (RFC 7932) of `data`; "" when compression fails.
std::string brotli(std::string_view data);

enum class Encoding { kIdentity, kGzip, kBrotli };

// The best encoding the client accepts among those available, from an
// Accept-Encoding header value (q=0 refuses a coding).
Encoding choose_encoding(std::string_view accept_encoding, bool have_gzip, bool have_brotli);

}  // namespace wh::cache
