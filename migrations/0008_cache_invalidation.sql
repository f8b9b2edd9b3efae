-- Cache invalidation by tag for the response caches (src/cache/tags.h,
-- docs/caching.md). Whoever changes a cached table (this server, the old
-- Node.js backend sharing the database, or psql), its transaction notifies
-- every instance on `wh_events` with 'tags:<tag>,<tag>,...' when it commits.
-- Statement-level triggers with transition tables: one notification per
-- statement, whatever the number of rows. Additive: functions and triggers only.

CREATE OR REPLACE FUNCTION wh_notify_tags(tags text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  payload text;
BEGIN
  SELECT string_agg(DISTINCT t, ',') INTO payload FROM unnest(tags) AS t WHERE t IS NOT NULL AND t <> '';
  IF payload IS NULL THEN
    RETURN;
  END IF;
  -- A payload must stay under 8000 bytes: a change too large to list
  -- flushes every catalog response instead.
  IF octet_length(payload) > 7000 THEN
    payload := 'catalog';
  END IF;
  PERFORM pg_notify('wh_events', 'tags:' || payload);
END $$;

-- One function for the row tables. TG_ARGV: [0] the tags of any change
-- ('products,categories'), [1] the prefix of the per-row tag ('product:'),
-- [2] the column that names the row ('id', or 'product_id' for variants).
-- An update names both the old and the new row (a variant moved to another
-- product changes both).
CREATE OR REPLACE FUNCTION wh_notify_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_tags text[];
  row_tag text := format('%L || %I', TG_ARGV[1], TG_ARGV[2]);
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    row_tags := ARRAY['catalog'];
  ELSIF TG_OP = 'INSERT' THEN
    EXECUTE format('SELECT array_agg(%s) FROM new_rows', row_tag) INTO row_tags;
  ELSIF TG_OP = 'UPDATE' THEN
    EXECUTE format('SELECT array_agg(%s) FROM (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) AS x',
                   row_tag) INTO row_tags;
  ELSE
    EXECUTE format('SELECT array_agg(%s) FROM old_rows', row_tag) INTO row_tags;
  END IF;
  PERFORM wh_notify_tags(string_to_array(TG_ARGV[0], ',') || COALESCE(row_tags, '{}'));
  RETURN NULL;
END $$;

-- products: the lists, and each changed product's own responses.
-- variants: price and stock appear in the lists and in their product's.
-- categories: their own responses, the lists (which embed category names
-- and count products) and the details of their products.
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES ('products', 'products', 'product:', 'id'),
                                 ('variants', 'products', 'product:', 'product_id'),
                                 ('categories', 'categories,products', 'category:', 'id')) AS x(tbl, tags, prefix, col) LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS wh_%s_inserted ON %I', t.tbl, t.tbl);
    EXECUTE format('CREATE TRIGGER wh_%s_inserted AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_rows(%L, %L, %L)', t.tbl, t.tbl, t.tags, t.prefix, t.col);
    EXECUTE format('DROP TRIGGER IF EXISTS wh_%s_updated ON %I', t.tbl, t.tbl);
    EXECUTE format('CREATE TRIGGER wh_%s_updated AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows'
                   ' NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_rows(%L, %L, %L)', t.tbl, t.tbl,
                   t.tags, t.prefix, t.col);
    EXECUTE format('DROP TRIGGER IF EXISTS wh_%s_deleted ON %I', t.tbl, t.tbl);
    EXECUTE format('CREATE TRIGGER wh_%s_deleted AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_rows(%L, %L, %L)', t.tbl, t.tbl, t.tags, t.prefix, t.col);
    EXECUTE format('DROP TRIGGER IF EXISTS wh_%s_truncated ON %I', t.tbl, t.tbl);
    EXECUTE format('CREATE TRIGGER wh_%s_truncated AFTER TRUNCATE ON %I'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_rows(%L, %L, %L)', t.tbl, t.tbl, t.tags, t.prefix, t.col);
  END LOOP;
END $$;

-- Small tables: one tag each (wh_notify_table is from 0005).
DROP TRIGGER IF EXISTS wh_promotional_banners_changed ON promotional_banners;
CREATE TRIGGER wh_promotional_banners_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON promotional_banners
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_table('tags:banners');

DROP TRIGGER IF EXISTS wh_currency_rates_changed ON currency_rates;
CREATE TRIGGER wh_currency_rates_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON currency_rates
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_table('tags:currency');
