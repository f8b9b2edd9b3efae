// Turns a parsed request into a response: routing, error envelopes, query
// accounting headers and the access log line. Never throws.
#pragma once
#include "app/router.h"
#include "app/services.h"
#include "core/task.h"
#include "http/message.h"

namespace wh::app {

Task<http::Response> dispatch(const Router& router, Services& services, http::Request& req);

}  // namespace wh::app
