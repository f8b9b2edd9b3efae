// The real `wighaven serve` binary (WH_TEST_BINARY) as a second process, for
// tests of what one instance sees of another's writes.
#pragma once
#include <sys/types.h>

#include <map>
#include <string>

namespace wh::test {

class ChildServer {
 public:
  // Starts `serve` on a free loopback port against database `db`, with the
  // test JWT secret, query headers on and rate limits off, plus `env`;
  // returns once /healthz answers (throws after 20 s).
  explicit ChildServer(const std::string& db, const std::map<std::string, std::string>& env = {});
  ~ChildServer();  // SIGTERM, then waits
  ChildServer(const ChildServer&) = delete;
  ChildServer& operator=(const ChildServer&) = delete;

  unsigned short port() const { return port_; }
  // Sends `sig` (SIGKILL: no shutdown at all) and waits for the exit.
  void kill(int sig);
  // What the child has logged so far.
  std::string log() const;

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::string log_path_;
};

}  // namespace wh::test
