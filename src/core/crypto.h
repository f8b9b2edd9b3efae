// Small cryptographic helpers over OpenSSL.
#pragma once
#include <string>
#include <string_view>

namespace wh {

// Lower-case hex of arbitrary bytes.
std::string to_hex(std::string_view bytes);
// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
// Raw (binary) HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);
// Raw (binary) HMAC-SHA1 of `data` under `key` (ImageKit's upload signature).
std::string hmac_sha1(std::string_view key, std::string_view data);
// Raw (binary) HMAC-SHA512 of `data` under `key` (Paystack's webhook signature).
std::string hmac_sha512(std::string_view key, std::string_view data);
// Constant-time equality of two strings (length is not secret).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace wh
