#include "core/ids.h"

#include "core/crypto.h"

#include <openssl/rand.h>

#include <atomic>
#include <chrono>
#include <stdexcept>

namespace wh {
namespace {

void append_base36(std::string& out, unsigned long long v, std::size_t width) {
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string tmp(width, '0');
  for (std::size_t i = width; i-- > 0;) {
    tmp[i] = digits[v % 36];
    v /= 36;
  }
  out += tmp;
}

unsigned long long random_u64() {
  unsigned long long v = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) throw std::runtime_error("RAND_bytes failed");
  return v;
}

}  // namespace

std::string cuid_from(std::uint64_t ms, std::uint64_t counter, std::uint64_t random) {
  std::string id = "c";
  id.reserve(25);
  append_base36(id, ms, 8);                                // 36^8 ms ≈ 89 years
  append_base36(id, counter % 1679616ULL, 4);              // 36^4
  append_base36(id, random % 4738381338321616896ULL, 12);  // 36^12
  return id;
}

std::string new_cuid() {
  static std::atomic<unsigned long long> counter{random_u64()};
  auto ms = static_cast<unsigned long long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  return cuid_from(ms, counter++, random_u64());
}

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return to_hex(raw);
}

std::string new_request_id() {
  // splitmix64 over a per-thread state: distinct seeds give distinct,
  // well-mixed sequences.
  thread_local std::uint64_t state = random_u64();
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, z >>= 4) out[static_cast<std::size_t>(i)] = digits[z & 15];
  return out;
}

std::string new_uuid() {
  std::string h = random_hex(16);
  h[12] = '4';
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

}  // namespace wh
