// Internal to the image probe (media/image_probe.cc, media/heif_probe.cc):
// bounds-checked integer reads from a byte buffer and the result builders.
// Every read's caller has checked has(); the reads themselves never look
// past the view either way.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "media/image_probe.h"

namespace wh::media::probe {

class Bytes {
 public:
  explicit Bytes(std::string_view b) : b_(b) {}
  std::size_t size() const { return b_.size(); }
  // Whether [off, off + n) lies inside the buffer (overflow-safe).
  bool has(std::size_t off, std::size_t n) const { return off <= b_.size() && n <= b_.size() - off; }

  std::uint32_t u8(std::size_t off) const { return off < b_.size() ? static_cast<unsigned char>(b_[off]) : 0; }
  std::uint32_t u16be(std::size_t off) const { return (u8(off) << 8) | u8(off + 1); }
  std::uint32_t u32be(std::size_t off) const { return (u16be(off) << 16) | u16be(off + 2); }
  std::uint64_t u64be(std::size_t off) const { return (std::uint64_t{u32be(off)} << 32) | u32be(off + 4); }
  std::uint32_t u16le(std::size_t off) const { return u8(off) | (u8(off + 1) << 8); }
  std::uint32_t u24le(std::size_t off) const { return u16le(off) | (u8(off + 2) << 16); }
  std::uint32_t u32le(std::size_t off) const { return u16le(off) | (u16le(off + 2) << 16); }
  // Whether the bytes at `off` are `text` (false when the buffer ends first).
  bool equals(std::size_t off, std::string_view text) const {
    return has(off, text.size()) && b_.substr(off, text.size()) == text;
  }

 private:
  std::string_view b_;
};

inline ProbeResult fail(ProbeError error, std::string detail) {
  ProbeResult r;
  r.error = error;
  r.detail = std::move(detail);
  return r;
}

// A result for `type` with width x height, refusing sides of 0 or over kMaxSide.
ProbeResult sized(ImageType type, std::uint64_t width, std::uint64_t height);

}  // namespace wh::media::probe
