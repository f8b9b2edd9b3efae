// The most recent log lines in a fixed amount of memory, for GET
// /api/super-admin/logs (admin/super_admin_ops.h): the server's log goes to
// stdout only, so without this the process could not show its own lines.
//
// A LineRing is one circular byte buffer of `capacity` bytes holding whole
// lines, each followed by '\n'. Appending copies the line in and drops the
// oldest whole lines to make room: no allocation after construction, and
// amortised O(length of the line) (each byte is copied once and skipped
// once when it is dropped). Log lines are JSON objects, whose strings
// escape newlines, so '\n' always ends a line. A line longer than
// max_line() (a quarter of the capacity) is kept cut to that length, on a
// UTF-8 character boundary, so one huge line cannot empty the ring.
//
// Not synchronised: the owner appends and reads under its own lock
// (core/log.cc: the batch writer's).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wh::log {

class LineRing {
 public:
  explicit LineRing(std::size_t capacity);
  LineRing(const LineRing&) = delete;
  LineRing& operator=(const LineRing&) = delete;

  void append(std::string_view line);

  // Every line held, oldest first, each ending with '\n'.
  std::string contents() const;

  std::size_t capacity() const { return buf_.size(); }
  std::size_t max_line() const { return buf_.size() / 4; }
  std::size_t bytes() const { return size_; }  // held, newlines included (<= capacity())
  std::size_t lines() const { return lines_; }

 private:
  void drop_oldest();
  void put(const char* data, std::size_t n);

  std::vector<char> buf_;
  std::size_t head_ = 0;  // offset of the oldest byte
  std::size_t size_ = 0;
  std::size_t lines_ = 0;
};

// The last `max_lines` lines of `text` (lines ending with '\n', as
// LineRing::contents()), oldest first, without their '\n'.
std::vector<std::string> last_lines(std::string_view text, std::size_t max_lines);

}  // namespace wh::log
