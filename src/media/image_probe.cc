#include "media/image_probe.h"

#include <zlib.h>

#include <array>

#include "core/crypto.h"
#include "media/heif_probe.h"
#include "media/probe_bytes.h"

namespace wh::media {
namespace probe {

namespace {

struct TypeNames {
  std::string_view mime;
  std::string_view extension;
};

TypeNames names_of(ImageType type) {
  switch (type) {
    case ImageType::jpeg:
      return {"image/jpeg", "jpg"};
    case ImageType::png:
      return {"image/png", "png"};
    case ImageType::gif:
      return {"image/gif", "gif"};
    case ImageType::webp:
      return {"image/webp", "webp"};
    case ImageType::avif:
      return {"image/avif", "avif"};
    case ImageType::heic:
      return {"image/heic", "heic"};
    case ImageType::bmp:
      return {"image/bmp", "bmp"};
  }
  return {"application/octet-stream", "bin"};
}

}  // namespace

ProbeResult sized(ImageType type, std::uint64_t width, std::uint64_t height) {
  if (width == 0 || height == 0) {
    return fail(ProbeError::bad_dimensions, "the image declares a width or height of 0");
  }
  if (width > kMaxSide || height > kMaxSide) {
    return fail(ProbeError::bad_dimensions, "the image declares " + std::to_string(width) + "x" +
                                                std::to_string(height) + " pixels, over " + std::to_string(kMaxSide) +
                                                " a side");
  }
  ProbeResult r;
  auto names = names_of(type);
  r.info.type = type;
  r.info.mime = names.mime;
  r.info.extension = names.extension;
  r.info.width = static_cast<std::uint32_t>(width);
  r.info.height = static_cast<std::uint32_t>(height);
  return r;
}

}  // namespace probe

namespace {

using probe::Bytes;
using probe::fail;
using probe::sized;

ProbeResult truncated(std::string_view what) {
  return fail(ProbeError::truncated, std::string(what) + " ends before its header does");
}

// SOF0-3, 5-7, 9-11, 13-15: the frame headers that carry the dimensions
// (C4 is DHT, C8 reserved, CC DAC).
bool is_sof(std::uint32_t m) { return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC; }

// After SOI: find each marker (skipping stray bytes to the next 0xFF and any
// 0xFF fill bytes, as libjpeg does), skip standalone markers and sized
// segments, stop at the first SOFn. Every step advances `p`, so at most
// bytes.size() steps.
ProbeResult probe_jpeg(const Bytes& b) {
  const std::size_t n = b.size();
  std::size_t p = 2;
  for (;;) {
    while (p < n && b.u8(p) != 0xFF) ++p;
    while (p < n && b.u8(p) == 0xFF) ++p;
    if (p >= n) return truncated("the JPEG");
    const std::uint32_t m = b.u8(p++);
    if (m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // stuffed zero (stray), TEM, RSTn
    if (m == 0xD8) return fail(ProbeError::corrupt, "the JPEG has a second start-of-image marker");
    if (m == 0xD9) return fail(ProbeError::corrupt, "the JPEG ends without a frame header");
    if (m == 0xDA) return fail(ProbeError::corrupt, "the JPEG has a scan before its frame header");
    if (!b.has(p, 2)) return truncated("the JPEG");
    const std::size_t len = b.u16be(p);
    if (len < 2) return fail(ProbeError::corrupt, "the JPEG has a segment of length " + std::to_string(len));
    if (is_sof(m)) {
      // length(2) precision(1) height(2) width(2) components(1) + 3 a component
      if (!b.has(p, 8)) return truncated("the JPEG");
      const std::uint32_t components = b.u8(p + 7);
      if (components == 0 || len != 8 + 3 * components) {
        return fail(ProbeError::corrupt, "the JPEG frame header's length does not match its components");
      }
      return sized(ImageType::jpeg, b.u16be(p + 5), b.u16be(p + 3));
    }
    p += len;  // past the end: the scan above stops and reports truncation
  }
}

// Bit depths allowed for each PNG colour type.
bool png_depth_ok(std::uint32_t colour, std::uint32_t depth) {
  switch (colour) {
    case 0:
      return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3:
      return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2:
    case 4:
    case 6:
      return depth == 8 || depth == 16;
    default:
      return false;
  }
}

ProbeResult probe_png(const Bytes& b, std::string_view raw) {
  // signature(8) length(4) "IHDR"(4) data(13) crc(4)
  if (!b.has(0, 33)) return truncated("the PNG");
  if (b.u32be(8) != 13 || !b.equals(12, "IHDR")) {
    return fail(ProbeError::corrupt, "the PNG does not start with a 13-byte IHDR chunk");
  }
  const auto crc = crc32(0L, reinterpret_cast<const Bytef*>(raw.data() + 12), 17);
  if (crc != b.u32be(29)) return fail(ProbeError::corrupt, "the PNG header's checksum is wrong");
  const std::uint32_t w = b.u32be(16);
  const std::uint32_t h = b.u32be(20);
  if (w > 0x7FFFFFFFu || h > 0x7FFFFFFFu) return fail(ProbeError::corrupt, "the PNG declares a side over 2^31-1");
  if (!png_depth_ok(b.u8(25), b.u8(24)) || b.u8(26) != 0 || b.u8(27) != 0 || b.u8(28) > 1) {
    return fail(ProbeError::corrupt, "the PNG header has invalid colour, compression, filter or interlace values");
  }
  return sized(ImageType::png, w, h);
}

ProbeResult probe_gif(const Bytes& b) {
  if (!b.has(0, 10)) return truncated("the GIF");
  return sized(ImageType::gif, b.u16le(6), b.u16le(8));
}

// RIFF(4) size(4) WEBP(4), then the first chunk: fourcc(4) size(4) data.
ProbeResult probe_webp(const Bytes& b) {
  if (!b.has(0, 20)) return truncated("the WebP");
  const std::uint32_t chunk = b.u32le(16);
  if (b.equals(12, "VP8 ")) {
    // frame tag(3: bit 0 clear on a key frame) start code 9d 01 2a, width(2) height(2) (14 bits each)
    if (!b.has(0, 30)) return truncated("the WebP");
    if (chunk < 10 || (b.u8(20) & 1) != 0 || b.u8(23) != 0x9D || b.u8(24) != 0x01 || b.u8(25) != 0x2A) {
      return fail(ProbeError::corrupt, "the WebP's VP8 chunk does not start with a key frame");
    }
    return sized(ImageType::webp, b.u16le(26) & 0x3FFF, b.u16le(28) & 0x3FFF);
  }
  if (b.equals(12, "VP8L")) {
    // signature 0x2f, then width-1 (14 bits), height-1 (14 bits), alpha (1), version (3, zero)
    if (!b.has(0, 25)) return truncated("the WebP");
    const std::uint32_t bits = b.u32le(21);
    if (chunk < 5 || b.u8(20) != 0x2F || (bits >> 29) != 0) {
      return fail(ProbeError::corrupt, "the WebP's VP8L chunk has a bad signature or version");
    }
    return sized(ImageType::webp, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
  }
  if (b.equals(12, "VP8X")) {
    // flags(1) reserved(3) canvas width-1 (24 bits) canvas height-1 (24 bits)
    if (!b.has(0, 30)) return truncated("the WebP");
    if (chunk < 10) return fail(ProbeError::corrupt, "the WebP's VP8X chunk is too short");
    return sized(ImageType::webp, std::uint64_t{b.u24le(24)} + 1, std::uint64_t{b.u24le(27)} + 1);
  }
  return fail(ProbeError::corrupt, "the WebP's first chunk is not VP8, VP8L or VP8X");
}

ProbeResult probe_bmp(const Bytes& b) {
  // file header(14), then the DIB header's size(4): 12 = BITMAPCOREHEADER
  // (16-bit sides), 40 and up = BITMAPINFOHEADER and successors (signed
  // 32-bit sides; a negative height means top-down rows).
  if (!b.has(0, 18)) return truncated("the BMP");
  const std::uint32_t dib = b.u32le(14);
  if (dib == 12) {
    if (!b.has(0, 22)) return truncated("the BMP");
    return sized(ImageType::bmp, b.u16le(18), b.u16le(20));
  }
  if (dib != 40 && dib != 52 && dib != 56 && dib != 64 && dib != 108 && dib != 124) {
    return fail(ProbeError::corrupt, "the BMP has an unknown header size " + std::to_string(dib));
  }
  if (!b.has(0, 26)) return truncated("the BMP");
  const auto w = static_cast<std::int32_t>(b.u32le(18));
  const auto h = static_cast<std::int64_t>(static_cast<std::int32_t>(b.u32le(22)));
  if (w < 0) return fail(ProbeError::corrupt, "the BMP declares a negative width");
  return sized(ImageType::bmp, static_cast<std::uint64_t>(w), static_cast<std::uint64_t>(h < 0 ? -h : h));
}

// A signature that may hold wildcard positions ('?').
struct Magic {
  std::string_view bytes;
  ProbeResult (*probe)(const Bytes&, std::string_view);
};

enum class Match { no, prefix, yes };

Match match(std::string_view data, std::string_view magic) {
  const std::size_t n = std::min(data.size(), magic.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (magic[i] != '?' && data[i] != magic[i]) return Match::no;
  }
  return data.size() >= magic.size() ? Match::yes : Match::prefix;
}

const std::array<Magic, 6> kMagics{{
    {std::string_view("\xFF\xD8\xFF", 3), [](const Bytes& b, std::string_view) { return probe_jpeg(b); }},
    {std::string_view("\x89PNG\r\n\x1A\n", 8), [](const Bytes& b, std::string_view raw) { return probe_png(b, raw); }},
    {"GIF87a", [](const Bytes& b, std::string_view) { return probe_gif(b); }},
    {"GIF89a", [](const Bytes& b, std::string_view) { return probe_gif(b); }},
    {"RIFF????WEBP", [](const Bytes& b, std::string_view) { return probe_webp(b); }},
    {"BM", [](const Bytes& b, std::string_view) { return probe_bmp(b); }},
}};

}  // namespace

ProbeResult probe_image(std::string_view bytes) {
  if (bytes.empty()) return fail(ProbeError::truncated, "the file is empty");
  const Bytes b(bytes);
  bool prefix = false;
  for (const auto& m : kMagics) {
    auto how = match(bytes, m.bytes);
    if (how == Match::yes) return m.probe(b, bytes);
    prefix = prefix || how == Match::prefix;
  }
  if (probe::looks_like_bmff(bytes)) {
    bool cut = false;
    auto type = probe::heif_brand(bytes, cut);
    if (type) return probe::probe_heif(bytes, *type);
    if (cut) return truncated("the ISO-BMFF file");
    return fail(ProbeError::unknown_type, "the file is an ISO-BMFF file (video?) but not AVIF or HEIC");
  }
  if (prefix || match(bytes, "????ftyp") == Match::prefix) return truncated("the file");
  return fail(ProbeError::unknown_type, "the file's first bytes are not those of a supported image type");
}

bool within_pixel_cap(const ImageInfo& info, std::uint64_t max_pixels) {
  return std::uint64_t{info.width} * std::uint64_t{info.height} <= max_pixels;
}

std::string_view describe(ProbeError error) {
  switch (error) {
    case ProbeError::none:
      return "The image is valid";
    case ProbeError::unknown_type:
      return "The file is not a supported image type (JPEG, PNG, WebP, GIF, BMP, AVIF, HEIC)";
    case ProbeError::truncated:
      return "The image file is truncated";
    case ProbeError::corrupt:
      return "The image file is corrupt";
    case ProbeError::bad_dimensions:
      return "The image declares invalid dimensions";
  }
  return "The image could not be read";
}

std::string content_sha256(std::string_view bytes) { return sha256_hex(bytes); }

}  // namespace wh::media
