// Application-generated primary keys in the cuid shape Prisma used:
// 25 lower-case alphanumerics starting with 'c' (fits VARCHAR(30)).
#pragma once
#include <cstdint>
#include <string>

namespace wh {

// Unique across threads and processes with overwhelming probability:
// time (ms) + per-process counter + random bits. Ids made in a later
// millisecond sort after earlier ones (as strings), so ordering by id is
// ordering by creation time to the millisecond; within one millisecond the
// order is arbitrary.
std::string new_cuid();

// The cuid of given parts: 'c', `ms` in 8 base-36 digits (until year 2059),
// `counter` mod 36^4 in 4 and `random` mod 36^12 in 12. new_cuid() uses it
// with the clock and fresh randomness; the seed with deterministic values.
std::string cuid_from(std::uint64_t ms, std::uint64_t counter, std::uint64_t random);

// Lower-case hex of `bytes` cryptographically random bytes.
std::string random_hex(std::size_t bytes);

// A request id: 16 lower-case hex digits, unique with overwhelming
// probability but NOT unpredictable (a per-thread generator seeded once from
// RAND_bytes): for correlating logs only, never as a secret. Costs no system
// call, unlike random_hex (OpenSSL checks for a fork on every call).
std::string new_request_id();

// A random version-4 uuid, lower case (guest cart sessions, payment
// references, ImageKit upload tokens).
std::string new_uuid();

}  // namespace wh
