// How the media routes (uploads, the media library) reach ImageKit and
// answer its failures, in one place.
#pragma once
#include "core/error.h"
#include "media/imagekit_client.h"
#include "web/context.h"

namespace wh::media {

// The ImageKit client of this request over the server's outbound client;
// 503 when IMAGEKIT_PRIVATE_KEY is not set.
ImageKitClient imagekit_for(web::Context& ctx);

// The API error of a failed ImageKit call about an upload or a file named
// by the admin: 503 not configured or unavailable, 400 invalid, 502 refused,
// 404 not found.
ApiError imagekit_error(const ImageKitError& e);

// The API error of a failed ImageKit call about a file the media table
// says exists: as imagekit_error(), but ImageKit not knowing it is 502 too
// (the row and ImageKit disagree; the row is left as it was).
ApiError imagekit_library_error(const ImageKitError& e);

}  // namespace wh::media
