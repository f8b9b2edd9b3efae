-- Checkout's hot path (src/orders/checkout.cc, docs/benchmarks.md).
--
-- Every order reserves stock: `UPDATE variants SET reserved_stock = ...`.
-- PostgreSQL can write such an update as a heap-only tuple (HOT: no index
-- touched) only when no index covers a changed column and the page has room.
-- 0003's covering index carried reserved_stock, so every reservation wrote a
-- new entry into all twelve variant indexes (four of them trigram GINs):
-- about half the database time of an order. The covering index now carries
-- price and stock only; the storefront's available stock reads
-- reserved_stock from the row (product lists are cached, so this costs a
-- heap fetch per variant on a cache miss only).
CREATE INDEX IF NOT EXISTS "wh_variants_product_active_created_cover_idx"
  ON "variants" ("product_id", "is_active", "created_at") INCLUDE ("price", "stock");
DROP INDEX IF EXISTS "variants_product_id_is_active_created_at_cover_idx";

-- Room on each page for the new versions of its rows. Applies to pages
-- written from now on; `VACUUM FULL variants` (a short exclusive lock on a
-- small table) applies it at once.
ALTER TABLE "variants" SET (fillfactor = 70);

-- 0010's variants trigger, same contract, a tenth of the cost: it compared
-- every row as jsonb (to_jsonb(n) - stock columns), the most expensive step
-- of a checkout after the index writes. It now compares the columns a
-- product list shows or depends on. Every column of variants except id,
-- stock, reserved_stock and updated_at must be in this list: a test
-- (VariantTriggerComparesEveryListColumn) reads the table and the function
-- and fails when a new column is missing here.
CREATE OR REPLACE FUNCTION wh_notify_variant_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_tags text[];
  list_change boolean;
BEGIN
  SELECT array_agg(DISTINCT 'product:' || x.product_id), bool_or(x.list_change) INTO row_tags, list_change
    FROM (SELECT n.product_id,
                 o.id IS NULL
                   OR (n.product_id, n.sku, n.price, n.length, n.color, n.texture, n.size, n.images, n.is_active,
                       n.created_at)
                      IS DISTINCT FROM
                      (o.product_id, o.sku, o.price, o.length, o.color, o.texture, o.size, o.images, o.is_active,
                       o.created_at) AS list_change
            FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
          UNION ALL
          SELECT o.product_id, NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = o.id)
            FROM old_rows o) AS x;
  PERFORM wh_notify_tags(CASE WHEN list_change THEN ARRAY['products'] ELSE ARRAY[]::text[] END
                         || COALESCE(row_tags, '{}'));
  RETURN NULL;
END $$;

-- 0009's wh_notify_tags, same contract (one 'tags:<a,b,...>' event, 'catalog'
-- when the list outgrows a NOTIFY payload, one purge-outbox row, one 'purge'
-- wake-up), with the tags deduplicated once instead of twice across two
-- function calls: it runs in every checkout's transaction.
CREATE OR REPLACE FUNCTION wh_notify_tags(tags text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  unique_tags text[] := ARRAY(SELECT DISTINCT t FROM unnest(tags) AS t WHERE t IS NOT NULL AND t <> '' ORDER BY t);
  payload text;
BEGIN
  IF cardinality(unique_tags) = 0 THEN
    RETURN;
  END IF;
  payload := array_to_string(unique_tags, ',');
  IF octet_length(payload) > 7000 THEN
    payload := 'catalog';
    unique_tags := ARRAY['catalog'];
  END IF;
  PERFORM pg_notify('wh_events', 'tags:' || payload);
  INSERT INTO wh_purge_outbox (tags) VALUES (unique_tags);
  PERFORM pg_notify('wh_events', 'purge');
END $$;
