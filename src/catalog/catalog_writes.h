// What the admin product and variant writes share: the role check, the
// variant statements (insert, partial update, conflict check) that take
// normalised variants (catalog/product_validation.h) as one jsonb array, so
// a write costs the same few statements whatever the number of variants,
// the mapping of constraint errors to 409s, and cache invalidation.
#pragma once
#include <boost/json/array.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/task.h"
#include "db/db.h"
#include "db/sql_now.h"
#include "web/context.h"

namespace wh::catalog {

// 401 without a valid token, 403 unless the user is an admin or super admin.
void require_admin(const web::Context& ctx);

// Gives each new variant its id (ascending in list order, so the first one
// stays the "main" variant), its productId and, when it has none, a SKU
// like the old backend's: <last 6 of the product id, upper case>-<8 hex>.
void prepare_new_variants(boost::json::array& added, std::string_view product_id);
// <last 6 of the product id, upper case>-<suffix>; new_sku() with 8
// random upper-case hex digits.
std::string sku_for(std::string_view product_id, std::string_view suffix);
std::string new_sku(std::string_view product_id);

// 409 ConflictError when applying `patches` (variants with an id) and
// adding `added` (variants with a productId) would give two variants one
// SKU, or two variants of one product the same (length, color, texture,
// size), NULL and "" counting as equal (the unique index alone lets NULLs
// repeat). Call with the affected products locked.
Task<void> check_variant_conflicts(db::Tx& tx, const boost::json::array& patches, const boost::json::array& added);
// True when a patch changes a SKU or an attribute (only then is the check
// needed).
bool touches_identity(const boost::json::object& patch);

// Applies the patches; one row per updated variant: product_id, variant JSON.
Task<db::Result> patch_variants(db::Tx& tx, const boost::json::array& patches);
// Inserts the (prepared) variants; a missing or zero price is the product's
// base price. One row per variant: product_id, variant JSON.
Task<db::Result> insert_variants(db::Tx& tx, const boost::json::array& added);

// "SELECT id FROM products WHERE id = $1 FOR UPDATE": holds a product
// against concurrent variant writes until the transaction ends.
extern const char* const kLockProductSql;
// Runs kLockProductSql; false when the product does not exist.
Task<bool> lock_product(db::Tx& tx, const std::string& product_id);

// Locks the products owning `variant_ids` (in id order) and returns their
// ids; 404 "Variant not found" unless every variant exists.
Task<std::vector<std::string>> lock_products_of_variants(db::Tx& tx, const std::vector<std::string>& variant_ids);

// Runs `write` in one transaction. A unique violation becomes a 409 "SKU
// already exists", a row still referenced by a foreign key (order items) a
// 409 with `in_use`; other errors pass unchanged.
Task<void> run_write(web::Context& ctx, const char* in_use, const std::function<Task<void>(db::Tx&)>& write);
// One write statement (atomic by itself), errors mapped like run_write's.
Task<db::Result> write_statement(web::Context& ctx, const char* in_use, std::string_view sql, db::Params params);

// Invalidates the product lists and each product's own entries.
void invalidate_products(web::Context& ctx, const std::vector<std::string>& product_ids);

// {"success":true,"data":<data>,"message":<message>} (data omitted when
// empty).
http::Response ok_message(std::string_view data, const std::string& message, int status = 200);

}  // namespace wh::catalog
