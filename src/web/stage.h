// One step of the request pipeline (see web/pipeline.h). Stages run in the
// order they were added; each may let the request go on, answer it itself,
// or refuse it by throwing ApiError. Every stage also sees every response on
// its way out, whoever produced it, to add its headers.
#pragma once
#include <optional>
#include <string_view>

#include "core/task.h"
#include "http/message.h"
#include "web/context.h"

namespace wh::web {

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;

  // Before routing. A response ends the chain: later stages and the handler
  // are skipped, and it is sent (after the on_response pass). nullopt lets
  // the request go on. Throwing ApiError answers with that error.
  virtual std::optional<http::Response> on_request(Context& ctx) { return std::nullopt; }

  // Stages that must wait (a database look-up) return true from waits() and
  // implement on_request_async instead; the others cost no coroutine frame.
  virtual bool waits() const { return false; }
  virtual Task<std::optional<http::Response>> on_request_async(Context& ctx) { co_return on_request(ctx); }

  // On every response that goes out, including errors and answers given by
  // an earlier stage, in reverse order of the stages. Must not throw.
  virtual void on_response(Context& ctx, http::Response& res) {}
};

}  // namespace wh::web
