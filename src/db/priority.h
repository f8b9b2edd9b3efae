// Where an acquisition waits when every pooled connection is busy (pool.h):
// background work (the workers that drain durable queues) before every
// request, first come first served among itself; requests at the back.
#pragma once

namespace wh::db {

enum class Priority { request, background };

}  // namespace wh::db
