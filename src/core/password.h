// bcrypt password hashing through libxcrypt, compatible with bcryptjs:
// verifies $2a$/$2b$/$2y$ hashes and creates $2b$ hashes.
#pragma once
#include <string>
#include <string_view>

namespace wh::password {

// crypt() reads a C string: a NUL byte would silently end the password, so
// "Secret\0anything" would match "Secret". Such passwords are refused here
// (and at the HTTP layer with a 400 before that).
//
// Hash with the given cost (the old backend used 10). Throws on failure and
// std::invalid_argument for a password containing NUL.
std::string hash(std::string_view plain, int cost = 10);
// Constant-time comparison of the recomputed hash. False for malformed hashes
// and for a password containing NUL.
bool verify(std::string_view plain, std::string_view stored_hash);

}  // namespace wh::password
