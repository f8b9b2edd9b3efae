#include "audit/metric_samples.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

namespace wh::audit {

namespace {

std::optional<double> number(std::string_view s) {
  if (s == "+Inf" || s == "Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  std::string text(s);
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

// `name{a="x",b="y"} value` (labels optional; a timestamp after the value is
// ignored). False when the line does not parse.
bool parse_line(std::string_view line, Sample& out) {
  std::size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  out.name = std::string(line.substr(0, i));
  if (out.name.empty()) return false;
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      auto eq = line.find('=', i);
      if (eq == std::string_view::npos || eq + 1 >= line.size() || line[eq + 1] != '"') return false;
      std::string key(line.substr(i, eq - i));
      std::string value;
      std::size_t j = eq + 2;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size()) {
          ++j;
          value += line[j] == 'n' ? '\n' : line[j];
        } else {
          value += line[j];
        }
      }
      if (j >= line.size()) return false;
      out.labels.emplace(std::move(key), std::move(value));
      i = j + 1;
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return false;
    ++i;  // '}'
  }
  while (i < line.size() && line[i] == ' ') ++i;
  auto rest = line.substr(i);
  auto v = number(rest.substr(0, rest.find(' ')));
  if (!v) return false;
  out.value = *v;
  return true;
}

bool matches(const Sample& s, const std::map<std::string, std::string>& match) {
  for (const auto& [k, v] : match) {
    auto it = s.labels.find(k);
    if (it == s.labels.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

MetricSamples MetricSamples::parse(std::string_view text) {
  MetricSamples out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    Sample s;
    if (parse_line(line, s)) {
      out.samples_.push_back(std::move(s));
    } else {
      ++out.skipped_;
    }
  }
  return out;
}

std::vector<const Sample*> MetricSamples::find(std::string_view name,
                                               const std::map<std::string, std::string>& match) const {
  std::vector<const Sample*> out;
  for (const auto& s : samples_) {
    if (s.name == name && matches(s, match)) out.push_back(&s);
  }
  return out;
}

double MetricSamples::sum(std::string_view name, const std::map<std::string, std::string>& match) const {
  double total = 0;
  for (const auto* s : find(name, match)) total += s->value;
  return total;
}

std::vector<std::string> MetricSamples::label_values(std::string_view name, std::string_view label) const {
  std::set<std::string> values;
  for (const auto& s : samples_) {
    if (s.name != name) continue;
    if (auto it = s.labels.find(std::string(label)); it != s.labels.end()) values.insert(it->second);
  }
  return {values.begin(), values.end()};
}

std::optional<double> MetricSamples::quantile(std::string_view name, double q,
                                              const std::map<std::string, std::string>& match) const {
  // Cumulative counts per upper bound, summed over the matching series.
  std::map<double, double> buckets;
  for (const auto* s : find(std::string(name) + "_bucket", match)) {
    auto le = s->labels.find("le");
    if (le == s->labels.end()) continue;
    if (auto bound = number(le->second)) buckets[*bound] += s->value;
  }
  if (buckets.empty()) return std::nullopt;
  double total = buckets.rbegin()->second;
  if (total <= 0) return std::nullopt;
  double rank = q * total;
  double lower = 0, below = 0;
  for (const auto& [bound, count] : buckets) {
    if (count >= rank) {
      if (std::isinf(bound)) return lower;  // beyond the last finite bound: its lower edge
      if (count == below) return bound;
      return lower + (bound - lower) * (rank - below) / (count - below);
    }
    lower = bound;
    below = count;
  }
  return lower;
}

}  // namespace wh::audit
