#include "core/log_ring.h"

#include <algorithm>
#include <cstring>

namespace wh::log {

LineRing::LineRing(std::size_t capacity) : buf_(std::max<std::size_t>(capacity, 16)) {}

void LineRing::append(std::string_view line) {
  if (line.size() > max_line()) {
    std::size_t end = max_line();
    // Cut on a character boundary: the reader serialises it as JSON text.
    while (end > 0 && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) --end;
    line = line.substr(0, end);
  }
  const std::size_t need = line.size() + 1;
  while (size_ + need > buf_.size()) drop_oldest();
  put(line.data(), line.size());
  put("\n", 1);
  ++lines_;
}

void LineRing::drop_oldest() {
  // The oldest line ends at the first '\n' from head_, in the part up to
  // the buffer's end or in the wrapped part.
  const std::size_t first = std::min(size_, buf_.size() - head_);
  std::size_t skip = 0;
  if (const void* nl = std::memchr(buf_.data() + head_, '\n', first)) {
    skip = static_cast<std::size_t>(static_cast<const char*>(nl) - (buf_.data() + head_)) + 1;
  } else if (const void* nl2 = std::memchr(buf_.data(), '\n', size_ - first)) {
    skip = first + static_cast<std::size_t>(static_cast<const char*>(nl2) - buf_.data()) + 1;
  } else {
    skip = size_;  // cannot happen: every line ends with '\n'
  }
  head_ = (head_ + skip) % buf_.size();
  size_ -= skip;
  if (lines_ > 0) --lines_;
  if (size_ == 0) head_ = 0;
}

void LineRing::put(const char* data, std::size_t n) {
  std::size_t tail = (head_ + size_) % buf_.size();
  const std::size_t first = std::min(n, buf_.size() - tail);
  std::memcpy(buf_.data() + tail, data, first);
  if (n > first) std::memcpy(buf_.data(), data + first, n - first);
  size_ += n;
}

std::string LineRing::contents() const {
  std::string out;
  out.resize(size_);
  const std::size_t first = std::min(size_, buf_.size() - head_);
  std::memcpy(out.data(), buf_.data() + head_, first);
  if (size_ > first) std::memcpy(out.data() + first, buf_.data(), size_ - first);
  return out;
}

std::vector<std::string> last_lines(std::string_view text, std::size_t max_lines) {
  std::vector<std::string> out;
  if (max_lines == 0) return out;
  std::size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') --end;
  while (out.size() < max_lines && end > 0) {
    const std::size_t nl = text.rfind('\n', end - 1);
    const std::size_t start = nl == std::string_view::npos ? 0 : nl + 1;
    out.emplace_back(text.substr(start, end - start));
    if (nl == std::string_view::npos) break;
    end = nl;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace wh::log
