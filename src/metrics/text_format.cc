#include "metrics/text_format.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace wh::metrics {

namespace {

bool name_char(char c, bool first, bool colon) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  return alpha || (!first && c >= '0' && c <= '9');
}

bool valid_name(std::string_view name, bool colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!name_char(name[i], i == 0, colon)) return false;
  }
  return true;
}

std::string_view type_name(Type t) {
  switch (t) {
    case Type::kCounter:
      return "counter";
    case Type::kHistogram:
      return "histogram";
    case Type::kGauge:
      break;
  }
  return "gauge";
}

}  // namespace

bool valid_metric_name(std::string_view name) { return valid_name(name, true); }

bool valid_label_name(std::string_view name) { return valid_name(name, false) && name.substr(0, 2) != "__"; }

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    // Plain decimals for ordinary magnitudes (le="0.0005", not "5e-04"),
    // exponents beyond them, as Go's client writes them; shortest round trip.
    const double a = std::fabs(v);
    const bool plain = a == 0 || (a >= 1e-4 && a < 1e15);
    char buf[64];
    auto r = plain ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                   : std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  }
}

namespace {

// Backslash and line feed always; the double quote inside label values.
void append_escaped(std::string& out, std::string_view v, bool quote) {
  for (char c : v) {
    if (c == '\\' || (quote && c == '"')) {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

}  // namespace

void append_label_value(std::string& out, std::string_view v) { append_escaped(out, v, true); }

void append_help(std::string& out, std::string_view v) { append_escaped(out, v, false); }

void TextWriter::family(std::string_view name, std::string_view help, Type type) {
  if (!valid_metric_name(name)) throw std::invalid_argument("metric name: " + std::string(name));
  if (!written_.emplace(name).second) throw std::logic_error("metric family written twice: " + std::string(name));
  current_ = name;
  type_ = type;
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_help(out_, help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type_name(type);
  out_ += '\n';
}

void TextWriter::line_start(std::string_view suffix, Labels labels, const Label* extra) {
  if (current_.empty()) throw std::logic_error("metric sample before its family");
  out_ += current_;
  out_ += suffix;
  if (!labels.empty() || extra != nullptr) {
    out_ += '{';
    bool first = true;
    auto put = [&](const Label& l) {
      if (!valid_label_name(l.first)) throw std::invalid_argument("label name: " + std::string(l.first));
      if (!first) out_ += ',';
      first = false;
      out_ += l.first;
      out_ += "=\"";
      append_label_value(out_, l.second);
      out_ += '"';
    };
    for (const auto& l : labels) put(l);
    if (extra != nullptr) put(*extra);
    out_ += '}';
  }
  out_ += ' ';
}

void TextWriter::sample(Labels labels, double value) {
  line_start("", labels);
  append_number(out_, value);
  out_ += '\n';
}

void TextWriter::sample(Labels labels, std::uint64_t value) {
  line_start("", labels);
  out_ += std::to_string(value);
  out_ += '\n';
}

void TextWriter::histogram(Labels labels, const Histogram::Snapshot& s) {
  if (type_ != Type::kHistogram) throw std::logic_error("histogram sample in a " + std::string(type_name(type_)));
  for (const auto& l : labels) {
    if (l.first == "le") throw std::invalid_argument("histogram label named le");
  }
  for (std::size_t i = 0; i <= s.bounds.size(); ++i) {
    std::string le;
    if (i < s.bounds.size()) {
      append_number(le, s.bounds[i]);
    } else {
      le = "+Inf";
    }
    Label bound{"le", le};
    line_start("_bucket", labels, &bound);
    out_ += std::to_string(s.cumulative[i]);
    out_ += '\n';
  }
  line_start("_sum", labels);
  append_number(out_, s.sum);
  out_ += '\n';
  line_start("_count", labels);
  out_ += std::to_string(s.count);
  out_ += '\n';
}

}  // namespace wh::metrics
