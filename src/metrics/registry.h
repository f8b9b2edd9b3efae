// A metrics registry: named families of counters, gauges and histograms,
// each child identified by its label values, plus collectors that write
// values owned elsewhere (a cache's counters, the pool's state) at scrape
// time. render() produces the Prometheus text format (text_format.h).
//
// Families are registered at start-up; their references stay valid for the
// registry's life. Updating a child is lock-free once it exists; finding it
// takes a shared lock and no allocation, creating it an exclusive one. Label
// values must come from bounded sets (route patterns, status codes, cache
// names), never from raw request input.
#pragma once
#include <algorithm>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "metrics/histogram.h"
#include "metrics/text_format.h"

namespace wh::metrics {

namespace detail {
// Orders label-value tuples; compares stored tuples with looked-up views.
struct ValuesLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](std::string_view x, std::string_view y) { return x < y; });
  }
};
}  // namespace detail

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::vector<std::string> label_names);
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  virtual void write(TextWriter& w) const = 0;

 protected:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
};

// One metric family: a child per distinct tuple of label values.
template <typename M>
class Family final : public FamilyBase {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names, std::vector<double> bounds = {})
      : FamilyBase(std::move(name), std::move(help), std::move(label_names)), bounds_(std::move(bounds)) {}

  // The child for `values`, one per label name in order (created on first
  // use). Throws std::invalid_argument on a count mismatch.
  M& with(std::initializer_list<std::string_view> values) {
    if (values.size() != label_names_.size()) throw std::invalid_argument("label count mismatch for " + name_);
    {
      std::shared_lock lock(mu_);
      if (auto it = children_.find(values); it != children_.end()) return *it->second;
    }
    std::unique_lock lock(mu_);
    auto [it, added] = children_.try_emplace(std::vector<std::string>(values.begin(), values.end()));
    if (added) it->second = make();
    return *it->second;
  }

  void write(TextWriter& w) const override;

 private:
  std::unique_ptr<M> make() const {
    if constexpr (std::is_same_v<M, Histogram>) {
      return std::make_unique<M>(bounds_);
    } else {
      return std::make_unique<M>();
    }
  }
  std::vector<double> bounds_;
  mutable std::shared_mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<M>, detail::ValuesLess> children_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registers a family; throws std::invalid_argument for a bad or duplicate
  // name or label name.
  CounterFamily& counter(std::string name, std::string help, std::vector<std::string> labels = {});
  GaugeFamily& gauge(std::string name, std::string help, std::vector<std::string> labels = {});
  HistogramFamily& histogram(std::string name, std::string help, std::vector<std::string> labels,
                             std::vector<double> bounds = latency_buckets());
  // Writes families of its own at every render(), after the registered ones.
  void collect(std::function<void(TextWriter&)> collector);

  std::string render() const;

 private:
  template <typename M>
  Family<M>& add(std::string name, std::string help, std::vector<std::string> labels, std::vector<double> bounds);
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<FamilyBase>> families_;
  std::vector<std::function<void(TextWriter&)>> collectors_;
};

}  // namespace wh::metrics
