-- Checkout and orders (src/orders, docs/caching.md). Additive: one table of
-- our own, one nullable column, one index, a function and a trigger.

-- Idempotent order creation: an Idempotency-Key (scoped by the caller) or,
-- without one, the same cart owner and body within a short window, names
-- the first order. A row is claimed (response NULL) before the order is
-- created and filled with the 201 answer after; a failed attempt deletes
-- its claim so that a retry may run.
CREATE TABLE IF NOT EXISTS wh_idempotency_keys (
  scope_key text PRIMARY KEY,         -- 'key:<owner>:<header>' or 'auto:<owner>:<body hash>'
  request_hash text NOT NULL,         -- SHA-256 of the request body
  order_id varchar(30),
  response text,                      -- the first 201 body; NULL while it is being created
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS wh_idempotency_keys_expires_idx ON wh_idempotency_keys (expires_at);

-- The carrier of PATCH /api/admin/orders/:n/tracking (the old backend had no
-- column for it and answered 500).
ALTER TABLE "orders" ADD COLUMN IF NOT EXISTS "carrier" VARCHAR(100);

-- My orders, newest first, one index range per page.
CREATE INDEX IF NOT EXISTS wh_orders_user_created_idx ON "orders" ("user_id", "created_at" DESC);

-- Variants: an update that changes only stock, reserved_stock (and
-- updated_at) names its products only, not the lists: a checkout or a
-- release must not flush every product list. Lists show stock at most their
-- TTL old (60 s, cache/instances.cc). Any other change (price, activity,
-- attributes, a moved variant) still names `products` too.
CREATE OR REPLACE FUNCTION wh_notify_variant_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_tags text[];
  list_change boolean;
  stock_only text[] := ARRAY['stock', 'reserved_stock', 'updated_at'];
BEGIN
  SELECT array_agg(DISTINCT 'product:' || x.product_id) INTO row_tags
    FROM (SELECT product_id FROM new_rows UNION ALL SELECT product_id FROM old_rows) AS x;
  SELECT (SELECT count(*) FROM new_rows) <> (SELECT count(*) FROM new_rows n JOIN old_rows o ON o.id = n.id)
      OR EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
                  WHERE (to_jsonb(n) - stock_only) IS DISTINCT FROM (to_jsonb(o) - stock_only))
    INTO list_change;
  PERFORM wh_notify_tags(CASE WHEN list_change THEN ARRAY['products'] ELSE ARRAY[]::text[] END
                         || COALESCE(row_tags, '{}'));
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS wh_variants_updated ON variants;
CREATE TRIGGER wh_variants_updated AFTER UPDATE ON variants REFERENCING OLD TABLE AS old_rows
  NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_variant_update();
