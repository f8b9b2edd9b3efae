// The super admin's ImageKit manager (reference §1.24): the media library
// as ImageKit holds it, with the old backend's JSON shapes.
//   GET    /api/super-admin/imagekit/files?path&skip&limit&searchQuery&type
//                                                    {data: [files and folders], count, path}
//   GET    /api/super-admin/imagekit/files/:fileId   {data: the file}
//   POST   /api/super-admin/imagekit/folders         {folderName, parentFolderPath}
//   DELETE /api/super-admin/imagekit/folders         {folderPath}: with everything in it
//   DELETE /api/super-admin/imagekit/files/:fileId
//   POST   /api/super-admin/imagekit/files/move      {sourceFilePath, destinationPath}
//   POST   /api/super-admin/imagekit/files/copy      {sourceFilePath, destinationPath}
//   POST   /api/super-admin/imagekit/files/bulk-delete {fileIds: 1-100 ids}
//
// Super admin only (401 without a session, 403 for any other role, before
// the input is read). Every input is checked before ImageKit is called: 400
// listing the bad fields. No pooled connection is held while ImageKit is
// called; each write then records its admin activity in one statement of
// its own, which for a deletion also marks the matching media rows
// deleted (a folder's: every row whose filePath lies inside it).
// ImageKit's failures: not configured or unreachable 503, no such file or
// folder 404, a refusal of the request 400 with ImageKit's message, a
// refusal of our credentials 502.
#pragma once
#include "web/router.h"

namespace wh::media {

void register_imagekit_manager_routes(web::Router& router);

}  // namespace wh::media
