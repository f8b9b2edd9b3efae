// The real client address. CF-Connecting-IP / X-Forwarded-For are believed
// only when the TCP peer is a trusted proxy (Cloudflare's ranges by default)
// or the request carries the configured origin secret; otherwise anyone could
// spoof them on a direct hit to the origin, and the socket peer is the client.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace wh::security {

extern const char* const kCloudflareRanges;  // config/cloudflare-ips.txt

class IpRanges {
 public:
  // CIDRs separated by newlines, commas or spaces; '#' starts a comment.
  // Throws std::invalid_argument naming a bad entry.
  static IpRanges parse(std::string_view text);
  void add(const IpRanges& other);
  bool contains(std::string_view ip) const;
  std::size_t size() const { return ranges_.size(); }

 private:
  struct Range {
    std::array<unsigned char, 16> net{};
    int bits = 0;
    bool v6 = false;
  };
  std::vector<Range> ranges_;
};

// Normalised text of an IPv4/IPv6 address (IPv4-mapped IPv6 becomes IPv4);
// nullopt when `text` is not an address.
std::optional<std::string> normalize_ip(std::string_view text);

struct ClientIpPolicy {
  IpRanges trusted;
  std::string origin_secret_header;  // lower-case name, e.g. "x-origin-secret"
  std::string origin_secret;         // empty = not configured
};

// True when the request proves it came through our edge (constant-time compare).
bool has_origin_secret(const http::Request& req, const ClientIpPolicy& policy);
std::string resolve_client_ip(const http::Request& req, const ClientIpPolicy& policy);

}  // namespace wh::security
