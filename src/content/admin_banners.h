// Admin banner API (reference §1.16), admin or super-admin only:
//   GET    /api/admin/banners      every banner, newest first, with creator
//   GET    /api/admin/banners/:id  one banner, with creator
//   POST   /api/admin/banners      create (201)
//   PUT    /api/admin/banners/:id  update (at least one field)
//   DELETE /api/admin/banners/:id
// Bodies are checked with the old Joi rules and messages: title 1-255,
// description ≤1000 (optional, '' or null), imageUrl an http(s) URL,
// linkUrl an http(s) URL or a path of this site (optional, '' or null),
// startDate/endDate ISO 8601 with endDate after startDate (also after an
// update that changes only one of them), priority an integer 0-100 (default
// 0), isActive (default true), notifyUsers (accepted; see the .cc). A banner
// is the Prisma row: id, title, description, imageUrl, linkUrl, startDate,
// endDate, isActive, priority, createdBy, createdAt, updatedAt; the GETs add
// creator {id, email, firstName, lastName}. Every write invalidates the
// cached public banners before it answers.
#pragma once
#include "web/router.h"

namespace wh::content {

void register_admin_banner_routes(web::Router& router);

}  // namespace wh::content
