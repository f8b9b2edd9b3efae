// Writes the Prometheus text exposition format, version 0.0.4: one
// "# HELP"/"# TYPE" pair per metric family followed by all of its samples.
// Names are checked against the format's grammar, label values and help
// text are escaped, and a family written twice is a programming error
// (std::logic_error), so the output always parses.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "metrics/histogram.h"

namespace wh::metrics {

inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class Type { kCounter, kGauge, kHistogram };

using Label = std::pair<std::string_view, std::string_view>;  // name, value
using Labels = std::span<const Label>;

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool valid_metric_name(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved).
bool valid_label_name(std::string_view name);

class TextWriter {
 public:
  // Starts a family; every sample until the next family() belongs to it.
  // Throws std::invalid_argument for a bad name, std::logic_error when the
  // family was already written.
  void family(std::string_view name, std::string_view help, Type type);
  // One sample of the current family (a counter or gauge).
  void sample(Labels labels, double value);
  void sample(Labels labels, std::uint64_t value);
  // The _bucket (cumulative, le="+Inf" last), _sum and _count lines of one
  // histogram of the current family.
  void histogram(Labels labels, const Histogram::Snapshot& s);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void line_start(std::string_view suffix, Labels labels, const Label* extra = nullptr);
  std::string out_;
  std::string current_;
  Type type_ = Type::kGauge;
  std::unordered_set<std::string> written_;
};

// Appends `v` as the format writes floats: the shortest text that reads
// back as `v` (plain decimals from 1e-4 to 1e15, exponent form outside),
// "+Inf", "-Inf", "NaN".
void append_number(std::string& out, double v);
// Label value escaping: backslash, double quote and line feed.
void append_label_value(std::string& out, std::string_view v);
// HELP escaping: backslash and line feed.
void append_help(std::string& out, std::string_view v);

}  // namespace wh::metrics
