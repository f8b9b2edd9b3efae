// Internal to the image probe: AVIF and HEIC (HEIF over ISO-BMFF, ISO/IEC
// 23008-12). The type comes from the `ftyp` box's brands; the dimensions from
// the `ispe` property the `ipma` box associates with the `pitm` primary item
// (for a grid image that is the whole canvas, not a tile). Only the fixed
// path meta > iprp > ipco/ipma is walked: no recursion, every box step
// advances by the box's size (at least 8 bytes), so work is linear.
#pragma once
#include <optional>
#include <string_view>

#include "media/image_probe.h"

namespace wh::media::probe {

// Whether `bytes` start like an ISO-BMFF file (`ftyp` at offset 4).
bool looks_like_bmff(std::string_view bytes);

// AVIF or HEIC by the `ftyp` brands (major or compatible: avif/avis, then
// heic/heix/heim/heis/hevc/hevx); nullopt for any other ISO-BMFF file (MP4,
// QuickTime, plain mif1). `truncated` is set when the ftyp box itself is cut.
std::optional<ImageType> heif_brand(std::string_view bytes, bool& truncated);

// The dimensions of the primary item, for a file heif_brand() classified.
ProbeResult probe_heif(std::string_view bytes, ImageType type);

}  // namespace wh::media::probe
