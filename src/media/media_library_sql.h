// The statements of the media library (media_library.h). Every read is of
// the media table (plus primary-key lookups for the rows of one page);
// every write is one statement with its admin activity rows.
#pragma once
#include "admin/activity_log.h"
#include "db/sql_now.h"
#include "media/media_paths.h"

namespace wh::media::sql {

// A media row `m` as JSON: the old Prisma row (camelCase names), the old
// list's entityName (the name of what uses it) and the old trash list's
// uploader and trasher.
#define WH_LIB_ROW_JSON                                                                                           \
  "json_build_object('id', m.id, 'fileId', m.\"fileId\", 'fileName', m.\"fileName\", 'filePath', m.\"filePath\"," \
  " 'url', m.url, 'fileHash', m.file_hash, 'type', m.type, 'mimeType', m.mime_type, 'size', m.size,"              \
  " 'width', m.width, 'height', m.height, 'uploadedBy', m.uploaded_by, 'usedBy', m.used_by,"                      \
  " 'usageType', m.usage_type, 'status', m.status, 'trashedAt', wh_iso(m.trashed_at),"                            \
  " 'trashedBy', m.trashed_by, 'createdAt', wh_iso(m.created_at), 'updatedAt', wh_iso(m.updated_at),"             \
  " 'entityName', CASE WHEN m.used_by IS NOT NULL THEN CASE split_part(m.usage_type, '_', 1)"                     \
  "   WHEN 'product' THEN (SELECT e.name FROM products e WHERE e.id = m.used_by)"                                 \
  "   WHEN 'variant' THEN (SELECT p.name FROM variants v JOIN products p ON p.id = v.product_id"                  \
  "     WHERE v.id = m.used_by)"                                                                                  \
  "   WHEN 'category' THEN (SELECT e.name FROM categories e WHERE e.id = m.used_by)"                              \
  "   WHEN 'banner' THEN (SELECT e.title FROM promotional_banners e WHERE e.id = m.used_by)"                      \
  "   WHEN 'review' THEN (SELECT e.title FROM reviews e WHERE e.id = m.used_by) END END,"                         \
  " 'uploader', (SELECT json_build_object('id', u.id, 'email', u.email, 'firstName', u.first_name,"               \
  "   'lastName', u.last_name) FROM users u WHERE u.id = m.uploaded_by),"                                         \
  " 'trasher', (SELECT json_build_object('id', u.id, 'email', u.email, 'firstName', u.first_name,"                \
  "   'lastName', u.last_name) FROM users u WHERE u.id = m.trashed_by))"

// One page of `f` (a CTE of ids with the sort column `k`, newest first) as
// the JSON array of rows, then the old pagination object. $4 limit, $5
// offset, $6 page.
#define WH_LIB_PAGE                                                                                   \
  " t AS (SELECT count(*)::int AS n FROM f)"                                                          \
  " SELECT COALESCE((SELECT json_agg(x.j ORDER BY x.k DESC, x.id DESC) FROM (SELECT " WH_LIB_ROW_JSON \
  " AS j, p.k, m.id FROM (SELECT id, k FROM f ORDER BY k DESC, id DESC LIMIT $4 OFFSET $5) p"         \
  " JOIN media m ON m.id = p.id) x), '[]'::json)::text,"                                              \
  " json_build_object('total', t.n, 'page', $6::int, 'limit', $4::int,"                               \
  " 'pages', (t.n + $4::int - 1) / $4::int)::text FROM t"

// $1 type, $2 status, $3 an ILIKE pattern of the file name or URL (each
// NULL: any), $4..$6 as WH_LIB_PAGE. Newest first.
inline constexpr const char* kList =
    "WITH f AS (SELECT m.id, m.created_at AS k FROM media m WHERE ($1::text IS NULL OR m.type = $1)"
    " AND ($2::text IS NULL OR m.status = $2)"
    " AND ($3::text IS NULL OR m.\"fileName\" ILIKE $3 OR m.url ILIKE $3)),"
    " " WH_LIB_PAGE;

// $4..$6 as WH_LIB_PAGE ($1..$3 unused, NULL). Most recently trashed first.
inline constexpr const char* kTrash =
    "WITH f AS (SELECT m.id, COALESCE(m.trashed_at, m.updated_at) AS k FROM media m WHERE m.status = 'trashed'"
    " AND $1::text IS NULL AND $2::text IS NULL AND $3::text IS NULL),"
    " " WH_LIB_PAGE;

// $1 id: what a write needs to know of the row.
inline constexpr const char* kOne =
    "SELECT id, \"fileId\", \"filePath\", url, type, status, used_by, usage_type, \"fileName\" FROM media WHERE id = "
    "$1";

// $1 a JSON array of ids: the same columns, of the ids that exist.
inline constexpr const char* kMany =
    "SELECT id, \"fileId\", \"filePath\", url, type, status, used_by, usage_type, \"fileName\" FROM media"
    " WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))";

// $1 id, $2 the trash path, $3 the admin, $4 the activity (media.soft_delete).
// Only while the row is still active; the row as JSON.
inline constexpr const char* kSoftOne =
    "WITH m AS (UPDATE media SET status = 'trashed', trashed_at = " WH_SQL_NOW
    ", trashed_by = $3, \"filePath\" = $2,"
    " updated_at = " WH_SQL_NOW
    " WHERE id = $1 AND status = 'active' RETURNING *), " WH_ADMIN_ACTIVITY("m", "$4") " SELECT " WH_LIB_ROW_JSON
                                                                                       "::text FROM m";

// $1 [{id, path}], $2 the admin, $3 the activity: the ids trashed.
inline constexpr const char* kSoftMany =
    "WITH v AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(id text, path text)),"
    " m AS (UPDATE media x SET status = 'trashed', trashed_at = " WH_SQL_NOW
    ", trashed_by = $2, \"filePath\" = v.path,"
    " updated_at = " WH_SQL_NOW " FROM v WHERE x.id = v.id AND x.status = 'active' RETURNING x.id), " WH_ADMIN_ACTIVITY(
        "m", "$3") " SELECT id FROM m";

// $1 id, $2 the restored path, $3 the activity (media.restore). Only while
// the row is trashed; the row as JSON.
inline constexpr const char* kRestoreOne =
    "WITH m AS (UPDATE media SET status = 'active', trashed_at = NULL, trashed_by = NULL, \"filePath\" = $2,"
    " updated_at = " WH_SQL_NOW
    " WHERE id = $1 AND status = 'trashed' RETURNING *), " WH_ADMIN_ACTIVITY("m", "$3") " SELECT " WH_LIB_ROW_JSON
                                                                                        "::text FROM m";

// $1 id, $2 the activity (media.hard_delete): the row as JSON.
inline constexpr const char* kHardOne =
    "WITH m AS (UPDATE media SET status = 'deleted', used_by = NULL, usage_type = NULL, updated_at = " WH_SQL_NOW
    " WHERE id = $1 AND status <> 'deleted' RETURNING *), " WH_ADMIN_ACTIVITY("m", "$2") " SELECT " WH_LIB_ROW_JSON
                                                                                         "::text FROM m";

// $1 a JSON array of ids, $2 the activity (media.hard_delete): the ids
// marked deleted.
inline constexpr const char* kHardMany =
    "WITH m AS (UPDATE media SET status = 'deleted', used_by = NULL, usage_type = NULL, updated_at = " WH_SQL_NOW
    " WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)) AND status <> 'deleted' RETURNING "
    "id), " WH_ADMIN_ACTIVITY("m", "$2") " SELECT id FROM m";

// $1 the last id of the previous batch ("" first), $2 the batch size: the
// next trashed rows by id.
inline constexpr const char* kTrashBatch =
    "SELECT id, \"fileId\" FROM media WHERE status = 'trashed' AND id > $1 ORDER BY id LIMIT $2::int";

// $1 IMAGEKIT_URL_ENDPOINT (NULL: create nothing), $2 the admin, $3 the
// activity (media.sync). Creates a row for each catalog URL on the
// endpoint that no media row has (its fileId "legacy_" + md5 of the URL:
// ImageKit's id is not known from a URL; size 0, MIME type by extension,
// as the old sync), and points each referenced row whose used_by no longer
// uses it (or is NULL) at the entity using it. The counts created, linked.
inline constexpr const char* kSync =
    "WITH refs AS " WH_MEDIA_CATALOG_REFS
    ","
    " pick AS (SELECT DISTINCT ON (base) base, type, used_by, usage_type FROM refs ORDER BY base, ord, used_by),"
    " named AS (SELECT p.*, regexp_replace(p.base, '^.*/', '') AS name, substr(p.base, length($1::text) + 1) AS path"
    "   FROM pick p WHERE $1::text IS NOT NULL AND left(p.base, length($1::text) + 1) = $1::text || '/'"
    "   AND length(p.base) <= 500 AND NOT EXISTS (SELECT 1 FROM media m WHERE m.url = p.base)),"
    " created AS (INSERT INTO media (id, \"fileId\", \"fileName\", \"filePath\", url, file_hash, type, mime_type,"
    "   size, width, height, uploaded_by, used_by, usage_type, status, created_at, updated_at)"
    "   SELECT wh_new_id(), 'legacy_' || md5(n.base), left(COALESCE(NULLIF(n.name, ''), 'unknown.jpg'), 255),"
    "   n.path, n.base, NULL, n.type,"
    "   CASE lower(substring(n.name from '\\.([A-Za-z0-9]+)$')) WHEN 'png' THEN 'image/png'"
    "     WHEN 'webp' THEN 'image/webp' WHEN 'gif' THEN 'image/gif' WHEN 'bmp' THEN 'image/bmp'"
    "     WHEN 'avif' THEN 'image/avif' WHEN 'heic' THEN 'image/heic' ELSE 'image/jpeg' END,"
    "   0, NULL, NULL, $2, n.used_by, n.usage_type, 'active', " WH_SQL_NOW ", " WH_SQL_NOW
    "   FROM named n ON CONFLICT (\"fileId\") DO NOTHING RETURNING id),"
    " linked AS (UPDATE media m SET used_by = p.used_by, usage_type = p.usage_type, updated_at = " WH_SQL_NOW
    "   FROM pick p WHERE m.url = p.base AND m.status <> 'deleted'"
    "   AND (m.used_by IS NULL OR NOT EXISTS (SELECT 1 FROM refs r WHERE r.base = m.url AND r.used_by = m.used_by))"
    "   RETURNING m.id),"
    " changed AS (SELECT id FROM created UNION ALL SELECT id FROM linked), " WH_ADMIN_ACTIVITY(
        "changed", "$3") " SELECT (SELECT count(*) FROM created), (SELECT count(*) FROM linked)";

}  // namespace wh::media::sql
