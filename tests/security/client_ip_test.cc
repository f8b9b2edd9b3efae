// The real client address: IP ranges, normalisation, which forwarding
// headers are believed (only from a trusted proxy or with the origin
// secret), and what depends on it over HTTP: per-IP limits, blocked IPs and
// the origin lock-down.
#include "security/client_ip.h"

#include "security/site_state.h"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "accounts/auth_test_support.h"

namespace wh::test::auth {
namespace {

using security::ClientIpPolicy;
using security::IpRanges;
using security::normalize_ip;
using security::resolve_client_ip;

// ---- IpRanges -----------------------------------------------------------------------------

TEST(ClientIpRanges, V4Cidrs) {
  auto r = IpRanges::parse("10.0.0.0/8\n192.168.1.0/24\n172.16.0.0/12\n203.0.113.7");
  EXPECT_EQ(r.size(), 4u);
  EXPECT_TRUE(r.contains("10.0.0.1"));
  EXPECT_TRUE(r.contains("10.255.255.255"));
  EXPECT_FALSE(r.contains("11.0.0.1"));
  EXPECT_TRUE(r.contains("192.168.1.0"));
  EXPECT_TRUE(r.contains("192.168.1.255"));
  EXPECT_FALSE(r.contains("192.168.2.1"));
  EXPECT_TRUE(r.contains("172.16.0.1"));
  EXPECT_TRUE(r.contains("172.31.255.255"));
  EXPECT_FALSE(r.contains("172.32.0.0"));
  EXPECT_FALSE(r.contains("172.15.255.255"));
  EXPECT_TRUE(r.contains("203.0.113.7"));  // a bare address is a /32
  EXPECT_FALSE(r.contains("203.0.113.8"));
  EXPECT_FALSE(r.contains("not an ip"));
  EXPECT_FALSE(r.contains(""));
  // IPv4-mapped IPv6 is the IPv4 address.
  EXPECT_TRUE(r.contains("::ffff:10.1.2.3"));
  EXPECT_FALSE(r.contains("::ffff:11.1.2.3"));
  // A v4 range never matches a v6 address.
  EXPECT_FALSE(r.contains("::a00:1"));
}

TEST(ClientIpRanges, V6Cidrs) {
  auto r = IpRanges::parse("2001:db8::/32\n2a06:98c0::/29\n::1");
  EXPECT_TRUE(r.contains("2001:db8::1"));
  EXPECT_TRUE(r.contains("2001:DB8:ffff::1"));
  EXPECT_FALSE(r.contains("2001:db9::1"));
  EXPECT_TRUE(r.contains("2a06:98c0::1"));
  EXPECT_TRUE(r.contains("2a06:98c7:ffff::1"));
  EXPECT_FALSE(r.contains("2a06:98c8::1"));
  EXPECT_TRUE(r.contains("::1"));
  EXPECT_FALSE(r.contains("::2"));
  EXPECT_FALSE(r.contains("127.0.0.1"));
}

TEST(ClientIpRanges, ZeroPrefixMatchesItsFamilyOnly) {
  auto v4 = IpRanges::parse("0.0.0.0/0");
  EXPECT_TRUE(v4.contains("1.2.3.4"));
  EXPECT_TRUE(v4.contains("255.255.255.255"));
  EXPECT_FALSE(v4.contains("2001:db8::1"));
  auto v6 = IpRanges::parse("::/0");
  EXPECT_TRUE(v6.contains("2001:db8::1"));
  EXPECT_FALSE(v6.contains("1.2.3.4"));
}

TEST(ClientIpRanges, CommentsCommasAndBlanks) {
  auto r = IpRanges::parse(
      "# trusted proxies\n"
      "\n"
      "10.0.0.0/8, 192.168.0.0/16 ,172.16.0.0/12  # the private ranges\n"
      "   \n"
      "2001:db8::/32# docs\n"
      "# 1.2.3.4\n");
  EXPECT_EQ(r.size(), 4u);
  EXPECT_TRUE(r.contains("192.168.5.5"));
  EXPECT_TRUE(r.contains("2001:db8::5"));
  EXPECT_FALSE(r.contains("1.2.3.4"));
  EXPECT_EQ(IpRanges::parse("").size(), 0u);
  EXPECT_EQ(IpRanges::parse("# only a comment").size(), 0u);
  EXPECT_EQ(IpRanges::parse(" , ,\n").size(), 0u);
}

TEST(ClientIpRanges, SpacesSeparateEntriesAsDocumented) {
  // client_ip.h: "CIDRs separated by newlines, commas or spaces".
  // An exception here fails the test (it used to be skipped, hiding the bug).
  IpRanges r = IpRanges::parse("10.0.0.0/8 192.168.0.0/16\t172.16.0.0/12");
  EXPECT_EQ(r.size(), 3u);
  EXPECT_TRUE(r.contains("10.1.2.3"));
  EXPECT_TRUE(r.contains("172.31.0.1"));
  EXPECT_TRUE(r.contains("192.168.1.1"));
}

TEST(ClientIpRanges, Ipv4MappedCidrsAreIpv4Ranges) {
  IpRanges r = IpRanges::parse("::ffff:10.0.0.0/104, ::ffff:192.0.2.7");
  EXPECT_TRUE(r.contains("10.200.0.1"));
  EXPECT_TRUE(r.contains("::ffff:10.1.1.1"));
  EXPECT_FALSE(r.contains("11.0.0.1"));
  EXPECT_TRUE(r.contains("192.0.2.7"));
  EXPECT_FALSE(r.contains("192.0.2.8"));
  // A mapped prefix shorter than the mapping itself names no IPv4 range.
  EXPECT_THROW(IpRanges::parse("::ffff:10.0.0.0/95"), std::invalid_argument);
}

TEST(ClientIpRanges, BadEntriesThrow) {
  for (const char* bad : {"not-an-ip", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/abc", "10.0.0.0/-1", "::1/129", "10.0.0/8",
                          "10.0.0.0/8/8", "1.2.3.4, bogus", "300.1.1.1"}) {
    EXPECT_THROW(IpRanges::parse(bad), std::invalid_argument) << bad;
  }
  try {
    IpRanges::parse("10.0.0.0/8\nbogus-entry\n");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("bogus-entry"), std::string::npos) << e.what();
  }
}

TEST(ClientIpRanges, AddMergesRanges) {
  auto r = IpRanges::parse("10.0.0.0/8");
  r.add(IpRanges::parse("127.0.0.1/32"));
  EXPECT_EQ(r.size(), 2u);
  EXPECT_TRUE(r.contains("127.0.0.1"));
  EXPECT_TRUE(r.contains("10.9.9.9"));
}

TEST(ClientIpRanges, CloudflareRangesAreEmbedded) {
  auto cf = IpRanges::parse(security::kCloudflareRanges);
  EXPECT_GE(cf.size(), 20u);
  EXPECT_TRUE(cf.contains("173.245.48.1"));
  EXPECT_TRUE(cf.contains("104.16.0.1"));
  EXPECT_TRUE(cf.contains("2606:4700::1"));
  EXPECT_FALSE(cf.contains("127.0.0.1"));
  EXPECT_FALSE(cf.contains("8.8.8.8"));
}

// ---- normalize_ip -------------------------------------------------------------------------

TEST(ClientIpNormalize, Addresses) {
  EXPECT_EQ(normalize_ip("1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(normalize_ip("  1.2.3.4 "), "1.2.3.4");
  EXPECT_EQ(normalize_ip("::ffff:1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(normalize_ip("::FFFF:7f00:1"), "127.0.0.1");
  EXPECT_EQ(normalize_ip("2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
  EXPECT_EQ(normalize_ip("::1"), "::1");
  EXPECT_EQ(normalize_ip("garbage"), std::nullopt);
  EXPECT_EQ(normalize_ip(""), std::nullopt);
  EXPECT_EQ(normalize_ip("1.2.3"), std::nullopt);
  EXPECT_EQ(normalize_ip("1.2.3.4:80"), std::nullopt);
  EXPECT_EQ(normalize_ip("1.2.3.4, 5.6.7.8"), std::nullopt);
}

// ---- resolve_client_ip --------------------------------------------------------------------

http::Request request_from(const std::string& peer, const Headers& headers) {
  http::Request r;
  r.method = "GET";
  r.path = "/api/products";
  r.peer_ip = peer;
  for (const auto& [k, v] : headers) {
    std::string name = k;
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(name, v);
  }
  return r;
}

ClientIpPolicy proxies(const std::string& ranges, const std::string& secret = "") {
  ClientIpPolicy p;
  p.trusted = IpRanges::parse(ranges);
  p.origin_secret_header = "x-origin-secret";
  p.origin_secret = secret;
  return p;
}

TEST(ClientIpResolve, UntrustedPeerIsTheClient) {
  auto p = proxies("10.0.0.0/8");
  EXPECT_EQ(resolve_client_ip(request_from("198.51.100.1", {{"CF-Connecting-IP", "203.0.113.9"}}), p), "198.51.100.1");
  EXPECT_EQ(resolve_client_ip(request_from("198.51.100.1", {{"X-Forwarded-For", "203.0.113.9"}}), p), "198.51.100.1");
  EXPECT_EQ(resolve_client_ip(request_from("::ffff:198.51.100.1", {}), p), "198.51.100.1");
}

TEST(ClientIpResolve, TrustedPeerPassesCfConnectingIp) {
  auto p = proxies("10.0.0.0/8");
  EXPECT_EQ(resolve_client_ip(request_from("10.0.0.2", {{"CF-Connecting-IP", "203.0.113.9"}}), p), "203.0.113.9");
  EXPECT_EQ(resolve_client_ip(request_from("10.0.0.2", {{"CF-Connecting-IP", "::ffff:203.0.113.9"}}), p),
            "203.0.113.9");
  // Mapped peer address is recognised as trusted.
  EXPECT_EQ(resolve_client_ip(request_from("::ffff:10.0.0.2", {{"CF-Connecting-IP", "203.0.113.9"}}), p),
            "203.0.113.9");
  // CF-Connecting-IP wins over X-Forwarded-For.
  EXPECT_EQ(
      resolve_client_ip(
          request_from("10.0.0.2", {{"CF-Connecting-IP", "203.0.113.9"}, {"X-Forwarded-For", "198.51.100.7"}}), p),
      "203.0.113.9");
  // A garbage CF-Connecting-IP is ignored.
  EXPECT_EQ(resolve_client_ip(request_from("10.0.0.2", {{"CF-Connecting-IP", "evil"}}), p), "10.0.0.2");
  EXPECT_EQ(resolve_client_ip(
                request_from("10.0.0.2", {{"CF-Connecting-IP", "evil"}, {"X-Forwarded-For", "198.51.100.7"}}), p),
            "198.51.100.7");
  // No header: the proxy itself.
  EXPECT_EQ(resolve_client_ip(request_from("10.0.0.2", {}), p), "10.0.0.2");
}

TEST(ClientIpResolve, ForwardedForIsReadRightToLeftSkippingTrustedHops) {
  auto p = proxies("10.0.0.0/8");
  // The client can prepend anything; only the hop our proxy saw counts.
  EXPECT_EQ(
      resolve_client_ip(request_from("10.0.0.2", {{"X-Forwarded-For", "1.1.1.1, 203.0.113.5, 10.0.0.9, 10.0.0.3"}}), p),
      "203.0.113.5");
  EXPECT_EQ(resolve_client_ip(request_from("10.0.0.2", {{"X-Forwarded-For", "203.0.113.5"}}), p), "203.0.113.5");
  EXPECT_EQ(resolve_client_ip(request_from("10.0.0.2", {{"X-Forwarded-For", " 203.0.113.5 ,10.0.0.3 "}}), p),
            "203.0.113.5");
  EXPECT_EQ(resolve_client_ip(request_from("10.0.0.2", {{"X-Forwarded-For", "2001:db8::5, 10.0.0.3"}}), p),
            "2001:db8::5");
  // Only trusted hops: the peer.
  EXPECT_EQ(resolve_client_ip(request_from("10.0.0.2", {{"X-Forwarded-For", "10.0.0.3, 10.0.0.4"}}), p), "10.0.0.2");
  // A garbage hop stops the walk: nothing before it is believed.
  EXPECT_EQ(resolve_client_ip(request_from("10.0.0.2", {{"X-Forwarded-For", "203.0.113.5, junk, 10.0.0.3"}}), p),
            "10.0.0.2");
}

TEST(ClientIpResolve, OriginSecretMakesHeadersTrusted) {
  auto p = proxies("10.0.0.0/8", "s3cret");
  auto with = [](const std::string& secret) {
    return request_from("198.51.100.1", {{"CF-Connecting-IP", "203.0.113.9"}, {"X-Origin-Secret", secret}});
  };
  EXPECT_TRUE(security::has_origin_secret(with("s3cret"), p));
  EXPECT_EQ(resolve_client_ip(with("s3cret"), p), "203.0.113.9");
  EXPECT_FALSE(security::has_origin_secret(with("wrong"), p));
  EXPECT_EQ(resolve_client_ip(with("wrong"), p), "198.51.100.1");
  EXPECT_EQ(resolve_client_ip(with("s3cre"), p), "198.51.100.1");
  EXPECT_EQ(resolve_client_ip(request_from("198.51.100.1", {{"CF-Connecting-IP", "203.0.113.9"}}), p), "198.51.100.1");
  // No secret configured: the header means nothing (even an empty one).
  auto none = proxies("10.0.0.0/8");
  EXPECT_FALSE(security::has_origin_secret(with(""), none));
  EXPECT_EQ(resolve_client_ip(with(""), none), "198.51.100.1");
}

TEST(ClientIpResolve, XClientIpIsBelievedOnlyWithTheOriginSecret) {
  // Our Worker: its subrequest comes from Cloudflare with the Worker's own
  // CF-Connecting-IP; it names the shopper in X-Client-IP.
  auto p = proxies("10.0.0.0/8", "s3cret");
  auto from = [](const std::string& peer, const std::string& secret, const std::string& xci) {
    Headers h{{"CF-Connecting-IP", "2a06:98c0:3600::103"}, {"X-Forwarded-For", "198.51.100.7"}};
    if (!secret.empty()) h.emplace_back("X-Origin-Secret", secret);
    if (!xci.empty()) h.emplace_back("X-Client-IP", xci);
    return request_from(peer, h);
  };
  EXPECT_EQ(resolve_client_ip(from("10.0.0.2", "s3cret", "203.0.113.9"), p), "203.0.113.9") << "preferred";
  EXPECT_EQ(resolve_client_ip(from("198.51.100.1", "s3cret", "::ffff:203.0.113.9"), p), "203.0.113.9");
  EXPECT_EQ(resolve_client_ip(from("10.0.0.2", "s3cret", "2001:DB8::9"), p), "2001:db8::9");
  // Without the secret (or with a wrong one), anyone could have written it.
  EXPECT_EQ(resolve_client_ip(from("10.0.0.2", "", "203.0.113.9"), p), "2a06:98c0:3600::103");
  EXPECT_EQ(resolve_client_ip(from("10.0.0.2", "s3creT", "203.0.113.9"), p), "2a06:98c0:3600::103");
  EXPECT_EQ(resolve_client_ip(from("198.51.100.1", "wrong", "203.0.113.9"), p), "198.51.100.1");
  // With the secret but no usable X-Client-IP: the usual headers.
  EXPECT_EQ(resolve_client_ip(from("10.0.0.2", "s3cret", "junk"), p), "2a06:98c0:3600::103");
  EXPECT_EQ(resolve_client_ip(from("10.0.0.2", "s3cret", ""), p), "2a06:98c0:3600::103");
  // No secret configured: X-Client-IP means nothing, even from a trusted proxy.
  auto none = proxies("10.0.0.0/8");
  EXPECT_EQ(resolve_client_ip(from("10.0.0.2", "", "203.0.113.9"), none), "2a06:98c0:3600::103");
}

// ---- client networks (rate-limit keys) and the block list -----------------------------------

TEST(ClientNetwork, Ipv4IsTheAddressIpv6IsItsNetwork) {
  using security::client_network;
  EXPECT_EQ(client_network("203.0.113.9", 64), "203.0.113.9");
  EXPECT_EQ(client_network("::ffff:203.0.113.9", 64), "203.0.113.9") << "IPv4-mapped IPv6 is IPv4";
  EXPECT_EQ(client_network("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64), "2001:db8:1:2::/64");
  EXPECT_EQ(client_network("2001:DB8:1:2::1", 64), client_network("2001:db8:1:2:ffff::9", 64));
  EXPECT_NE(client_network("2001:db8:1:2::1", 64), client_network("2001:db8:1:3::1", 64));
  EXPECT_EQ(client_network("2001:db8:1:2::1", 48), "2001:db8:1::/48");
  EXPECT_EQ(client_network("2001:db8:1:2::1", 56), client_network("2001:db8:1:ff::1", 56)) << "same /56";
  EXPECT_EQ(client_network("2001:db8::1", 128), "2001:db8::1/128");
  EXPECT_EQ(client_network("2001:db8:1:2:8000::1", 65), "2001:db8:1:2:8000::/65");
  EXPECT_EQ(client_network("not-an-ip", 64), std::nullopt);
  EXPECT_EQ(client_network("user@example.com", 64), std::nullopt);
}

TEST(ClientBlockList, ExactAddressesAndCidrsOfBothFamilies) {
  security::BlockList list({"203.0.113.66", "2001:DB8:0:0::66", "198.51.100.0/24", "2001:db8:bad::/48",
                            "::ffff:192.0.2.0/120", "not an address", "10.0.0.0/33"});
  EXPECT_TRUE(list.contains("203.0.113.66"));
  EXPECT_FALSE(list.contains("203.0.113.67"));
  EXPECT_TRUE(list.contains("2001:db8::66")) << "exact entries match in normalised form";
  EXPECT_TRUE(list.contains("198.51.100.0"));
  EXPECT_TRUE(list.contains("198.51.100.255"));
  EXPECT_FALSE(list.contains("198.51.101.1"));
  EXPECT_TRUE(list.contains("2001:db8:bad:1::5"));
  EXPECT_FALSE(list.contains("2001:db8:bae::5"));
  EXPECT_TRUE(list.contains("192.0.2.44"));
  EXPECT_EQ(list.ignored(), 2u) << "bad entries are ignored, not fatal";
  EXPECT_FALSE(security::BlockList({"not an address"}).contains("203.0.113.66"));
}

// ---- over HTTP -----------------------------------------------------------------------------

TEST(ClientIpHttp, SpoofedCfConnectingIpFromAnUntrustedPeerDoesNotEscapeTheLimit) {
  AuthServer s;
  s.config.rate_limit_max = 2;  // 127.0.0.1 is not one of Cloudflare's ranges
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "203.0.113.1"}}).status, 200);
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "203.0.113.2"}, {"X-Forwarded-For", "198.51.100.2"}}).status,
            200);
  auto third = s.get("/api/banners", {{"CF-Connecting-IP", "203.0.113.3"}, {"X-Forwarded-For", "198.51.100.3"}});
  EXPECT_EQ(third.status, 429) << third.body;
}

TEST(ClientIpHttp, TrustedProxyGivesEachClientItsOwnBucket) {
  AuthServer s;
  s.config.rate_limit_max = 2;
  s.config.trusted_proxies = "127.0.0.1/32";
  for (const char* ip : {"203.0.113.1", "203.0.113.2", "203.0.113.3", "2001:db8::1"}) {
    EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", ip}}).status, 200) << ip;
    EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", ip}}).status, 200) << ip;
  }
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "203.0.113.1"}}).status, 429);
  // The same client behind another Cloudflare hop (X-Forwarded-For) is still itself.
  EXPECT_EQ(s.get("/api/banners", {{"X-Forwarded-For", "203.0.113.2"}}).status, 429);
  // The proxy's own requests (no header) have their own bucket.
  EXPECT_EQ(s.get("/api/banners").status, 200);
}

TEST(ClientIpHttp, BlockedIpIsRefusedUntilUnblocked) {
  AuthServer s;
  s.config.trusted_proxies = "127.0.0.1/32";
  const Headers blocked{{"CF-Connecting-IP", "203.0.113.66"}};
  const Headers other{{"CF-Connecting-IP", "203.0.113.67"}};
  ASSERT_EQ(s.get("/api/banners", blocked).status, 200);

  s.q("INSERT INTO blocked_ips (id, ip, reason, created_at) VALUES ('cmblockedip000000000000001', '203.0.113.66',"
      " 'test', now() AT TIME ZONE 'UTC')");
  HttpResult last;
  EXPECT_TRUE(wait_until([&] {
    last = s.get("/api/banners", blocked);
    return last.status == 403;
  })) << last.status
      << " " << last.body;
  EXPECT_EQ(error_type(last), "ForbiddenError") << last.body;
  // Every path, including auth, and whatever the token.
  EXPECT_EQ(s.login(s.verified_customer(), kCustomerPassword, blocked).status, 403);
  EXPECT_EQ(s.get("/api/products?limit=1", blocked).status, 403);
  // The same address written as IPv4-mapped IPv6 is the same client.
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "::ffff:203.0.113.66"}}).status, 403);
  // Others are unaffected, and so is the proxy itself.
  EXPECT_EQ(s.get("/api/banners", other).status, 200);
  EXPECT_EQ(s.get("/api/banners").status, 200);

  s.q("DELETE FROM blocked_ips WHERE ip = '203.0.113.66'");
  EXPECT_TRUE(wait_until([&] { return s.get("/api/banners", blocked).status == 200; }));
}

TEST(ClientIpHttp, BlockedIpsPresentAtStartAreRefused) {
  AuthServer s;
  s.config.trusted_proxies = "127.0.0.1/32";
  s.q("INSERT INTO blocked_ips (id, ip, created_at) VALUES ('cmblockedip000000000000002', '203.0.113.70',"
      " now() AT TIME ZONE 'UTC')");
  EXPECT_TRUE(wait_until([&] { return s.get("/api/banners", {{"CF-Connecting-IP", "203.0.113.70"}}).status == 403; }));
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "203.0.113.71"}}).status, 200);
}

TEST(ClientIpHttp, BlockedIpv6IsMatchedWhateverItsSpelling) {
  // Admins type addresses by hand; the client address is normalised
  // (lower case, zero compression), so the block list must be too.
  AuthServer s;
  s.config.trusted_proxies = "127.0.0.1/32";
  s.q("INSERT INTO blocked_ips (id, ip, created_at) VALUES ('cmblockedip000000000000003', '2001:DB8:0:0::66',"
      " now() AT TIME ZONE 'UTC')");
  ASSERT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "2001:db8::67"}}).status, 200);
  bool blocked = wait_until([&] {
    return s.get("/api/banners", {{"CF-Connecting-IP", "2001:db8::66"}}).status == 403;
  });
  EXPECT_TRUE(blocked) << "blocked_ips holds '2001:DB8:0:0::66' but 2001:db8::66 is let through";
}

TEST(ClientIpHttp, BlockedCidrRefusesAddressesInsideIt) {
  AuthServer s;
  s.config.trusted_proxies = "127.0.0.1/32";
  s.q("INSERT INTO blocked_ips (id, ip, created_at) VALUES ('cmblockedip000000000000004', '198.51.100.0/24',"
      " now() AT TIME ZONE 'UTC'), ('cmblockedip000000000000005', '2001:db8:bad::/48', now() AT TIME ZONE 'UTC')");
  HttpResult last;
  EXPECT_TRUE(wait_until([&] {
    last = s.get("/api/banners", {{"CF-Connecting-IP", "198.51.100.77"}});
    return last.status == 403;
  })) << last.status
      << " " << last.body;
  EXPECT_EQ(error_type(last), "ForbiddenError") << last.body;
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "198.51.100.1"}}).status, 403);
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "::ffff:198.51.100.200"}}).status, 403);
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "2001:db8:bad:77::1"}}).status, 403);
  // Just outside the ranges.
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "198.51.101.1"}}).status, 200);
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "198.51.99.255"}}).status, 200);
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "2001:db8:bae::1"}}).status, 200);
}

TEST(ClientIpHttp, Ipv6ClientsShareABucketPerSlash64) {
  AuthServer s;
  s.config.rate_limit_max = 2;
  s.config.trusted_proxies = "127.0.0.1/32";
  // Two addresses of one /64: one client, one bucket.
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "2001:db8:1:2::1"}}).status, 200);
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "2001:db8:1:2:abcd::9"}}).status, 200);
  auto third = s.get("/api/banners", {{"CF-Connecting-IP", "2001:db8:1:2:ffff:ffff:ffff:ffff"}});
  EXPECT_EQ(third.status, 429) << third.body;
  // Another /64 (even the neighbouring one) has its own bucket.
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "2001:db8:1:3::1"}}).status, 200);
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "2001:db8:1:1::1"}}).status, 200);
  // IPv4 stays per address.
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "203.0.113.1"}}).status, 200);
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "203.0.113.2"}}).status, 200);
}

TEST(ClientIpHttp, Ipv6PrefixIsConfigurable) {
  AuthServer s;
  s.config.rate_limit_max = 1;
  s.config.rate_limit_ipv6_prefix = 48;
  s.config.trusted_proxies = "127.0.0.1/32";
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "2001:db8:1:2::1"}}).status, 200);
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "2001:db8:1:77::1"}}).status, 429) << "same /48";
  EXPECT_EQ(s.get("/api/banners", {{"CF-Connecting-IP", "2001:db8:2::1"}}).status, 200);
}

TEST(ClientIpHttp, OriginSecretLocksDownDirectAccess) {
  AuthServer s;
  s.config.origin_secret = "s3cret";
  auto none = s.get("/api/products?limit=1");
  EXPECT_EQ(none.status, 403) << none.body;
  EXPECT_EQ(error_type(none), "ForbiddenError");
  EXPECT_EQ(s.get("/api/products?limit=1", {{"x-origin-secret", "wrong"}}).status, 403);
  EXPECT_EQ(s.get("/api/products?limit=1", {{"x-origin-secret", ""}}).status, 403);
  EXPECT_EQ(s.get("/api/products?limit=1", {{"x-origin-secret", "s3cret"}}).status, 200);
  EXPECT_EQ(s.login(s.verified_customer(), kCustomerPassword).status, 403);
  EXPECT_EQ(s.login(s.verified_customer(), kCustomerPassword, {{"x-origin-secret", "s3cret"}}).status, 200);
  // Health checks need no secret.
  EXPECT_EQ(s.get("/healthz").status, 200);
  EXPECT_EQ(s.get("/api/health").status, 200);
  EXPECT_EQ(s.get("/readyz").status, 200);
}

TEST(ClientIpHttp, OriginSecretHeaderNameIsConfigurable) {
  AuthServer s;
  s.config.origin_secret = "s3cret";
  s.config.origin_secret_header = "x-edge-key";
  EXPECT_EQ(s.get("/api/banners", {{"x-origin-secret", "s3cret"}}).status, 403);
  EXPECT_EQ(s.get("/api/banners", {{"X-Edge-Key", "s3cret"}}).status, 200);
}

TEST(ClientIpHttp, OriginSecretLetsTheEdgeNameTheClient) {
  AuthServer s;
  s.config.origin_secret = "s3cret";
  s.config.rate_limit_max = 1;
  const Headers a{{"x-origin-secret", "s3cret"}, {"CF-Connecting-IP", "203.0.113.1"}};
  const Headers b{{"x-origin-secret", "s3cret"}, {"CF-Connecting-IP", "203.0.113.2"}};
  EXPECT_EQ(s.get("/api/banners", a).status, 200);
  EXPECT_EQ(s.get("/api/banners", b).status, 200);
  EXPECT_EQ(s.get("/api/banners", a).status, 429);
}

TEST(ClientIpHttp, TheWorkersXClientIpGivesEachShopperItsOwnBucket) {
  // Every Worker subrequest has the same CF-Connecting-IP; X-Client-IP with
  // the secret tells the shoppers apart.
  AuthServer s;
  s.config.origin_secret = "s3cret";
  s.config.rate_limit_max = 1;
  auto via_worker = [](const std::string& shopper) {
    return Headers{
        {"x-origin-secret", "s3cret"}, {"CF-Connecting-IP", "2a06:98c0:3600::103"}, {"X-Client-IP", shopper}};
  };
  EXPECT_EQ(s.get("/api/banners", via_worker("203.0.113.1")).status, 200);
  EXPECT_EQ(s.get("/api/banners", via_worker("203.0.113.2")).status, 200);
  EXPECT_EQ(s.get("/api/banners", via_worker("203.0.113.1")).status, 429);
  // A forged X-Client-IP without the secret is refused by the lock-down.
  EXPECT_EQ(s.get("/api/banners", {{"X-Client-IP", "203.0.113.3"}}).status, 403);
}

}  // namespace
}  // namespace wh::test::auth
