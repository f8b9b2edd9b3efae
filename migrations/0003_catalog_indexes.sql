-- =============================================================================
-- 0003_catalog_indexes.sql — extra indexes for the catalog API (ours, not Prisma's)
--
-- Additive and idempotent (IF NOT EXISTS everywhere). None of these exist in the
-- Prisma schema; the old backend ran ILIKE '%q%' searches and list sorts as
-- sequential scans. Plain (non-partial) composite b-trees are used so the
-- planner can use them with parameterised is_active filters too.
--
-- pg_trgm is a "trusted" extension (PG 13+): a database owner / user with CREATE
-- on the database can install it without superuser.
-- Trigram GIN indexes accelerate ILIKE '%q%' for patterns with >= 3 characters;
-- 2-character searches remain correct but cannot be narrowed by the index.
-- =============================================================================

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- -----------------------------------------------------------------------------
-- products: list filters / sorts  (GET /api/products, /api/admin/products)
-- -----------------------------------------------------------------------------

-- GET /api/products?sort=newest (NewArrivals, default sort): WHERE is_active ORDER BY created_at DESC LIMIT 20
CREATE INDEX IF NOT EXISTS "products_is_active_created_at_idx" ON "products"("is_active", "created_at" DESC);

-- GET /api/products?category=<slug>&sort=newest: WHERE is_active AND category_id = $c ORDER BY created_at DESC
CREATE INDEX IF NOT EXISTS "products_is_active_category_id_created_at_idx" ON "products"("is_active", "category_id", "created_at" DESC);

-- GET /api/products?sort=price_asc|price_desc&minPrice&maxPrice: WHERE is_active AND base_price BETWEEN … ORDER BY base_price
CREATE INDEX IF NOT EXISTS "products_is_active_base_price_idx" ON "products"("is_active", "base_price");

-- GET /api/products?category=<slug>&sort=price_*&minPrice&maxPrice: same, within one category
CREATE INDEX IF NOT EXISTS "products_is_active_category_id_base_price_idx" ON "products"("is_active", "category_id", "base_price");

-- featured products (home page / isFeatured filter): WHERE is_active AND is_featured ORDER BY created_at DESC
CREATE INDEX IF NOT EXISTS "products_is_active_is_featured_created_at_idx" ON "products"("is_active", "is_featured", "created_at" DESC);

-- -----------------------------------------------------------------------------
-- variants
-- -----------------------------------------------------------------------------

-- product list/detail "active variants" + inStock/totalStock: WHERE product_id = ANY($ids) AND is_active
-- ORDER BY created_at, reading price/stock/reserved_stock via index-only scan (needs 0002 first)
CREATE INDEX IF NOT EXISTS "variants_product_id_is_active_created_at_cover_idx" ON "variants"("product_id", "is_active", "created_at") INCLUDE ("price", "stock", "reserved_stock");

-- -----------------------------------------------------------------------------
-- order_items
-- -----------------------------------------------------------------------------

-- GET /api/products?sort=popular (BestSellers): COUNT(order_items) GROUP BY variant_id -> product.
-- Same definition/name as Prisma's own index: a no-op on 0001/legacy databases, restated so
-- the popularity query's index requirement is explicit and guaranteed even on a drifted database.
CREATE INDEX IF NOT EXISTS "order_items_variant_id_idx" ON "order_items"("variant_id");

-- -----------------------------------------------------------------------------
-- trigram search  (GET /api/products/search?q, GET /api/products?search, GET /api/categories?search)
-- -----------------------------------------------------------------------------

-- /api/products/search + ?search=: products.name ILIKE '%q%'
CREATE INDEX IF NOT EXISTS "products_name_trgm_idx" ON "products" USING GIN ("name" gin_trgm_ops);

-- /api/products/search: products.description ILIKE '%q%' (one arm of the OR; without it the OR degrades to a seq scan)
CREATE INDEX IF NOT EXISTS "products_description_trgm_idx" ON "products" USING GIN ("description" gin_trgm_ops);

-- /api/products/search (category name arm) + GET /api/categories?search: categories.name ILIKE '%q%'
CREATE INDEX IF NOT EXISTS "categories_name_trgm_idx" ON "categories" USING GIN ("name" gin_trgm_ops);

-- /api/products/search: variants.sku ILIKE '%q%' (admin pastes partial SKUs)
CREATE INDEX IF NOT EXISTS "variants_sku_trgm_idx" ON "variants" USING GIN ("sku" gin_trgm_ops);

-- /api/products/search: variants.color ILIKE '%q%'
CREATE INDEX IF NOT EXISTS "variants_color_trgm_idx" ON "variants" USING GIN ("color" gin_trgm_ops);

-- /api/products/search: variants.texture ILIKE '%q%'
CREATE INDEX IF NOT EXISTS "variants_texture_trgm_idx" ON "variants" USING GIN ("texture" gin_trgm_ops);

-- /api/products/search: variants.length ILIKE '%q%'
CREATE INDEX IF NOT EXISTS "variants_length_trgm_idx" ON "variants" USING GIN ("length" gin_trgm_ops);

-- -----------------------------------------------------------------------------
-- categories / banners
-- -----------------------------------------------------------------------------

-- GET /api/categories?isActive&type (and /api/products/categories): WHERE is_active = $1 AND type = $2
CREATE INDEX IF NOT EXISTS "categories_is_active_type_idx" ON "categories"("is_active", "type");

-- GET /api/banners: WHERE is_active AND start_date <= now() AND end_date >= now() ORDER BY priority DESC
CREATE INDEX IF NOT EXISTS "promotional_banners_is_active_start_date_end_date_priority_idx" ON "promotional_banners"("is_active", "start_date", "end_date", "priority");
