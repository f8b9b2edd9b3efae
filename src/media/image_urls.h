// The right-sized variants of a stored image URL, built in this one place.
// Stored URLs stay exactly as the old backend wrote them (the old frontend
// and admin read and write them); responses add the variants beside them.
//
// An ImageKit URL (its host is ik.imagekit.io, or it starts with
// IMAGEKIT_URL_ENDPOINT followed by '/', '?' or nothing) gets ImageKit's
// resize-to-fit transformation "w-W,h-H,c-at_max,f-auto" (at most W x H,
// aspect kept, never cropped, never enlarged; f-auto lets ImageKit serve
// AVIF/WebP to browsers that take them):
//   - chained (":" + ours) onto a transformation already in the path
//     ("/tr:..." right after the endpoint) or in the `tr` query parameter,
//     so an admin's crop is kept and then resized;
//   - else added as a `tr` query parameter (before any #fragment).
// Any other URL (another host, a relative path, a signed ImageKit URL whose
// ik-s signature would break, an empty string) comes back unchanged.
#pragma once
#include <string>
#include <string_view>

namespace wh::media {

enum class ImageVariant {
  thumbnail,  // 200 x 200: admin tables, cart lines, the media library grid
  card,       // 600 x 800: product cards and listings (portrait wig photos)
  detail,     // 1200 x 1600: the product page's main image
};

struct VariantSize {
  int width;
  int height;
};
VariantSize variant_size(ImageVariant variant);

// `stored_url` resized for `variant`; see the header comment. `url_endpoint`
// is IMAGEKIT_URL_ENDPOINT ("" = only ik.imagekit.io URLs are recognised).
std::string variant_url(std::string_view stored_url, ImageVariant variant, std::string_view url_endpoint);

struct VariantUrls {
  std::string thumbnail;
  std::string card;
  std::string detail;
};
VariantUrls variant_urls(std::string_view stored_url, std::string_view url_endpoint);

// Whether `url` is served by ImageKit, by the rule above.
bool is_imagekit_url(std::string_view url, std::string_view url_endpoint);

}  // namespace wh::media
