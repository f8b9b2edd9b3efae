-- The dashboard's daily history (sales trends, src/admin/dashboard_sql.cc)
-- reads the `analytics` rows of the aggregation job (src/jobs/
-- analytics_aggregation.cc) for completed days, and computes a day from the
-- orders whenever its rows cannot be trusted, so a figure is never stale:
--
-- * Rows are written for the shop's calendar days (SHOP_TIME_ZONE), with
--   metadata {"tz": <zone>}; rows of another zone (or the old backend's
--   UTC rows, without metadata) are not read.
-- * Only days that ended at least two days ago are read from rows (the last
--   three days, today included, are always computed), so an order whose
--   transaction straddles midnight is never missed by the job.
-- * An order change on an earlier day (a late payment, a cancellation, a
--   deletion) marks that day here, in the change's own transaction, by
--   whoever makes it (this server, the old backend or psql); a marked day is
--   computed from the orders until the job has rewritten its rows and
--   cleared the mark. The mark holds the order's UTC date and the days
--   either side of it: the shop's day of an instant is within a day of its
--   UTC date in every zone, so the trigger needs no zone.
-- * `version` grows with every mark of a day: the job deletes a mark only if
--   it is still the version it read, so a change committed while the job
--   ran keeps its day marked.
-- Orders of today (UTC) mark nothing: the reader computes them anyway, and
-- checkouts do not contend for a row.
CREATE TABLE IF NOT EXISTS wh_analytics_dirty_days (
    day date PRIMARY KEY,
    version bigint NOT NULL DEFAULT 1
);

CREATE OR REPLACE FUNCTION wh_mark_analytics_day(created timestamp) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO wh_analytics_dirty_days AS x (day)
  SELECT created::date + k FROM generate_series(-1, 1) AS k
  WHERE created::date < (clock_timestamp() AT TIME ZONE 'UTC')::date
  ON CONFLICT (day) DO UPDATE SET version = x.version + 1
$$;

CREATE OR REPLACE FUNCTION wh_orders_mark_analytics() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM wh_mark_analytics_day(OLD.created_at);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.created_at IS DISTINCT FROM OLD.created_at) THEN
    PERFORM wh_mark_analytics_day(NEW.created_at);
  END IF;
  RETURN NULL;
END $$;

-- A truncate leaves no day to mark: the rows go, and every day is computed
-- until the job writes them again.
CREATE OR REPLACE FUNCTION wh_orders_truncate_analytics() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM analytics WHERE metadata ? 'tz';
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS wh_orders_mark_analytics ON orders;
CREATE TRIGGER wh_orders_mark_analytics
  AFTER INSERT OR DELETE OR UPDATE OF created_at, total, status, payment_status ON orders
  FOR EACH ROW EXECUTE FUNCTION wh_orders_mark_analytics();

DROP TRIGGER IF EXISTS wh_orders_truncate_analytics ON orders;
CREATE TRIGGER wh_orders_truncate_analytics
  AFTER TRUNCATE ON orders
  FOR EACH STATEMENT EXECUTE FUNCTION wh_orders_truncate_analytics();
