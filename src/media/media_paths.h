// Where media files live at ImageKit and how the catalog refers to them,
// shared by the uploads, the media library and the orphaned-media job.
//
// Folders: one per upload type (the old backend's), "/" for "general" (no
// type); the trash is "/trashed" (the old moveToTrash folder). A trashed
// file goes back to its home folder: the folder of its stored URL's path
// when that URL is IMAGEKIT_URL_ENDPOINT + path (that URL is what the
// catalog holds, so restoring there makes it load again), else its type's
// folder.
#pragma once
#include <string>
#include <string_view>

namespace wh::media {

struct MediaKind {
  std::string_view type;
  std::string_view folder;
};
inline constexpr MediaKind kMediaKinds[] = {{"product", "/products"},    {"review", "/reviews"},
                                            {"variant", "/variants"},    {"user", "/users"},
                                            {"category", "/categories"}, {"banner", "/banners"}};

inline constexpr std::string_view kTrashFolder = "/trashed";

// The kind of `type`, nullptr when it is not one of kMediaKinds.
const MediaKind* find_kind(std::string_view type);

// The type's folder; "/" for "general" and anything unknown.
std::string_view folder_for_type(std::string_view type);

// "/products" of "/products/name.jpg" ("/" for a file at the root).
std::string_view file_path_folder(std::string_view file_path);

// "name.jpg" of "/products/name.jpg".
std::string_view file_name_of(std::string_view file_path);

// The path a file has after ImageKit moved it into `folder`: folder + "/" +
// its name ("/" + name for the root).
std::string path_in_folder(std::string_view folder, std::string_view file_path);

// The folder a trashed file is restored to (see above). `url_endpoint` is
// IMAGEKIT_URL_ENDPOINT without a trailing slash ("" = by type only).
std::string home_folder(std::string_view stored_url, std::string_view type, std::string_view url_endpoint);

}  // namespace wh::media

// Every image URL the catalog holds, as the relation
//   (url, base, type, used_by, usage_type, ord)
// base = the URL without its query (the upload answered "<url>?v=<ms>" and
// admins saved that), type and usage_type as the old services wrote them
// ("variant" / "variant_image"), used_by the entity's id, ord the old sync's
// order of preference when one URL is used by several entities (products,
// variants, reviews, categories, banners). Empty strings are left out.
#define WH_MEDIA_CATALOG_REFS                                                                                    \
  "(SELECT r.url, split_part(r.url, '?', 1) AS base, r.type, r.used_by, r.type || '_image' AS usage_type, r.ord" \
  " FROM (SELECT u.url, 'product'::text AS type, p.id AS used_by, 1 AS ord FROM products p,"                     \
  " unnest(p.images) u(url)"                                                                                     \
  " UNION ALL SELECT u.url, 'variant', v.id, 2 FROM variants v, unnest(v.images) u(url)"                         \
  " UNION ALL SELECT u.url, 'review', rv.id, 3 FROM reviews rv, unnest(rv.images) u(url)"                        \
  " UNION ALL SELECT c.image, 'category', c.id, 4 FROM categories c WHERE c.image IS NOT NULL"                   \
  " UNION ALL SELECT b.image_url, 'banner', b.id, 5 FROM promotional_banners b) r"                               \
  " WHERE r.url IS NOT NULL AND r.url <> '')"
