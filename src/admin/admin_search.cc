#include "admin/admin_search.h"

#include <algorithm>
#include <string>

#include "accounts/authenticate.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::admin {

namespace {

// $1 ILIKE pattern, $2 hits per kind, $3 whether super_admin accounts may
// be found, $4 the term as echoed. Each kind is one bounded CTE (newest
// first; categories by name, as before), computed once for its list and the
// total. chr(8373) is the cedi sign, chr(9733) the star.
constexpr const char* kSearchSql = R"(
WITH pr AS (
  SELECT p.created_at AS k1, p.id AS k2, json_build_object('id', p.id, 'type', 'product', 'title', p.name,
           'subtitle', COALESCE(c.name, 'Uncategorized'), 'meta', chr(8373) || round(p.base_price, 2),
           'image', p.images[1], 'status', CASE WHEN p.is_active THEN 'active' ELSE 'inactive' END,
           'url', '/admin/products/' || p.id || '/edit') AS j
    FROM products p LEFT JOIN categories c ON c.id = p.category_id
   WHERE p.name ILIKE $1 OR p.description ILIKE $1
      OR EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.sku ILIKE $1)
   ORDER BY p.created_at DESC, p.id DESC LIMIT $2),
od AS (
  SELECT o.created_at AS k1, o.id AS k2, json_build_object('id', o.id, 'type', 'order', 'title', o.order_number,
           'subtitle', o.customer_email, 'meta', chr(8373) || round(o.total, 2), 'status', o.status,
           'paymentStatus', o.payment_status, 'url', '/admin/orders/' || o.order_number) AS j
    FROM orders o
   WHERE o.order_number ILIKE $1 OR o.customer_email ILIKE $1 OR o.customer_phone ILIKE $1
   ORDER BY o.created_at DESC, o.id DESC LIMIT $2),
us AS (
  SELECT u.created_at AS k1, u.id AS k2, json_build_object('id', u.id, 'type', 'user',
           'title', COALESCE(NULLIF(btrim(u.first_name || ' ' || u.last_name), ''), u.email), 'subtitle', u.email,
           'meta', (SELECT count(*) FROM orders o WHERE o.user_id = u.id) || ' orders', 'role', u.role,
           'status', CASE WHEN u.is_active THEN 'active' ELSE 'inactive' END, 'url', '/admin/users/' || u.id) AS j
    FROM users u
   WHERE ($3::boolean OR u.role <> 'super_admin')
     AND (u.email ILIKE $1 OR u.first_name ILIKE $1 OR u.last_name ILIKE $1 OR u.phone ILIKE $1
          OR u.first_name || ' ' || u.last_name ILIKE $1)
   ORDER BY u.created_at DESC, u.id DESC LIMIT $2),
rv AS (
  SELECT r.created_at AS k1, r.id AS k2, json_build_object('id', r.id, 'type', 'review', 'title', r.title,
           'subtitle', 'by ' || r.author_name || ' on ' || COALESCE(p.name, 'Unknown Product'),
           'meta', r.rating || chr(9733), 'status', CASE WHEN r.is_approved THEN 'approved' ELSE 'pending' END,
           'url', '/admin/reviews?highlight=' || r.id) AS j
    FROM reviews r LEFT JOIN products p ON p.id = r.product_id
   WHERE r.title ILIKE $1 OR r.content ILIKE $1 OR r.author_name ILIKE $1
   ORDER BY r.created_at DESC, r.id DESC LIMIT $2),
ca AS (
  SELECT c.name AS k1, c.id AS k2, json_build_object('id', c.id, 'type', 'category', 'title', c.name,
           'subtitle', c.type, 'meta', (SELECT count(*) FROM products p WHERE p.category_id = c.id) || ' products',
           'image', c.image, 'status', CASE WHEN c.is_active THEN 'active' ELSE 'inactive' END,
           'url', '/admin/categories?edit=' || c.id) AS j
    FROM categories c
   WHERE c.name ILIKE $1 OR c.description ILIKE $1 OR c.slug ILIKE $1
   ORDER BY c.name, c.id LIMIT $2),
di AS (
  SELECT d.created_at AS k1, d.id AS k2, json_build_object('id', d.id, 'type', 'discount', 'title', d.code,
           'subtitle', CASE WHEN d.type = 'percentage' THEN wh_money(d.value) || '% off'
                            ELSE chr(8373) || wh_money(d.value) || ' off' END,
           'meta', d.used_count || CASE WHEN COALESCE(d.max_uses, 0) <> 0 THEN '/' || d.max_uses ELSE '' END || ' uses',
           'status', CASE WHEN d.is_active AND d.expires_at > (now() AT TIME ZONE 'UTC') THEN 'active'
                          ELSE 'expired' END,
           'url', '/admin/discounts?edit=' || d.id) AS j
    FROM discount_codes d
   WHERE d.code ILIKE $1
   ORDER BY d.created_at DESC, d.id DESC LIMIT $2),
ba AS (
  SELECT b.created_at AS k1, b.id AS k2, json_build_object('id', b.id, 'type', 'banner', 'title', b.title,
           'subtitle', COALESCE(NULLIF(left(b.description, 50), ''), 'No description'), 'image', b.image_url,
           'status', CASE WHEN NOT b.is_active THEN 'inactive'
                          WHEN b.end_date < (now() AT TIME ZONE 'UTC') THEN 'expired'
                          WHEN b.start_date > (now() AT TIME ZONE 'UTC') THEN 'scheduled' ELSE 'active' END,
           'url', '/admin/banners?edit=' || b.id) AS j
    FROM promotional_banners b
   WHERE b.title ILIKE $1 OR b.description ILIKE $1
   ORDER BY b.created_at DESC, b.id DESC LIMIT $2),
st AS (
  SELECT t.created_at AS k1, t.id AS k2, json_build_object('id', t.id, 'type', 'support', 'title', t.subject,
           'subtitle', COALESCE(u.email, t.guest_email, 'Unknown User'), 'meta', t.priority, 'status', t.status,
           'url', '/admin/support?ticket=' || t.id) AS j
    FROM support_tickets t LEFT JOIN users u ON u.id = t.user_id
   WHERE t.subject ILIKE $1 OR u.email ILIKE $1 OR u.first_name ILIKE $1 OR u.last_name ILIKE $1
      OR t.guest_email ILIKE $1 OR t.guest_name ILIKE $1
   ORDER BY t.created_at DESC, t.id DESC LIMIT $2)
SELECT json_build_object('query', $4::text, 'results', json_build_object(
         'products', (SELECT COALESCE(json_agg(j ORDER BY k1 DESC, k2 DESC), '[]') FROM pr),
         'orders', (SELECT COALESCE(json_agg(j ORDER BY k1 DESC, k2 DESC), '[]') FROM od),
         'users', (SELECT COALESCE(json_agg(j ORDER BY k1 DESC, k2 DESC), '[]') FROM us),
         'reviews', (SELECT COALESCE(json_agg(j ORDER BY k1 DESC, k2 DESC), '[]') FROM rv),
         'categories', (SELECT COALESCE(json_agg(j ORDER BY k1, k2), '[]') FROM ca),
         'discounts', (SELECT COALESCE(json_agg(j ORDER BY k1 DESC, k2 DESC), '[]') FROM di),
         'banners', (SELECT COALESCE(json_agg(j ORDER BY k1 DESC, k2 DESC), '[]') FROM ba),
         'support', (SELECT COALESCE(json_agg(j ORDER BY k1 DESC, k2 DESC), '[]') FROM st)),
       'total', (SELECT count(*) FROM pr) + (SELECT count(*) FROM od) + (SELECT count(*) FROM us)
                + (SELECT count(*) FROM rv) + (SELECT count(*) FROM ca) + (SELECT count(*) FROM di)
                + (SELECT count(*) FROM ba) + (SELECT count(*) FROM st),
       'limit', $2::int)::text)";

// Code points of valid UTF-8 text.
std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Task<http::Response> search(web::Context& ctx) {
  const auto& admin = accounts::require_role(ctx, {"admin", "super_admin"});
  web::QueryReader q(ctx.req);
  auto term = q.text("q", kSearchMaxQuery, web::QueryReader::Case::kLower);
  int limit = q.integer("limit", kSearchDefaultLimit, web::kMaxPage);
  q.finish();
  if (!term || characters(*term) < 2) throw ApiError::bad_request("Search query must be at least 2 characters");
  limit = std::min(limit, kSearchMaxLimit);
  db::Params params{web::contains_pattern(*term), limit, admin.role == "super_admin", *term};
  auto r = co_await ctx.db().query(kSearchSql, std::move(params));
  co_return web::ok_data(r.get(0, 0));
}

}  // namespace

void register_admin_search_route(web::Router& router) { router.add("GET", "/api/admin/dashboard/search", search); }

}  // namespace wh::admin
