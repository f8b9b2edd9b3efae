// The image probe on hand-made images of every supported kind, on files that
// are not images, on every truncation of each sample, on forged headers
// (huge or zero sides, looping or garbage JPEG markers, forged HEIF boxes)
// and on a deterministic run of random mutations (never a crash or an
// out-of-bounds read under ASan; every result is an error or sane).
#include "media/image_probe.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

namespace wh::media {
namespace {

std::string raw(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s += static_cast<char>(b);
  return s;
}
std::string be16(std::uint32_t v) { return raw({int(v >> 8 & 0xFF), int(v & 0xFF)}); }
std::string be32(std::uint32_t v) { return be16(v >> 16) + be16(v & 0xFFFF); }
std::string le16(std::uint32_t v) { return raw({int(v & 0xFF), int(v >> 8 & 0xFF)}); }
std::string le24(std::uint32_t v) { return le16(v & 0xFFFF) + raw({int(v >> 16 & 0xFF)}); }
std::string le32(std::uint32_t v) { return le16(v & 0xFFFF) + le16(v >> 16); }

// --- PNG -------------------------------------------------------------------

// A real 1x1 RGBA PNG (IHDR, one IDAT, IEND).
const std::string kPng1x1 =
    raw({0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00,
         0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00,
         0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01,
         0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82});

// A PNG signature and IHDR for w x h (8-bit RGB) with a correct CRC.
std::string png_header(std::uint32_t w, std::uint32_t h, int depth = 8, int colour = 2) {
  std::string chunk = "IHDR" + be32(w) + be32(h) + raw({depth, colour, 0, 0, 0});
  auto crc = crc32(0L, reinterpret_cast<const Bytef*>(chunk.data()), static_cast<uInt>(chunk.size()));
  return std::string("\x89PNG\r\n\x1A\n", 8) + be32(13) + chunk + be32(static_cast<std::uint32_t>(crc));
}

// --- JPEG ------------------------------------------------------------------

std::string segment(int marker, const std::string& body) {
  return raw({0xFF, marker}) + be16(static_cast<std::uint32_t>(body.size() + 2)) + body;
}
// A frame header (SOFn) for w x h with three components.
std::string sof(int marker, std::uint32_t w, std::uint32_t h) {
  return segment(marker, raw({8}) + be16(h) + be16(w) + raw({3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1}));
}
const std::string kSoi = raw({0xFF, 0xD8});
const std::string kApp0 = segment(0xE0, std::string("JFIF\0", 5) + raw({1, 1, 0, 0, 1, 0, 1, 0, 0}));
const std::string kApp1 = segment(0xE1, std::string("Exif\0\0", 6) + "MM" + raw({0, 42, 0, 0, 0, 8, 0, 0}));
const std::string kDqt = segment(0xDB, raw({0}) + std::string(64, '\x01'));
const std::string kTail = segment(0xDA, raw({1, 1, 0, 0, 63, 0})) + raw({0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9});

// Baseline: APP0, APP1 and a COM before the quantisation table and SOF0.
const std::string kJpegBaseline =
    kSoi + kApp0 + kApp1 + segment(0xFE, "made by hand") + kDqt + sof(0xC0, 640, 480) + kTail;
// Progressive (SOF2), with fill bytes before the frame header's marker.
const std::string kJpegProgressive = kSoi + kApp0 + kDqt + raw({0xFF, 0xFF, 0xFF}) + sof(0xC2, 1200, 1600) + kTail;

// --- GIF, WebP, BMP --------------------------------------------------------

const std::string kGif = "GIF89a" + le16(3) + le16(5) + raw({0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x3B});

std::string riff(const std::string& fourcc, const std::string& data) {
  std::string chunk = fourcc + le32(static_cast<std::uint32_t>(data.size())) + data;
  return "RIFF" + le32(static_cast<std::uint32_t>(chunk.size() + 4)) + "WEBP" + chunk;
}
// Lossy: frame tag (key frame, shown), start code, 14-bit width and height.
const std::string kWebpVp8 =
    riff("VP8 ", raw({0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A}) + le16(320) + le16(200) + raw({0x00, 0x00, 0x00, 0x00}));
// Lossless: signature 0x2f, width-1 and height-1 in 14 bits each.
const std::string kWebpVp8l = riff("VP8L", raw({0x2F}) + le32((3 - 1) | ((2 - 1) << 14)) + raw({0, 0, 0}));
// Extended (animation flag): canvas width-1 and height-1 in 24 bits each.
const std::string kWebpVp8x = riff("VP8X", raw({0x02, 0, 0, 0}) + le24(400 - 1) + le24(300 - 1));

const std::string kBmp = "BM" + le32(70) + le32(0) + le32(54) + le32(40) + le32(4) +
                         le32(static_cast<std::uint32_t>(-3)) + le16(1) + le16(24) + std::string(24, '\0');

// --- AVIF / HEIC (ISO-BMFF) -------------------------------------------------

std::string box(const std::string& type, const std::string& body) {
  return be32(static_cast<std::uint32_t>(body.size() + 8)) + type + body;
}
std::string full_box(const std::string& type, int version, int flags, const std::string& body) {
  return box(type, raw({version, 0, 0, flags}) + body);
}
std::string ispe(std::uint32_t w, std::uint32_t h) { return full_box("ispe", 0, 0, be32(w) + be32(h)); }

// ftyp with `major` and `compatible`, then meta: item 2 is primary; ipco holds
// [1] a thumbnail's ispe, [2] a codec property, [3] the primary's ispe; ipma
// associates item 1 -> {1, 2} and item 2 -> {2, 3}. Then an mdat.
std::string heif(const std::string& major, const std::string& compatible, std::uint32_t w, std::uint32_t h) {
  std::string ftyp = box("ftyp", major + be32(0) + compatible);
  std::string ipco = box("ipco", ispe(160, 120) + box("av1C", raw({0x81, 0, 0, 0})) + ispe(w, h));
  std::string ipma = full_box("ipma", 0, 0, be32(2) + be16(1) + raw({2, 0x01, 0x82}) + be16(2) + raw({2, 0x82, 0x03}));
  std::string meta = full_box("meta", 0, 0,
                              full_box("hdlr", 0, 0, be32(0) + "pict" + std::string(12, '\0') + std::string(1, '\0')) +
                                  full_box("pitm", 0, 0, be16(2)) + box("iprp", ipco + ipma));
  return ftyp + meta + box("mdat", std::string(16, '\x55'));
}
const std::string kAvif = heif("avif", "mif1miafavif", 1920, 1080);
const std::string kHeic = heif("heic", "mif1heic", 4032, 3024);

// --- the samples -----------------------------------------------------------

struct Sample {
  const char* name;
  std::string bytes;
  ImageType type;
  std::string_view mime;
  std::string_view extension;
  std::uint32_t width;
  std::uint32_t height;
};

std::vector<Sample> samples() {
  return {
      {"png", kPng1x1, ImageType::png, "image/png", "png", 1, 1},
      {"jpeg-baseline", kJpegBaseline, ImageType::jpeg, "image/jpeg", "jpg", 640, 480},
      {"jpeg-progressive", kJpegProgressive, ImageType::jpeg, "image/jpeg", "jpg", 1200, 1600},
      {"gif", kGif, ImageType::gif, "image/gif", "gif", 3, 5},
      {"webp-vp8", kWebpVp8, ImageType::webp, "image/webp", "webp", 320, 200},
      {"webp-vp8l", kWebpVp8l, ImageType::webp, "image/webp", "webp", 3, 2},
      {"webp-vp8x", kWebpVp8x, ImageType::webp, "image/webp", "webp", 400, 300},
      {"bmp", kBmp, ImageType::bmp, "image/bmp", "bmp", 4, 3},
      {"avif", kAvif, ImageType::avif, "image/avif", "avif", 1920, 1080},
      {"heic", kHeic, ImageType::heic, "image/heic", "heic", 4032, 3024},
  };
}

TEST(ImageProbe, ReadsTypeAndDimensionsOfEachKind) {
  for (const auto& s : samples()) {
    SCOPED_TRACE(s.name);
    auto r = probe_image(s.bytes);
    ASSERT_TRUE(r.ok()) << r.detail;
    EXPECT_EQ(r.info.type, s.type);
    EXPECT_EQ(r.info.mime, s.mime);
    EXPECT_EQ(r.info.extension, s.extension);
    EXPECT_EQ(r.info.width, s.width);
    EXPECT_EQ(r.info.height, s.height);
    EXPECT_TRUE(r.detail.empty());
  }
}

TEST(ImageProbe, EveryTruncatedHeaderIsAnErrorNeverAGuess) {
  for (const auto& s : samples()) {
    SCOPED_TRACE(s.name);
    // The shortest prefix that reads as the image; every shorter one is
    // `truncated`, every longer one gives the same answer.
    std::size_t first_ok = s.bytes.size();
    for (std::size_t n = 0; n <= s.bytes.size(); ++n) {
      // A copy of exactly n bytes, so ASan sees any read past the prefix.
      std::vector<char> copy(s.bytes.begin(), s.bytes.begin() + static_cast<std::ptrdiff_t>(n));
      auto r = probe_image(std::string_view(copy.data(), copy.size()));
      if (n < first_ok && r.ok()) first_ok = n;
      if (n < first_ok) {
        EXPECT_EQ(r.error, ProbeError::truncated) << "prefix " << n << ": " << r.detail;
      } else {
        ASSERT_TRUE(r.ok()) << "prefix " << n << ": " << r.detail;
        EXPECT_EQ(r.info.width, s.width);
        EXPECT_EQ(r.info.height, s.height);
      }
    }
    EXPECT_GE(first_ok, 10u) << "a header is read from a plausible length";
  }
  EXPECT_EQ(probe_image("").error, ProbeError::truncated);
}

TEST(ImageProbe, FilesThatAreNotImagesAreUnknown) {
  const std::string pdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
  EXPECT_EQ(probe_image(pdf).error, ProbeError::unknown_type);
  EXPECT_EQ(probe_image("this is plain text in a file named photo.jpg\n").error, ProbeError::unknown_type);
  EXPECT_EQ(probe_image("<svg xmlns=\"http://www.w3.org/2000/svg\"/>").error, ProbeError::unknown_type);
  EXPECT_EQ(probe_image(raw({0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0, 0, 0})).error, ProbeError::unknown_type);  // TIFF
  // An MP4 is ISO-BMFF too, but not an image brand.
  EXPECT_EQ(probe_image(box("ftyp", "isom" + be32(512) + "isomiso2avc1mp41") + box("free", "")).error,
            ProbeError::unknown_type);
  // A JPEG's SOI not followed by a marker is not a JPEG.
  EXPECT_EQ(probe_image(kSoi + "text").error, ProbeError::unknown_type);
  EXPECT_FALSE(describe(ProbeError::unknown_type).empty());
}

TEST(ImageProbe, DeclaredDimensionsAreCheckedAndCapped) {
  // 100000 x 100000 is a plausible header, refused by the 25-megapixel cap.
  auto huge = probe_image(png_header(100000, 100000));
  ASSERT_TRUE(huge.ok()) << huge.detail;
  EXPECT_FALSE(within_pixel_cap(huge.info));

  auto at_cap = probe_image(png_header(5000, 5000));
  ASSERT_TRUE(at_cap.ok());
  EXPECT_TRUE(within_pixel_cap(at_cap.info));
  EXPECT_FALSE(within_pixel_cap(probe_image(png_header(5001, 5000)).info));
  EXPECT_TRUE(within_pixel_cap(probe_image(kPng1x1).info, 1));

  EXPECT_EQ(probe_image(png_header(0, 10)).error, ProbeError::bad_dimensions);
  EXPECT_EQ(probe_image(png_header(2'000'000, 10)).error, ProbeError::bad_dimensions);
  EXPECT_EQ(probe_image(png_header(0x80000000u, 10)).error, ProbeError::corrupt);  // over PNG's 2^31-1
  EXPECT_EQ(probe_image(png_header(10, 10, 3, 2)).error, ProbeError::corrupt);     // RGB at 3 bits
  std::string bad_crc = png_header(10, 10);
  bad_crc[30] = static_cast<char>(bad_crc[30] ^ 1);
  EXPECT_EQ(probe_image(bad_crc).error, ProbeError::corrupt);

  EXPECT_EQ(probe_image(kSoi + kApp0 + sof(0xC0, 640, 0) + kTail).error, ProbeError::bad_dimensions);
  EXPECT_EQ(probe_image("GIF87a" + le16(0) + le16(5) + std::string(4, '\0')).error, ProbeError::bad_dimensions);
  EXPECT_EQ(probe_image(riff("VP8X", raw({0, 0, 0, 0}) + le24(0xFFFFFF) + le24(0xFFFFFF))).error,
            ProbeError::bad_dimensions);
  EXPECT_EQ(probe_image(heif("avif", "mif1", 0, 100)).error, ProbeError::bad_dimensions);
  EXPECT_EQ(probe_image(heif("heic", "", 3'000'000, 100)).error, ProbeError::bad_dimensions);
}

TEST(ImageProbe, HostileJpegMarkersEndQuickly) {
  // Segment lengths that would not advance a naive parser.
  EXPECT_EQ(probe_image(kSoi + raw({0xFF, 0xE0, 0x00, 0x00}) + sof(0xC0, 1, 1)).error, ProbeError::corrupt);
  EXPECT_EQ(probe_image(kSoi + raw({0xFF, 0xE1, 0x00, 0x01}) + sof(0xC0, 1, 1)).error, ProbeError::corrupt);
  // A megabyte of fill bytes, of restart markers, of stray zeros: one pass, then "truncated".
  EXPECT_EQ(probe_image(kSoi + std::string(1 << 20, '\xFF')).error, ProbeError::truncated);
  std::string restarts = kSoi;
  for (int i = 0; i < (1 << 19); ++i) restarts += raw({0xFF, 0xD0 + (i & 7)});
  EXPECT_EQ(probe_image(restarts).error, ProbeError::truncated);
  EXPECT_EQ(probe_image(kSoi + raw({0xFF}) + std::string(1 << 20, '\0')).error, ProbeError::truncated);
  // A segment whose length runs past the end.
  EXPECT_EQ(probe_image(kSoi + raw({0xFF, 0xE1, 0xFF, 0xFF}) + "short").error, ProbeError::truncated);
  // Markers out of order.
  EXPECT_EQ(probe_image(kSoi + kApp0 + kSoi + sof(0xC0, 1, 1)).error, ProbeError::corrupt);
  EXPECT_EQ(probe_image(kSoi + kApp0 + kTail + sof(0xC0, 1, 1)).error, ProbeError::corrupt);  // scan first
  EXPECT_EQ(probe_image(kSoi + kApp0 + raw({0xFF, 0xD9})).error, ProbeError::corrupt);
  // A frame header whose length does not match its component count.
  EXPECT_EQ(probe_image(kSoi + segment(0xC0, raw({8}) + be16(1) + be16(1) + raw({3, 1, 0x11, 0}))).error,
            ProbeError::corrupt);
  // Stray bytes between segments are skipped, as libjpeg does.
  auto stray = probe_image(kSoi + kApp0 + "junk" + sof(0xC1, 33, 44) + kTail);
  ASSERT_TRUE(stray.ok()) << stray.detail;
  EXPECT_EQ(stray.info.width, 33u);
  // Garbage after SOI: an error, whatever the bytes.
  std::mt19937 rng(15);
  for (int i = 0; i < 200; ++i) {
    std::string g = kSoi + raw({0xFF});
    for (int j = 0; j < 512; ++j) g += static_cast<char>(rng() % 256 == 0 ? 0xC0 : rng() & 0xFF);
    auto r = probe_image(g);
    if (r.ok()) {
      EXPECT_LE(r.info.width, 65535u);
    }
  }
}

TEST(ImageProbe, ForgedHeifBoxesAreRefused) {
  const std::string ftyp = box("ftyp", "avif" + be32(0) + "mif1avif");
  auto meta = [](const std::string& children) { return full_box("meta", 0, 0, children); };
  const std::string pitm = full_box("pitm", 0, 0, be16(1));
  const std::string ipco = box("ipco", ispe(10, 10));
  // No primary item.
  EXPECT_EQ(probe_image(ftyp + meta(box("iprp", ipco))).error, ProbeError::corrupt);
  // A primary item with no size property.
  EXPECT_EQ(probe_image(ftyp + meta(pitm + box("iprp", ipco))).error, ProbeError::corrupt);
  // ipma announcing four billion entries in a few bytes.
  EXPECT_EQ(probe_image(ftyp + meta(pitm + box("iprp", ipco + full_box("ipma", 0, 0,
                                                                       be32(0xFFFFFFFF) + be16(1) + raw({1, 1})))))
                .error,
            ProbeError::corrupt);
  // A child box larger than its parent.
  EXPECT_EQ(probe_image(ftyp + meta(pitm + be32(4096) + "iprp" + ipco)).error, ProbeError::corrupt);
  // A box size smaller than its header.
  EXPECT_EQ(probe_image(ftyp + meta(pitm + be32(3) + "iprp")).error, ProbeError::corrupt);
  // The mdat first and no meta: the metadata was cut off.
  EXPECT_EQ(probe_image(ftyp + box("mdat", "xxxx")).error, ProbeError::truncated);
  // The well-formed shape with the wide (15-bit) index form and a version-1 ipma.
  auto ok = probe_image(
      ftyp + meta(pitm + box("iprp", ipco + full_box("ipma", 1, 1, be32(1) + be32(1) + raw({1, 0x80, 0x01})))));
  ASSERT_TRUE(ok.ok()) << ok.detail;
  EXPECT_EQ(ok.info.width, 10u);
}

TEST(ImageProbe, RandomMutationsNeverMisbehave) {
  std::mt19937 rng(20240615);
  for (const auto& s : samples()) {
    for (int i = 0; i < 400; ++i) {
      std::vector<char> m(s.bytes.begin(), s.bytes.end());
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) m[rng() % m.size()] = static_cast<char>(rng() & 0xFF);
      if (rng() % 4 == 0) m.resize(rng() % m.size());
      auto r = probe_image(std::string_view(m.data(), m.size()));
      if (r.ok()) {
        EXPECT_GE(r.info.width, 1u);
        EXPECT_LE(r.info.width, kMaxSide);
        EXPECT_GE(r.info.height, 1u);
        EXPECT_LE(r.info.height, kMaxSide);
      } else {
        EXPECT_FALSE(r.detail.empty());
      }
    }
  }
}

TEST(ImageProbe, ContentHashIsSha256Hex) {
  EXPECT_EQ(content_sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(content_sha256(kPng1x1).size(), 64u);
  EXPECT_NE(content_sha256(kPng1x1), content_sha256(kGif));
}

}  // namespace
}  // namespace wh::media
