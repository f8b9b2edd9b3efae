// The real client address. CF-Connecting-IP / X-Forwarded-For are believed
// only when the TCP peer is a trusted proxy (Cloudflare's ranges by default)
// or the request carries the configured origin secret; otherwise anyone could
// spoof them on a direct hit to the origin, and the socket peer is the client.
// X-Client-IP, set by our Cloudflare Worker (whose subrequests carry the
// Worker's own CF-Connecting-IP), is believed only with the origin secret,
// and then before the others.
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
  // CIDRs (or single addresses) separated by newlines, commas or spaces;
  // '#' starts a comment. An IPv4-mapped IPv6 CIDR is the IPv4 one
  // (::ffff:10.0.0.0/104 is 10.0.0.0/8). Throws std::invalid_argument naming
  // a bad entry.
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

// The network an address is counted under by per-client limits: an IPv4
// address (also written IPv4-mapped) is itself, an IPv6 address is its
// network of `ipv6_prefix` bits in CIDR text ("2001:db8:1:2::/64"), because
// one subscriber usually owns a whole /64 and could otherwise rotate through
// addresses to escape a limit. nullopt when `text` is not an address.
std::optional<std::string> client_network(std::string_view text, int ipv6_prefix);

struct ClientIpPolicy {
  IpRanges trusted;
  std::string origin_secret_header;  // lower-case name, e.g. "x-origin-secret"
  std::string origin_secret;         // empty = not configured
};

// True when the request proves it came through our edge (constant-time compare).
bool has_origin_secret(const http::Request& req, const ClientIpPolicy& policy);
std::string resolve_client_ip(const http::Request& req, const ClientIpPolicy& policy);

}  // namespace wh::security
