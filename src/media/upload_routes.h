// The admin upload routes (reference §1.23) over ImageKit's HTTP API, with
// the old backend's JSON shapes:
//   POST   /api/upload?type&force      one image in the field `file`
//   POST   /api/upload/batch?type      up to 10 images in the field `files`
//   POST   /api/upload/check-hash      `file` -> duplicate lookup only
//   DELETE /api/upload                 {fileId} or {url}
//   GET    /api/upload/auth            signed parameters for a direct browser upload
//
// The origin never decodes an image: the type comes from the magic bytes
// (the declared MIME type and file name are not trusted), the dimensions from
// the header (media/image_probe.h). De-duplication is by SHA-256 against the
// active media rows. No pooled connection is held while ImageKit is called;
// the media row and its admin activity row are one statement afterwards.
#pragma once
#include "web/router.h"

namespace wh::media {

void register_upload_routes(web::Router& router);

}  // namespace wh::media
