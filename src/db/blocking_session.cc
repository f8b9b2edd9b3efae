#include "db/blocking_session.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <future>

namespace wh::db {
namespace asio = boost::asio;

namespace {

// Runs `task` on `io` until it finishes; rethrows its exception.
template <typename T>
T run_to_completion(asio::io_context& io, Task<T> task) {
  std::future<T> done = asio::co_spawn(io, std::move(task), asio::use_future);
  io.restart();
  io.run();
  return done.get();
}

}  // namespace

ConnectOptions tool_connect_options(const std::string& url, const char* application_name) {
  ConnectOptions o;
  o.url = url;
  o.statement_timeout = std::chrono::milliseconds(0);
  o.application_name = application_name;
  return o;
}

BlockingSession::BlockingSession(ConnectOptions options, std::chrono::milliseconds exec_timeout)
    : exec_timeout_(exec_timeout) {
  conn_ = run_to_completion(io_, Connection::connect(io_.get_executor(), options));
}

BlockingSession::~BlockingSession() {
  conn_.reset();
  io_.restart();
  io_.poll();  // let the socket's cancelled operations finish
}

Result BlockingSession::exec(std::string_view sql, const Params& params) {
  return run_to_completion(io_, conn_->exec(sql, params, exec_timeout_));
}

void BlockingSession::exec_script(std::string_view sql) {
  run_to_completion(io_, conn_->exec_script(sql, exec_timeout_));
}

void BlockingSession::roll_back() noexcept {
  try {
    exec("ROLLBACK");
  } catch (...) {
  }
}

}  // namespace wh::db
