#include "media/heif_probe.h"

#include <algorithm>
#include <vector>

#include "media/probe_bytes.h"

namespace wh::media::probe {
namespace {

constexpr std::uint32_t fourcc(const char (&s)[5]) {
  return (std::uint32_t(static_cast<unsigned char>(s[0])) << 24) |
         (std::uint32_t(static_cast<unsigned char>(s[1])) << 16) |
         (std::uint32_t(static_cast<unsigned char>(s[2])) << 8) | std::uint32_t(static_cast<unsigned char>(s[3]));
}

struct Box {
  std::uint32_t type = 0;
  std::size_t body = 0;  // first byte after the header
  std::size_t end = 0;   // one past the last byte
};

enum class Step { ok, end, truncated, corrupt };

// The box at `p` inside [p, limit). A size of 0 extends to `limit`; a size of
// 1 is followed by a 64-bit size. A top-level box reaching past the buffer's
// end is truncated; a child reaching past its parent is corrupt.
Step read_box(const Bytes& b, std::size_t p, std::size_t limit, Box& out, bool outer = false) {
  if (p >= limit) return Step::end;
  if (limit - p < 8) return outer ? Step::truncated : Step::corrupt;
  std::uint64_t size = b.u32be(p);
  std::size_t header = 8;
  if (size == 1) {
    if (limit - p < 16) return outer ? Step::truncated : Step::corrupt;
    size = b.u64be(p + 8);
    header = 16;
  } else if (size == 0) {
    size = limit - p;
  }
  if (size < header) return Step::corrupt;
  if (size > limit - p) return outer ? Step::truncated : Step::corrupt;
  out.type = b.u32be(p + 4);
  out.body = p + header;
  out.end = p + static_cast<std::size_t>(size);
  return Step::ok;
}

ProbeResult step_failure(Step s) {
  return s == Step::truncated ? fail(ProbeError::truncated, "the HEIF file ends before its metadata does")
                              : fail(ProbeError::corrupt, "the HEIF file has a malformed box");
}

struct Ispe {
  std::uint32_t index = 0;  // 1-based position among ipco's children
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// Real files have a handful of ispe properties (image, grid tiles' shared
// size, thumbnail, alpha); more is a forged file, refused to bound memory.
constexpr std::size_t kMaxIspe = 1024;

struct Found {
  std::uint32_t primary = 0;
  bool have_ipco = false;
  bool have_ipma = false;
  std::vector<Ispe> ispes;           // in increasing index order
  std::vector<std::uint32_t> props;  // ipco indexes of the primary item (at most 255)
};

// ipco: number the children, remember each ispe (full box: version/flags(4),
// width(4), height(4)).
Step read_ipco(const Bytes& b, const Box& ipco, Found& f) {
  if (f.have_ipco) return Step::corrupt;  // exactly one per file
  f.have_ipco = true;
  std::uint32_t index = 0;
  Box c;
  Step s;
  for (std::size_t p = ipco.body; (s = read_box(b, p, ipco.end, c)) == Step::ok; p = c.end) {
    ++index;
    if (c.type != fourcc("ispe")) continue;
    if (c.end - c.body < 12 || f.ispes.size() == kMaxIspe) return Step::corrupt;
    f.ispes.push_back({index, b.u32be(c.body + 4), b.u32be(c.body + 8)});
  }
  return s;
}

// ipma (full box): entry_count(4), then per entry item_ID (2, or 4 from
// version 1), association_count(1) and that many property indexes (1 byte
// with a 7-bit index, or 2 bytes with a 15-bit index when flags bit 0 is
// set). Every read is checked against the box's end, so a forged count
// stops there. Keeps the primary item's first entry.
Step read_ipma(const Bytes& b, const Box& ipma, Found& f) {
  if (f.have_ipma || ipma.end - ipma.body < 8) return Step::corrupt;
  f.have_ipma = true;
  const std::uint32_t version = b.u8(ipma.body);
  const bool wide = (b.u8(ipma.body + 3) & 1) != 0;
  const std::size_t id_len = version < 1 ? 2 : 4;
  const std::size_t assoc_len = wide ? 2 : 1;
  std::size_t p = ipma.body + 8;
  for (std::uint32_t entries = b.u32be(ipma.body + 4); entries > 0; --entries) {
    if (ipma.end - p < id_len + 1) return Step::corrupt;
    const std::uint32_t item = id_len == 2 ? b.u16be(p) : b.u32be(p);
    const std::uint32_t count = b.u8(p + id_len);
    p += id_len + 1;
    if ((ipma.end - p) / assoc_len < count) return Step::corrupt;
    const bool keep = item == f.primary && f.props.empty();
    for (std::uint32_t i = 0; i < count; ++i, p += assoc_len) {
      if (keep) f.props.push_back(wide ? (b.u16be(p) & 0x7FFF) : (b.u8(p) & 0x7F));
    }
  }
  return Step::end;
}

// iprp: its ipco and ipma children.
Step read_iprp(const Bytes& b, const Box& iprp, Found& f) {
  Box c;
  Step s;
  for (std::size_t p = iprp.body; (s = read_box(b, p, iprp.end, c)) == Step::ok; p = c.end) {
    Step inner = Step::end;
    if (c.type == fourcc("ipco")) inner = read_ipco(b, c, f);
    if (c.type == fourcc("ipma")) inner = read_ipma(b, c, f);
    if (inner != Step::end) return inner;
  }
  return s;
}

// meta (a full box: version/flags(4), then children): pitm first, whatever
// its position, so that ipma keeps only the primary item's associations.
Step read_meta(const Bytes& b, const Box& meta, Found& f) {
  if (meta.end - meta.body < 4) return Step::corrupt;
  bool have_primary = false;
  Box c;
  Step s;
  for (std::size_t p = meta.body + 4; (s = read_box(b, p, meta.end, c)) == Step::ok; p = c.end) {
    if (c.type != fourcc("pitm")) continue;
    // version(1) flags(3) item_ID (2, or 4 from version 1)
    const std::size_t need = b.u8(c.body) == 0 ? 6 : 8;
    if (have_primary || c.end - c.body < need) return Step::corrupt;
    have_primary = true;
    f.primary = need == 6 ? b.u16be(c.body + 4) : b.u32be(c.body + 4);
  }
  if (s != Step::end) return s;
  if (!have_primary) return Step::corrupt;
  for (std::size_t p = meta.body + 4; read_box(b, p, meta.end, c) == Step::ok; p = c.end) {
    if (c.type != fourcc("iprp")) continue;
    if ((s = read_iprp(b, c, f)) != Step::end) return s;
  }
  return Step::end;
}

}  // namespace

bool looks_like_bmff(std::string_view bytes) { return Bytes(bytes).equals(4, "ftyp"); }

std::optional<ImageType> heif_brand(std::string_view bytes, bool& truncated) {
  const Bytes b(bytes);
  truncated = false;
  Box ftyp;
  auto s = read_box(b, 0, b.size(), ftyp, true);
  if (s != Step::ok || ftyp.end - ftyp.body < 8) {
    truncated = s == Step::truncated;
    return std::nullopt;
  }
  bool avif = false;
  bool heic = false;
  // major_brand(4) minor_version(4) compatible_brands(4 each)
  for (std::size_t p = ftyp.body; p + 4 <= ftyp.end; p += (p == ftyp.body ? 8 : 4)) {
    const std::uint32_t brand = b.u32be(p);
    avif = avif || brand == fourcc("avif") || brand == fourcc("avis");
    heic = heic || brand == fourcc("heic") || brand == fourcc("heix") || brand == fourcc("heim") ||
           brand == fourcc("heis") || brand == fourcc("hevc") || brand == fourcc("hevx");
  }
  if (avif) return ImageType::avif;
  if (heic) return ImageType::heic;
  return std::nullopt;
}

ProbeResult probe_heif(std::string_view bytes, ImageType type) {
  const Bytes b(bytes);
  Found f;
  Box top;
  Step s;
  std::size_t p = 0;
  while ((s = read_box(b, p, b.size(), top, true)) == Step::ok && top.type != fourcc("meta")) p = top.end;
  // A file that ends without a meta box was cut short (the image data, mdat,
  // may come first; the metadata is what we need).
  if (s != Step::ok) return step_failure(s == Step::end ? Step::truncated : s);
  if ((s = read_meta(b, top, f)) != Step::end) return step_failure(s);
  for (auto index : f.props) {
    auto it = std::lower_bound(f.ispes.begin(), f.ispes.end(), index,
                               [](const Ispe& e, std::uint32_t i) { return e.index < i; });
    if (it != f.ispes.end() && it->index == index) return sized(type, it->width, it->height);
  }
  return fail(ProbeError::corrupt, "the HEIF file's primary item has no size property");
}

}  // namespace wh::media::probe
