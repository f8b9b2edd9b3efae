// Host name resolution that never blocks an event-loop thread and never
// waits past a deadline: Asio's resolver runs getaddrinfo() on its own
// thread; a lookup still running at the deadline is abandoned (its result,
// when it comes, is dropped). Shared by the database connector and the
// outbound HTTP client.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "core/task.h"

namespace wh {

struct Resolved {
  bool timed_out = false;
  boost::system::error_code error;  // set when the lookup failed
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;
};

Task<Resolved> resolve_until(boost::asio::any_io_executor ex, std::string host, std::string port,
                             std::chrono::steady_clock::time_point deadline);

}  // namespace wh
