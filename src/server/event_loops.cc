#include "server/event_loops.h"

namespace wh::server {

EventLoops::EventLoops(int count) {
  for (int i = 0; i < std::max(count, 1); ++i) {
    contexts_.push_back(std::make_unique<Context>());
    work_.emplace_back(contexts_.back()->get_executor());
  }
}

EventLoops::~EventLoops() {
  stop();
  join();
  // What is still pending when the loops stop may cross contexts: a
  // connection's coroutine waits on a database socket of the main context,
  // an accept on the main context holds a socket of another. Destroying
  // such an operation resumes nothing but posts the coroutine's unwinding to
  // its own context, and unwinding releases what it holds into the others
  // (a leased connection's socket). So every context is shut down (its
  // pending operations destroyed) while all of them are still alive, over
  // a few passes until those posts are unwound too, and only then are they
  // destroyed.
  for (int pass = 0; pass < 3; ++pass) {
    for (auto& c : contexts_) c->shutdown();
  }
}

std::vector<boost::asio::io_context*> EventLoops::all() const {
  std::vector<boost::asio::io_context*> out;
  for (const auto& c : contexts_) out.push_back(c.get());
  return out;
}

void EventLoops::run() {
  for (auto& c : contexts_) threads_.emplace_back([ctx = c.get()] { ctx->run(); });
}

void EventLoops::stop() {
  work_.clear();
  for (auto& c : contexts_) c->stop();
}

void EventLoops::join() {
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace wh::server
