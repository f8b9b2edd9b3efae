// The samples of a Prometheus text exposition (version 0.0.4), as this
// server's GET /metrics writes it (metrics/text_format.h): the audit reads
// the same numbers an operator scrapes, whether it runs inside the server
// or against a server URL (`wighaven audit`).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wh::audit {

struct Sample {
  std::string name;  // with its _bucket/_sum/_count suffix
  std::map<std::string, std::string> labels;
  double value = 0;
};

class MetricSamples {
 public:
  // Parses `text`; comment lines and lines that do not parse are skipped
  // (their count is kept in skipped()).
  static MetricSamples parse(std::string_view text);

  // Every sample named `name` whose labels include all of `match`.
  std::vector<const Sample*> find(std::string_view name, const std::map<std::string, std::string>& match = {}) const;
  // The sum of those samples' values (0 when there is none).
  double sum(std::string_view name, const std::map<std::string, std::string>& match = {}) const;
  // The values of label `label` across samples named `name`, sorted, unique.
  std::vector<std::string> label_values(std::string_view name, std::string_view label) const;
  // The `q` quantile (0..1) of the histogram `name` (its _bucket samples)
  // over the samples matching `match`, interpolated linearly inside the
  // bucket as Prometheus' histogram_quantile does; nullopt without samples.
  std::optional<double> quantile(std::string_view name, double q,
                                 const std::map<std::string, std::string>& match = {}) const;

  std::size_t size() const { return samples_.size(); }
  std::size_t skipped() const { return skipped_; }

 private:
  std::vector<Sample> samples_;
  std::size_t skipped_ = 0;
};

}  // namespace wh::audit
