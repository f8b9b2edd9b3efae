// The low-hit-rate warning: one log line per instance whose hit rate stayed
// under the threshold over a window with enough lookups, on a fake clock.
#include "metrics/hit_rate_monitor.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "support/log_capture.h"

namespace wh::metrics {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

struct Fixture {
  Fixture() : caches([this] { return now; }) {
    cache::Policy p;
    p.name = "lists";
    p.ttl = 1h;
    lists = &caches.add(p);
    p.name = "detail";
    detail = &caches.add(p);
  }
  // `n` lookups of `distinct` different keys on `c`: the first of each key misses.
  void lookups(cache::ByteCache& c, int n, int distinct) {
    asio::io_context io;
    for (int i = 0; i < n; ++i) {
      auto key = "k" + std::to_string(i % distinct);
      auto fut = asio::co_spawn(io, c.get(key, [] { return load(); }), asio::use_future);
      io.run();
      io.restart();
      fut.get();
    }
  }
  static Task<cache::Entry> load() {
    cache::Entry e;
    e.body = "{}";
    co_return e;
  }
  HitRateOptions options() {
    HitRateOptions o;
    o.window = 5min;
    o.min_lookups = 200;
    o.warn_below = 0.70;
    return o;
  }

  cache::Clock::time_point now = cache::Clock::time_point(1000h);
  cache::Registry caches;
  cache::ByteCache* lists = nullptr;
  cache::ByteCache* detail = nullptr;
};

// The "cache hit rate low" lines of a captured log.
std::vector<boost::json::object> warnings(const std::string& log) {
  std::vector<boost::json::object> out;
  std::size_t pos = 0;
  while (pos < log.size()) {
    auto end = log.find('\n', pos);
    if (end == std::string::npos) end = log.size();
    auto line = log.substr(pos, end - pos);
    pos = end + 1;
    if (line.find("cache hit rate low") == std::string::npos) continue;
    out.push_back(boost::json::parse(line.substr(line.find('{'))).as_object());  // after any logger prefix
  }
  return out;
}

TEST(HitRateMonitorTest, WarnsForAnInstanceUnderTheThresholdOverAFullWindow) {
  Fixture f;
  HitRateMonitor m(f.caches, f.options(), [&f] { return f.now; });
  f.lookups(*f.lists, 300, 100);  // 100 misses, 200 hits: 66.7 %
  f.lookups(*f.detail, 300, 10);  // 10 misses: 96.7 %
  f.now += 4min;
  EXPECT_TRUE(m.tick().empty()) << "the window is not over yet";
  f.now += 1min;
  test::StdoutCapture capture;
  auto low = m.tick();
  capture.restore();
  ASSERT_EQ(low.size(), 1u);
  EXPECT_EQ(low[0].cache, "lists");
  EXPECT_EQ(low[0].lookups, 300u);
  EXPECT_EQ(low[0].hits, 200u);
  auto lines = warnings(capture.text());
  ASSERT_EQ(lines.size(), 1u) << capture.text();
  EXPECT_EQ(lines[0].at("level"), "warn");
  EXPECT_EQ(lines[0].at("cache"), "lists");
  EXPECT_DOUBLE_EQ(lines[0].at("hit_rate").to_number<double>(), 0.6667);
  EXPECT_EQ(lines[0].at("lookups").to_number<int>(), 300);
  EXPECT_EQ(lines[0].at("window_s").to_number<int>(), 300);
}

TEST(HitRateMonitorTest, TooFewLookupsGiveNoVerdict) {
  Fixture f;
  HitRateMonitor m(f.caches, f.options(), [&f] { return f.now; });
  f.lookups(*f.lists, 150, 150);  // every one a miss, but only 150
  f.now += 5min;
  EXPECT_TRUE(m.tick().empty());
}

TEST(HitRateMonitorTest, EachWindowIsJudgedOnItsOwnLookups) {
  Fixture f;
  f.lookups(*f.lists, 300, 300);  // before the monitor: all misses, not judged
  HitRateMonitor m(f.caches, f.options(), [&f] { return f.now; });
  f.lookups(*f.lists, 300, 300);  // the same keys again: all hits now
  f.now += 5min;
  EXPECT_TRUE(m.tick().empty());
  f.lookups(*f.lists, 250, 250);  // hits again (nothing expired)
  f.caches.clear();
  f.lookups(*f.lists, 250, 250);  // all misses after the flush: 50 %
  f.now += 5min;
  auto low = m.tick();
  ASSERT_EQ(low.size(), 1u);
  EXPECT_EQ(low[0].lookups, 500u);
  EXPECT_DOUBLE_EQ(low[0].hit_rate, 0.5);
}

TEST(HitRateMonitorTest, TheBackgroundTaskTicksOncePerWindow) {
  cache::Registry caches;
  cache::Policy p;
  p.name = "c";
  auto& c = caches.add(p);
  HitRateOptions o;
  o.window = 20ms;
  o.min_lookups = 1;
  HitRateMonitor m(caches, o);
  asio::io_context io;
  auto fut = asio::co_spawn(io, c.get("k", [] { return Fixture::load(); }), asio::use_future);
  io.run();
  io.restart();
  fut.get();
  test::StdoutCapture capture;
  asio::co_spawn(io, run_hit_rate_monitor(io.get_executor(), m), asio::detached);
  io.run_for(70ms);
  capture.restore();
  EXPECT_EQ(warnings(capture.text()).size(), 1u) << capture.text();
}

}  // namespace
}  // namespace wh::metrics
