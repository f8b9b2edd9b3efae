// Variant URLs: ImageKit URLs get the resize transformation (query, chained
// onto an existing query or path transformation); others stay as stored.
#include "media/image_urls.h"

#include <gtest/gtest.h>

namespace wh::media {
namespace {

const std::string kEndpoint = "https://ik.imagekit.io/wighaven";

TEST(ImageUrls, AddsTheTransformationAsAQueryParameter) {
  EXPECT_EQ(variant_url("https://ik.imagekit.io/wighaven/products/wig_a1.jpg", ImageVariant::card, kEndpoint),
            "https://ik.imagekit.io/wighaven/products/wig_a1.jpg?tr=w-600,h-800,c-at_max,f-auto");
  EXPECT_EQ(
      variant_url("https://ik.imagekit.io/wighaven/p.jpg?updatedAt=1700000000", ImageVariant::thumbnail, kEndpoint),
      "https://ik.imagekit.io/wighaven/p.jpg?updatedAt=1700000000&tr=w-200,h-200,c-at_max,f-auto");
  EXPECT_EQ(variant_url("https://ik.imagekit.io/wighaven/p.jpg#top", ImageVariant::detail, kEndpoint),
            "https://ik.imagekit.io/wighaven/p.jpg?tr=w-1200,h-1600,c-at_max,f-auto#top");
  auto all = variant_urls("https://ik.imagekit.io/wighaven/a.png", kEndpoint);
  EXPECT_EQ(all.thumbnail, "https://ik.imagekit.io/wighaven/a.png?tr=w-200,h-200,c-at_max,f-auto");
  EXPECT_EQ(all.card, "https://ik.imagekit.io/wighaven/a.png?tr=w-600,h-800,c-at_max,f-auto");
  EXPECT_EQ(all.detail, "https://ik.imagekit.io/wighaven/a.png?tr=w-1200,h-1600,c-at_max,f-auto");
}

TEST(ImageUrls, ChainsOntoAnExistingTransformation) {
  EXPECT_EQ(variant_url("https://ik.imagekit.io/wighaven/tr:cm-extract,x-10,y-10,w-500,h-500/products/a.jpg",
                        ImageVariant::card, kEndpoint),
            "https://ik.imagekit.io/wighaven/tr:cm-extract,x-10,y-10,w-500,h-500:w-600,h-800,c-at_max,f-auto/"
            "products/a.jpg");
  EXPECT_EQ(variant_url("https://ik.imagekit.io/wighaven/a.jpg?tr=rt-90&v=2", ImageVariant::card, kEndpoint),
            "https://ik.imagekit.io/wighaven/a.jpg?tr=rt-90:w-600,h-800,c-at_max,f-auto&v=2");
  // A folder whose name merely starts with "tr" is not a transformation.
  EXPECT_EQ(variant_url("https://ik.imagekit.io/wighaven/trending/a.jpg", ImageVariant::card, kEndpoint),
            "https://ik.imagekit.io/wighaven/trending/a.jpg?tr=w-600,h-800,c-at_max,f-auto");
}

TEST(ImageUrls, RecognisesTheConfiguredEndpointAndImageKitsHost) {
  const std::string custom = "https://img.wighaven.com/";
  EXPECT_TRUE(is_imagekit_url("https://img.wighaven.com/a.jpg", custom));
  EXPECT_EQ(variant_url("https://img.wighaven.com/tr:w-10/a.jpg", ImageVariant::thumbnail, custom),
            "https://img.wighaven.com/tr:w-10:w-200,h-200,c-at_max,f-auto/a.jpg");
  EXPECT_FALSE(is_imagekit_url("https://img.wighaven.com.evil.example/a.jpg", custom));
  // Another account's ImageKit URL (the seed's, say) is still ImageKit.
  EXPECT_TRUE(is_imagekit_url("https://ik.imagekit.io/other/a.jpg", ""));
  EXPECT_EQ(variant_url("https://ik.imagekit.io/other/tr:w-10/a.jpg", ImageVariant::thumbnail, ""),
            "https://ik.imagekit.io/other/tr:w-10:w-200,h-200,c-at_max,f-auto/a.jpg");
}

TEST(ImageUrls, LeavesOtherUrlsUntouched) {
  for (std::string url : {"https://images.unsplash.com/photo-1?w=800", "/uploads/legacy.jpg", "",
                          "https://cdn.example.com/ik.imagekit.io/a.jpg", "data:image/png;base64,AAAA",
                          "https://ik.imagekit.io/wighaven/a.jpg?ik-t=1700000000&ik-s=abcdef"}) {
    SCOPED_TRACE(url);
    EXPECT_EQ(variant_url(url, ImageVariant::card, kEndpoint), url);
  }
  EXPECT_FALSE(is_imagekit_url("https://images.unsplash.com/a.jpg", kEndpoint));
}

}  // namespace
}  // namespace wh::media
