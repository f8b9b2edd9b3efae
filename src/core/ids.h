// Application-generated primary keys in the cuid shape Prisma used:
// 25 lower-case alphanumerics starting with 'c' (fits VARCHAR(30)).
#pragma once
#include <string>

namespace wh {

// Unique across threads and processes with overwhelming probability:
// time (ms) + per-process counter + random bits.
std::string new_cuid();

// Lower-case hex of `bytes` cryptographically random bytes.
std::string random_hex(std::size_t bytes);

}  // namespace wh
