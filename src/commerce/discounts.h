// Discount codes of reference §1.9: six handlers mounted at
// /api/admin/discounts and /api/discounts (12 paths).
//   POST   {p}            admin: create (Joi rules; code stored upper-case,
//                         unique ignoring case -> 409)
//   GET    {p}            admin: newest first, paginated (page, limit <= 100;
//                         data stays the array, `pagination` beside it)
//   GET    {p}/:id        admin
//   PUT    {p}/:id        admin: the fields given (at least one)
//   DELETE {p}/:id        admin
//   POST   {p}/validate   anyone (optional auth), 10/min/IP: {code,
//                         cartTotal} -> {valid, code, type, value, amount},
//                         or a 400 with the reason (coupon_refusal)
// A discount is the old row: {id, code, type, value, minimumPurchase,
// maxUses, usedCount, usesPerCustomer, startsAt, expiresAt, isActive,
// createdAt, updatedAt}, decimals as strings as Prisma sent them.
// Invalid input is a 400 listing every bad field. Codes are not cached
// anywhere, so writes have nothing to invalidate.
#pragma once
#include "web/router.h"

namespace wh::commerce {

void register_discount_routes(web::Router& router);

}  // namespace wh::commerce
