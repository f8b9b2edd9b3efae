#include "metrics/registry.h"

#include <stdexcept>
#include <type_traits>

namespace wh::metrics {

FamilyBase::FamilyBase(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {
  if (!valid_metric_name(name_)) throw std::invalid_argument("metric name: " + name_);
  for (const auto& l : label_names_) {
    if (!valid_label_name(l)) throw std::invalid_argument("label name of " + name_ + ": " + l);
  }
}

namespace {

constexpr Type type_of(const Counter*) { return Type::kCounter; }
constexpr Type type_of(const Gauge*) { return Type::kGauge; }
constexpr Type type_of(const Histogram*) { return Type::kHistogram; }

void write_value(TextWriter& w, Labels labels, const Counter& c) { w.sample(labels, c.value()); }
void write_value(TextWriter& w, Labels labels, const Gauge& g) { w.sample(labels, g.value()); }
void write_value(TextWriter& w, Labels labels, const Histogram& h) { w.histogram(labels, h.snapshot()); }

}  // namespace

template <typename M>
void Family<M>::write(TextWriter& w) const {
  w.family(name_, help_, type_of(static_cast<const M*>(nullptr)));
  std::shared_lock lock(mu_);
  std::vector<Label> labels(label_names_.size());
  for (const auto& [values, metric] : children_) {
    for (std::size_t i = 0; i < values.size(); ++i) labels[i] = Label{label_names_[i], values[i]};
    write_value(w, labels, *metric);
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

template <typename M>
Family<M>& Registry::add(std::string name, std::string help, std::vector<std::string> labels,
                         std::vector<double> bounds) {
  if constexpr (std::is_same_v<M, Histogram>) Histogram check(bounds);  // validates the bounds now
  auto family = std::make_unique<Family<M>>(std::move(name), std::move(help), std::move(labels), std::move(bounds));
  std::lock_guard lock(mu_);
  for (const auto& f : families_) {
    if (f->name() == family->name()) throw std::invalid_argument("metric registered twice: " + family->name());
  }
  auto& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

CounterFamily& Registry::counter(std::string name, std::string help, std::vector<std::string> labels) {
  return add<Counter>(std::move(name), std::move(help), std::move(labels), {});
}

GaugeFamily& Registry::gauge(std::string name, std::string help, std::vector<std::string> labels) {
  return add<Gauge>(std::move(name), std::move(help), std::move(labels), {});
}

HistogramFamily& Registry::histogram(std::string name, std::string help, std::vector<std::string> labels,
                                     std::vector<double> bounds) {
  return add<Histogram>(std::move(name), std::move(help), std::move(labels), std::move(bounds));
}

void Registry::collect(std::function<void(TextWriter&)> collector) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::render() const {
  TextWriter w;
  std::lock_guard lock(mu_);
  for (const auto& f : families_) f->write(w);
  for (const auto& c : collectors_) c(w);
  return w.take();
}

}  // namespace wh::metrics
