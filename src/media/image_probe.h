// What an uploaded image is, read from its bytes without decoding a pixel:
// the type by its magic bytes and the pixel dimensions from its header.
// The origin never decodes images (ImageKit does the image work); this is
// the whole of the upload's inspection. Pure C++, no image library.
//
// Recognised (the old backend's JPEG/PNG/WebP/GIF/BMP, plus AVIF and HEIC):
//   JPEG  SOI, then the markers walked to the first SOFn (fill bytes, RSTn,
//         APPn/COM and other segments skipped by their lengths; stray bytes
//         between segments skipped as libjpeg does)
//   PNG   signature + IHDR (length 13, CRC checked)
//   GIF   GIF87a/GIF89a logical screen
//   WebP  RIFF/WEBP with a first chunk VP8 (key frame), VP8L or VP8X
//   AVIF, HEIC  ISO-BMFF `ftyp` brand, then meta/pitm/iprp/ipco/ipma: the
//         `ispe` property associated with the primary item
//   BMP   BITMAPCOREHEADER or BITMAPINFOHEADER and its successors
//
// Contract: never reads outside `bytes`; work is linear in bytes.size() (every
// loop advances), so hostile input costs at most one pass. Pass the whole
// upload: a JPEG's SOF may follow large APPn segments (EXIF, ICC), and an
// ISO-BMFF `meta` box may follow others. A buffer ending before the needed
// header is `truncated`, never a guess.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace wh::media {

enum class ImageType { jpeg, png, gif, webp, avif, heic, bmp };

struct ImageInfo {
  ImageType type = ImageType::jpeg;
  std::string_view mime;       // "image/jpeg", ... (static storage)
  std::string_view extension;  // "jpg", "png", "gif", "webp", "avif", "heic", "bmp" (no dot)
  std::uint32_t width = 0;     // pixels, 1..kMaxSide
  std::uint32_t height = 0;
};

enum class ProbeError {
  none,
  unknown_type,    // no supported magic bytes (a PDF, text, SVG, TIFF, ...)
  truncated,       // the bytes end before the header does
  corrupt,         // the magic bytes match but the structure is invalid
  bad_dimensions,  // a declared width or height of 0 or over kMaxSide
};

// Sides beyond this are refused by probe_image itself (no real image has
// them; they only come from forged headers). The area cap is separate:
// within_pixel_cap.
inline constexpr std::uint32_t kMaxSide = 1'000'000;
// The old backend's limit (sharp's 25 megapixels).
inline constexpr std::uint64_t kMaxPixels = 25'000'000;

struct ProbeResult {
  ProbeError error = ProbeError::none;
  ImageInfo info;      // valid when error == none
  std::string detail;  // for logs and the 400 message: what was wrong ("" when fine)

  bool ok() const { return error == ProbeError::none; }
};

// The type and dimensions of `bytes`; see the header comment.
ProbeResult probe_image(std::string_view bytes);

// Whether width x height is at most `max_pixels` (no overflow: 64-bit product
// of two sides <= kMaxSide).
bool within_pixel_cap(const ImageInfo& info, std::uint64_t max_pixels = kMaxPixels);

// A short English sentence for a probe error ("The file is not a supported
// image type (JPEG, PNG, WebP, GIF, BMP, AVIF, HEIC)", ...).
std::string_view describe(ProbeError error);

// The de-duplication key of an upload: lower-case hex SHA-256 of the bytes
// (64 characters, the Media.fileHash column), over OpenSSL EVP.
std::string content_sha256(std::string_view bytes);

}  // namespace wh::media
