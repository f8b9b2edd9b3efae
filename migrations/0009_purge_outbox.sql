-- Durable edge purges (docs/cloudflare.md, src/cdn/purge_worker.h) and the
-- lease every background worker shares (src/db/worker_lease.h). Additive:
-- two tables of our own, functions and triggers.
--
-- Every statement that changes cached data records the cache tags it
-- invalidates (the same tags as 0008's notifications, src/cache/tags.h) in
-- wh_purge_outbox, in its own transaction: a rolled-back change purges
-- nothing, a committed one cannot lose its purge, whoever made it (this
-- server, the old Node.js backend or psql). The purge worker of one instance
-- sends them to Cloudflare and marks them done.

CREATE TABLE IF NOT EXISTS wh_purge_outbox (
  id bigserial PRIMARY KEY,
  tags text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- Set while a worker sends the row; a row whose claim has passed (the
  -- worker died) is pending again.
  claimed_until timestamptz,
  attempts integer NOT NULL DEFAULT 0,  -- failed sends
  last_error text,
  done_at timestamptz                   -- purged (or logged, without credentials)
);
CREATE INDEX IF NOT EXISTS wh_purge_outbox_pending_idx ON wh_purge_outbox (id) WHERE done_at IS NULL;
CREATE INDEX IF NOT EXISTS wh_purge_outbox_done_idx ON wh_purge_outbox (done_at) WHERE done_at IS NOT NULL;

-- One row per named background job: who may run it until when. Taken and
-- renewed by single statements, never held in a transaction or session.
CREATE TABLE IF NOT EXISTS wh_leases (
  name text PRIMARY KEY,
  owner text NOT NULL,
  expires_at timestamptz NOT NULL,
  acquired_at timestamptz NOT NULL  -- when `owner` took it (renewals keep it)
);

-- Records `tags` for the edge purge and wakes the purge worker ('purge' on
-- wh_events, sent at commit, once per transaction).
CREATE OR REPLACE FUNCTION wh_record_purge(tags text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  unique_tags text[];
BEGIN
  SELECT array_agg(DISTINCT t ORDER BY t) INTO unique_tags FROM unnest(tags) AS t WHERE t IS NOT NULL AND t <> '';
  IF unique_tags IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO wh_purge_outbox (tags) VALUES (unique_tags);
  PERFORM pg_notify('wh_events', 'purge');
END $$;

-- 0008's function, now also recording the purge: the outbox carries exactly
-- the tags the in-process caches are told, 'catalog' for a change too large
-- to list (a payload must stay under 8000 bytes).
CREATE OR REPLACE FUNCTION wh_notify_tags(tags text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  payload text := (SELECT string_agg(DISTINCT t, ',') FROM unnest(tags) AS t WHERE t <> '');
BEGIN
  IF octet_length(payload) > 7000 THEN
    payload := 'catalog';
  END IF;
  IF payload IS NOT NULL THEN
    PERFORM pg_notify('wh_events', 'tags:' || payload);
    PERFORM wh_record_purge(string_to_array(payload, ','));
  END IF;
END $$;

-- The one-tag tables: TG_ARGV[0] is their tag list ('banners').
CREATE OR REPLACE FUNCTION wh_notify_table_tags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM wh_notify_tags(string_to_array(TG_ARGV[0], ','));
  RETURN NULL;
END $$;

-- Banners and currency rates notified 'tags:<tag>' directly (0008); now
-- through wh_notify_tags, which also records the purge.
DROP TRIGGER IF EXISTS wh_promotional_banners_changed ON promotional_banners;
CREATE TRIGGER wh_promotional_banners_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON promotional_banners
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_table_tags('banners');

DROP TRIGGER IF EXISTS wh_currency_rates_changed ON currency_rates;
CREATE TRIGGER wh_currency_rates_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON currency_rates
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_table_tags('currency');

-- Settings keep their 'settings' event (0005: the listener reloads the
-- maintenance flag and invalidates the tag); this trigger adds the purge
-- (and a redundant 'tags:settings').
DROP TRIGGER IF EXISTS wh_system_settings_purged ON system_settings;
CREATE TRIGGER wh_system_settings_purged
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON system_settings
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_table_tags('settings');
