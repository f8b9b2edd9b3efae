#include "core/password.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace wh::password {

std::string hash(std::string_view plain, int cost) {
  if (plain.find('\0') != std::string_view::npos) throw std::invalid_argument("password contains a NUL byte");
  unsigned char rnd[16];
  if (RAND_bytes(rnd, sizeof rnd) != 1) throw std::runtime_error("RAND_bytes failed");
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), reinterpret_cast<const char*>(rnd), sizeof rnd, salt,
                       sizeof salt) == nullptr) {
    throw std::runtime_error("crypt_gensalt failed");
  }
  auto data = std::make_unique<crypt_data>();
  std::string p(plain);
  const char* out = crypt_r(p.c_str(), salt, data.get());
  if (out == nullptr || out[0] == '*') throw std::runtime_error("bcrypt failed");
  return out;
}

bool verify(std::string_view plain, std::string_view stored_hash) {
  if (stored_hash.size() != 60 || stored_hash[0] != '$' || stored_hash[1] != '2') return false;
  if (plain.find('\0') != std::string_view::npos) return false;
  auto data = std::make_unique<crypt_data>();
  std::string p(plain);
  std::string h(stored_hash);
  const char* out = crypt_r(p.c_str(), h.c_str(), data.get());
  if (out == nullptr || out[0] == '*') return false;
  std::string_view computed(out);
  return computed.size() == h.size() && CRYPTO_memcmp(computed.data(), h.data(), h.size()) == 0;
}

}  // namespace wh::password
