// The admin media library (reference §1.22), admin or super admin, with
// the old backend's JSON shapes:
//   GET    /api/admin/media?type&search&status&page&limit   the media table, newest first
//   GET    /api/admin/media/trash?page&limit                 trashed rows, latest first
//   POST   /api/admin/media/:id/restore                      ImageKit move back + active
//   DELETE /api/admin/media/:id/soft                         ImageKit move to /trashed + trashed
//   DELETE /api/admin/media/:id/hard                         ImageKit delete + deleted
//   DELETE /api/admin/media/batch  {ids: [1..100 media ids], type: soft|hard}
//   DELETE /api/admin/media/trash/clear                      every trashed row, hard
//   POST   /api/admin/media/sync                             rows for the catalog's images
//
// Fixes: the list pages the media table (the old one read four whole
// tables and sliced); batch takes our ids (the old schema wanted uuids,
// which no media row has) and answers per id; clearing the trash deletes
// at ImageKit 100 files a call; sync is one set-based statement.
//
// Order of a write: read the row, call ImageKit holding no pooled
// connection, then one statement updates the row (only if it is still in
// the state that was read) together with its admin activity. When ImageKit
// fails the row is left as it was and the answer is 502 (refused, or no
// such file) or 503 (unreachable). List rows carry the old fields plus
// `variants` {thumbnail, card, detail} (media/image_urls.h); thumbnailUrl
// is the thumbnail variant.
#pragma once
#include "web/router.h"

namespace wh::media {

void register_media_library_routes(web::Router& router);

}  // namespace wh::media
