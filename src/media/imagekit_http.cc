#include "media/imagekit_http.h"

#include "http/client.h"

namespace wh::media {

ImageKitClient imagekit_for(web::Context& ctx) {
  ImageKitClient ik(ctx.get<http::OutboundClient>(), ctx.config());
  if (!ik.configured()) throw ApiError(503, "ServiceUnavailableError", "Image uploads are not configured");
  return ik;
}

ApiError imagekit_error(const ImageKitError& e) {
  switch (e.kind) {
    case ImageKitError::Kind::not_configured:
      return ApiError(503, "ServiceUnavailableError", "Image uploads are not configured");
    case ImageKitError::Kind::invalid:
      return ApiError(400, "ValidationError", e.message);
    case ImageKitError::Kind::rejected:
      return ApiError(502, "BadGatewayError", "ImageKit refused the file: " + e.message);
    case ImageKitError::Kind::not_found:
      return ApiError::not_found("File not found");
    default:
      return ApiError::unavailable("The image service is unavailable; try again");
  }
}

ApiError imagekit_library_error(const ImageKitError& e) {
  switch (e.kind) {
    case ImageKitError::Kind::invalid:
    case ImageKitError::Kind::rejected:
      return ApiError(502, "BadGatewayError", "ImageKit refused the call: " + e.message);
    case ImageKitError::Kind::not_found:
      return ApiError(502, "BadGatewayError", "ImageKit has no such file: " + e.message);
    default:
      return imagekit_error(e);
  }
}

}  // namespace wh::media
