// wh_eviction_bench: replays a synthetic storefront trace (trace.h) through
// LRU and S3-FIFO at several byte budgets and prints Markdown tables of hit
// ratio, byte hit ratio and cost per request. Run by bench/eviction.sh.
//
//   wh_eviction_bench [--requests N] [--seed N] [--reps N] [--quick] [--variants]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "replay.h"

namespace {

using namespace wh;
using namespace wh::bench;

struct Options {
  TraceModel model;
  int reps = 3;             // timing: the fastest of `reps` replays
  bool sensitivity = true;  // the second table: other trace shapes at one budget
  bool variants = false;    // more S3-FIFO settings
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> unsigned long long {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return std::strtoull(argv[++i], nullptr, 10);
    };
    if (a == "--requests") {
      o.model.requests = value();
    } else if (a == "--seed") {
      o.model.seed = value();
    } else if (a == "--reps") {
      o.reps = std::max(1, static_cast<int>(value()));
    } else if (a == "--quick") {
      o.model.requests = 500'000;
      o.reps = 1;
      o.sensitivity = false;
    } else if (a == "--variants") {
      o.variants = true;
    } else {
      std::fprintf(stderr, "usage: %s [--requests N] [--seed N] [--reps N] [--quick] [--variants]\n", argv[0]);
      std::exit(2);
    }
  }
  return o;
}

PolicySpec s3fifo(std::string name, cache::S3FifoOptions options) {
  return {std::move(name), [options](std::size_t b) { return std::make_unique<cache::S3Fifo>(b, options); }};
}

std::vector<PolicySpec> policies(bool variants) {
  std::vector<PolicySpec> out;
  out.push_back({"LRU", [](std::size_t b) { return std::make_unique<cache::Lru>(b); }});
  out.push_back(s3fifo("S3-FIFO", {}));
  cache::S3FifoOptions paper;
  paper.remember_erased = false;
  out.push_back(s3fifo("S3-FIFO, erase forgets", paper));
  if (variants) {
    cache::S3FifoOptions twice;
    twice.promote_at = 2;
    out.push_back(s3fifo("S3-FIFO, promote at 2 hits", twice));
    cache::S3FifoOptions wide;
    wide.small_ratio = 0.2;
    out.push_back(s3fifo("S3-FIFO, small 20%", wide));
  }
  return out;
}

ReplayOptions replay_options(const Trace& t) { return ReplayOptions{t.events.size() / 10, 100'000}; }

Result best_of(int reps, const Trace& t, const PolicySpec& p, const Budgets& b) {
  Result best = replay(t, p, b, replay_options(t));
  for (int i = 1; i < reps; ++i) {
    Result r = replay(t, p, b, replay_options(t));
    best.ns_per_request = std::min(best.ns_per_request, r.ns_per_request);
  }
  return best;
}

double mib(std::size_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }
double pct(double ratio) { return 100.0 * ratio; }

void describe(const Trace& t, const TraceModel& m) {
  std::size_t invalidations = 0, crawl = 0;
  for (const auto& e : t.events) {
    invalidations += e.kind == Event::Kind::kInvalidate;
    crawl += e.crawler;
  }
  std::printf("Trace: seed %llu, %zu shopper requests + %zu crawler requests, %zu tag flushes.\n",
              static_cast<unsigned long long>(m.seed), m.requests, crawl, invalidations);
  std::printf("Keys: %zu product-list pages (%.0f MiB), %zu product details (%.0f MiB).\n", t.list_keys,
              mib(t.list_bytes), t.keys.size() - t.list_keys, mib(t.detail_bytes));
  std::printf("Counted after the first 10%% of events; \"after crawl\": the next 100,000 shopper requests.\n\n");
}

void header(const char* first) {
  std::printf("| %s | policy | hit ratio | byte hit ratio | lists | details | after crawl | ns/request |\n", first);
  std::printf("|---|---|---:|---:|---:|---:|---:|---:|\n");
}

void row(const std::string& first, const PolicySpec& p, const Result& r) {
  char after[16] = "-";  // no crawl in the trace
  if (r.after_scan.requests > 0) std::snprintf(after, sizeof after, "%.1f%%", pct(r.after_scan.ratio()));
  std::printf("| %s | %s | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %s | %.0f |\n", first.c_str(), p.name.c_str(),
              pct(r.all.ratio()), pct(r.all.byte_ratio()), pct(r.lists.ratio()), pct(r.detail.ratio()), after,
              r.ns_per_request);
}

Budgets share_of(const Trace& t, double share) {
  return Budgets{static_cast<std::size_t>(share * static_cast<double>(t.list_bytes)),
                 static_cast<std::size_t>(share * static_cast<double>(t.detail_bytes)), 8};
}

void budget_table(const Options& o, const Trace& t, const std::vector<PolicySpec>& ps) {
  std::printf("### By budget (each instance gets the share of its own working set)\n\n");
  header("budget");
  for (double share : {0.05, 0.10, 0.25, 0.50}) {
    char label[32];
    std::snprintf(label, sizeof label, "%.0f%%", pct(share));
    for (const auto& p : ps) row(label, p, best_of(o.reps, t, p, share_of(t, share)));
  }
  // src/cache/instances.cc: product_lists 64 MiB, product_detail 32 MiB.
  const Budgets production{64u << 20, 32u << 20, 8};
  char label[64];
  std::snprintf(label, sizeof label, "64+32 MiB (%.0f%%/%.0f%%)", pct(64.0 / mib(t.list_bytes)),
                pct(32.0 / mib(t.detail_bytes)));
  for (const auto& p : ps) row(label, p, best_of(o.reps, t, p, production));
  std::printf("\n");
}

void sensitivity_table(const Options& o, const std::vector<PolicySpec>& ps) {
  struct Scenario {
    const char* name;
    TraceModel model;
  };
  std::vector<Scenario> scenarios;
  auto add = [&](const char* name, auto change) {
    TraceModel m = o.model;
    change(m);
    scenarios.push_back({name, m});
  };
  add("as above", [](TraceModel&) {});
  add("no crawler", [](TraceModel& m) { m.scan_at = -1; });
  add("no writes", [](TraceModel& m) { m.product_write_every = m.category_write_every = 0; });
  add("writes 10x as often", [](TraceModel& m) { m.product_write_every /= 10; });
  add("flatter popularity", [](TraceModel& m) {
    m.product_zipf = 0.8;
    m.page_zipf = 1.2;
  });
  add("other seed", [](TraceModel& m) { m.seed += 1000; });
  std::printf("### Other trace shapes, at 10%% of the working set\n\n");
  header("trace");
  for (const auto& s : scenarios) {
    const Trace t = make_trace(s.model);
    for (const auto& p : ps) row(s.name, p, best_of(1, t, p, share_of(t, 0.10)));
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const auto ps = policies(o.variants);
  const Trace t = make_trace(o.model);
  describe(t, o.model);
  budget_table(o, t, ps);
  if (o.sensitivity) sensitivity_table(o, ps);
  return 0;
}
