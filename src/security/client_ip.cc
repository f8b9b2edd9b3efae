#include "security/client_ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "core/crypto.h"

namespace wh::security {

namespace {

struct Parsed {
  std::array<unsigned char, 16> bytes{};
  bool v6 = false;
  bool mapped = false;  // written as IPv4-mapped IPv6, stored as IPv4
};

std::optional<Parsed> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  std::string s(text);
  Parsed p;
  if (inet_pton(AF_INET, s.c_str(), p.bytes.data()) == 1) return p;
  if (inet_pton(AF_INET6, s.c_str(), p.bytes.data()) == 1) {
    static constexpr unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(p.bytes.data(), mapped, 12) == 0) {
      std::memmove(p.bytes.data(), p.bytes.data() + 12, 4);
      std::memset(p.bytes.data() + 4, 0, 12);
      p.mapped = true;
      return p;
    }
    p.v6 = true;
    return p;
  }
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> normalize_ip(std::string_view text) {
  auto p = parse_ip(trim(text));
  if (!p) return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(p->v6 ? AF_INET6 : AF_INET, p->bytes.data(), buf, sizeof buf) == nullptr) return std::nullopt;
  return std::string(buf);
}

std::optional<std::string> client_network(std::string_view text, int ipv6_prefix) {
  auto p = parse_ip(trim(text));
  if (!p) return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  if (!p->v6) {
    if (inet_ntop(AF_INET, p->bytes.data(), buf, sizeof buf) == nullptr) return std::nullopt;
    return std::string(buf);
  }
  int bits = std::clamp(ipv6_prefix, 0, 128);
  for (int i = 0; i < 16; ++i) {
    int keep = std::clamp(bits - 8 * i, 0, 8);
    p->bytes[static_cast<std::size_t>(i)] &= static_cast<unsigned char>(0xFF00 >> keep);
  }
  if (inet_ntop(AF_INET6, p->bytes.data(), buf, sizeof buf) == nullptr) return std::nullopt;
  return std::string(buf) + "/" + std::to_string(bits);
}

IpRanges IpRanges::parse(std::string_view text) {
  IpRanges out;
  auto add_entry = [&](std::string_view entry) {
    entry = trim(entry);
    if (entry.empty()) return;
    auto slash = entry.find('/');
    auto ip = parse_ip(entry.substr(0, slash));
    if (!ip) throw std::invalid_argument("bad address in IP ranges: " + std::string(entry));
    // Prefix lengths count in the address family as written.
    int written_bits = ip->v6 || ip->mapped ? 128 : 32;
    int bits = written_bits;
    if (slash != std::string_view::npos) {
      std::string b(entry.substr(slash + 1));
      char* end = nullptr;
      long n = std::strtol(b.c_str(), &end, 10);
      if (b.empty() || *end != '\0' || n < 0 || n > written_bits || (ip->mapped && n < 96)) {
        throw std::invalid_argument("bad prefix length in IP ranges: " + std::string(entry));
      }
      bits = static_cast<int>(n);
    }
    if (ip->mapped) bits -= 96;
    out.ranges_.push_back({ip->bytes, bits, ip->v6});
  };
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    while (!line.empty()) {
      auto sep = line.find_first_of(", \t\r");
      add_entry(line.substr(0, sep));
      line = sep == std::string_view::npos ? std::string_view() : line.substr(sep + 1);
    }
  }
  return out;
}

void IpRanges::add(const IpRanges& other) { ranges_.insert(ranges_.end(), other.ranges_.begin(), other.ranges_.end()); }

bool IpRanges::contains(std::string_view ip) const {
  auto p = parse_ip(ip);
  if (!p) return false;
  for (const auto& r : ranges_) {
    if (r.v6 != p->v6) continue;
    int full = r.bits / 8, rest = r.bits % 8;
    if (std::memcmp(r.net.data(), p->bytes.data(), static_cast<std::size_t>(full)) != 0) continue;
    if (rest != 0) {
      unsigned char mask = static_cast<unsigned char>(0xFF << (8 - rest));
      if ((r.net[static_cast<std::size_t>(full)] & mask) != (p->bytes[static_cast<std::size_t>(full)] & mask)) continue;
    }
    return true;
  }
  return false;
}

bool has_origin_secret(const http::Request& req, const ClientIpPolicy& policy) {
  if (policy.origin_secret.empty()) return false;
  auto v = req.header(policy.origin_secret_header);
  return v && constant_time_equal(*v, policy.origin_secret);
}

std::string resolve_client_ip(const http::Request& req, const ClientIpPolicy& policy) {
  auto peer = normalize_ip(req.peer_ip).value_or(req.peer_ip);
  const bool secret = has_origin_secret(req, policy);
  if (secret) {
    // Our Worker's subrequest: CF-Connecting-IP names the Worker, X-Client-IP the shopper.
    if (auto xci = req.header("x-client-ip")) {
      if (auto ip = normalize_ip(*xci)) return *ip;
    }
  }
  if (!secret && !policy.trusted.contains(peer)) return peer;
  if (auto cf = req.header("cf-connecting-ip")) {
    if (auto ip = normalize_ip(*cf)) return *ip;
  }
  if (auto xff = req.header("x-forwarded-for")) {
    // Right to left: the first hop that is not one of our proxies is the client.
    std::string_view list = *xff;
    while (!list.empty()) {
      auto comma = list.rfind(',');
      std::string_view hop = trim(comma == std::string_view::npos ? list : list.substr(comma + 1));
      list = comma == std::string_view::npos ? std::string_view() : list.substr(0, comma);
      auto ip = normalize_ip(hop);
      if (!ip) break;
      if (!policy.trusted.contains(*ip)) return *ip;
    }
  }
  return peer;
}

}  // namespace wh::security
