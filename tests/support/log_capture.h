// Captures what the process writes to stdout (where src/core/log writes its
// JSON lines) while in scope. Tests that use it must not run the async
// logger (in-process servers do not). gtest's own output during the capture
// lands in the file too and is printed by text() callers on failure.
#pragma once
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "core/log.h"

namespace wh::test {

class StdoutCapture {
 public:
  StdoutCapture() {
    char path[] = "/tmp/wh_log_capture_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    path_ = path;
    std::fflush(stdout);
    saved_ = dup(STDOUT_FILENO);
    dup2(fd, STDOUT_FILENO);
    close(fd);
  }
  ~StdoutCapture() {
    restore();
    unlink(path_.c_str());
  }
  StdoutCapture(const StdoutCapture&) = delete;
  StdoutCapture& operator=(const StdoutCapture&) = delete;

  // Everything written so far (flushes first).
  std::string text() {
    log::flush();
    std::fflush(stdout);
    std::ifstream in(path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // Stops capturing; text() still returns what was captured.
  void restore() {
    if (saved_ < 0) return;
    log::flush();
    std::fflush(stdout);
    dup2(saved_, STDOUT_FILENO);
    close(saved_);
    saved_ = -1;
  }

 private:
  std::string path_;
  int saved_ = -1;
};

}  // namespace wh::test
