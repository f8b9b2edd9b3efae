// The admin upload routes (reference §1.23) over ImageKit's HTTP API, with
// the old backend's JSON shapes:
//   POST   /api/upload?type&force      one image in the field `file`
//   POST   /api/upload/batch?type      up to 10 images in the field `files`
//   POST   /api/upload/check-hash      `file` -> duplicate lookup only
//   DELETE /api/upload                 {fileId} or {url}
//   GET    /api/upload/auth            signed parameters for a direct browser upload
//   POST   /api/upload/url             {imageUrl, type}: ImageKit fetches the URL itself
//   POST   /api/upload/register?force  {fileId, type, fileHash?}: records a file the
//                                      browser uploaded directly (after /auth)
//
// The origin never decodes an image: the type comes from the magic bytes
// (the declared MIME type and file name are not trusted), the dimensions from
// the header (media/image_probe.h). De-duplication is by SHA-256 against the
// active media rows. No pooled connection is held while ImageKit is called;
// the media row and its admin activity row are one statement afterwards.
//
// /url and /register never see the bytes: the file is checked by what
// ImageKit reports of it (an image of a supported type, <= 25 MP, <= 5 MB).
// /url refuses URLs that are not http(s), carry credentials, exceed 2048
// characters or name this host or a private or reserved address literal.
// /register's fileHash is the browser's own SHA-256 claim (ImageKit reports
// no content hash), used only for de-duplication; a file id registered
// before answers its row again.
#pragma once
#include "web/router.h"

namespace wh::media {

void register_upload_routes(web::Router& router);

}  // namespace wh::media
