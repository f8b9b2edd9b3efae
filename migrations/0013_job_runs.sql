-- The job scheduler (src/jobs/scheduler.h, docs/jobs.md). Additive: three
-- tables of our own, an id function and a partial index on the old
-- abandoned_carts table.
--
-- wh_jobs: one row per job, the schedule's state shared by every instance.
-- A run is claimed by one UPDATE that succeeds only while the job is due
-- (last_started_at + its interval, or + its retry delay after failures, has
-- passed, by the database's clock) and not running elsewhere
-- (running_until passed): a due run is claimed exactly once, whoever asks.
CREATE TABLE IF NOT EXISTS wh_jobs (
  name text PRIMARY KEY,
  last_started_at timestamptz,
  last_finished_at timestamptz,
  last_status text,                      -- ok | failed
  failures integer NOT NULL DEFAULT 0,   -- consecutive failed runs (retry backoff)
  running_owner text,                    -- instance running it now
  running_until timestamptz,             -- then another instance may run it (a crashed runner)
  run_requested boolean NOT NULL DEFAULT false  -- run at the next tick, due or not
);

-- Run history: one row per run, 'running' until it ends ok or failed.
-- Pruned after JOBS_HISTORY_DAYS.
CREATE TABLE IF NOT EXISTS wh_job_runs (
  id bigserial PRIMARY KEY,
  job text NOT NULL,
  owner text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at timestamptz,
  status text NOT NULL DEFAULT 'running',  -- running | ok | failed
  rows_affected bigint NOT NULL DEFAULT 0,
  error text
);
CREATE INDEX IF NOT EXISTS wh_job_runs_job_started_idx ON wh_job_runs (job, started_at DESC);
CREATE INDEX IF NOT EXISTS wh_job_runs_started_idx ON wh_job_runs (started_at);
CREATE INDEX IF NOT EXISTS wh_job_runs_running_idx ON wh_job_runs (job) WHERE status = 'running';

-- A cuid-shaped id ('c' + 24 characters) for rows inserted set-based by
-- jobs (notifications, analytics, abandoned carts): the old backend's ids
-- are VARCHAR(30) made by the application.
CREATE OR REPLACE FUNCTION wh_new_id() RETURNS varchar(30) LANGUAGE sql VOLATILE AS $$
  SELECT ('c' || substr(md5(random()::text || clock_timestamp()::text), 1, 24))::varchar(30)
$$;

-- The abandoned-cart e-mail: one abandoned_carts row per user cart
-- (session_id holds the cart's id), so a cart is e-mailed once.
CREATE UNIQUE INDEX IF NOT EXISTS wh_abandoned_carts_cart_idx ON abandoned_carts (session_id)
  WHERE session_id LIKE 'cart:%';

-- The low-stock alert: variants whose fall to or below the threshold has
-- been alerted. A row is removed once the variant's stock is back above it
-- (or the variant is gone), so each crossing is alerted once. A table of
-- its own: a column on variants would make every alert look like a catalog
-- change to 0010's trigger.
CREATE TABLE IF NOT EXISTS wh_low_stock_alerts (
  variant_id varchar(30) PRIMARY KEY,
  stock integer NOT NULL,              -- when alerted
  alerted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
