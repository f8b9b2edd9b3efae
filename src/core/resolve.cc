#include "core/resolve.h"

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <mutex>

#include "core/async_event.h"

namespace wh {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// One lookup whose result may outlive an abandoned wait: the resolver's
// handler and the deadline timer each keep it alive.
struct Lookup {
  explicit Lookup(const asio::any_io_executor& ex) : resolver(ex), done(ex) {}
  tcp::resolver resolver;
  AsyncEvent done;
  std::mutex mu;
  bool finished = false;
  Resolved result;
};

}  // namespace

Task<Resolved> resolve_until(asio::any_io_executor ex, std::string host, std::string port,
                             std::chrono::steady_clock::time_point deadline) {
  auto lookup = std::make_shared<Lookup>(ex);
  lookup->resolver.async_resolve(host, port, [lookup](const boost::system::error_code& ec, auto results) {
    {
      std::lock_guard lock(lookup->mu);
      lookup->result.error = ec;
      for (const auto& entry : results) lookup->result.endpoints.push_back(entry.endpoint());
      lookup->finished = true;
    }
    lookup->done.set();
  });
  asio::steady_timer timer(ex, deadline);
  timer.async_wait([lookup](const boost::system::error_code& ec) {
    if (!ec) lookup->done.set();
  });
  co_await lookup->done.wait();
  timer.cancel();
  std::lock_guard lock(lookup->mu);
  Resolved out = lookup->finished ? lookup->result : Resolved{};
  out.timed_out = !lookup->finished;
  co_return out;
}

}  // namespace wh
