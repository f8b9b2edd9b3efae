// bcrypt password hashing through libxcrypt, compatible with bcryptjs:
// verifies $2a$/$2b$/$2y$ hashes and creates $2b$ hashes.
#pragma once
#include <string>
#include <string_view>

namespace wh::password {

// Hash with the given cost (the old backend used 10). Throws on failure.
std::string hash(std::string_view plain, int cost = 10);
// Constant-time comparison of the recomputed hash. False for malformed hashes.
bool verify(std::string_view plain, std::string_view stored_hash);

}  // namespace wh::password
