// The coroutine type every asynchronous function returns. Only the light
// awaitable header is pulled in, so domain code does not see Beast or the
// rest of Asio.
#pragma once
#include <boost/asio/awaitable.hpp>

namespace wh {
template <typename T = void>
using Task = boost::asio::awaitable<T>;
}  // namespace wh
