-- Back-in-stock alerts of guests (src/commerce/stock_alerts.h, the
-- back_in_stock job: docs/profile-and-alerts.md). The old table
-- back_in_stock_alerts requires a user (user_id NOT NULL, unique per user
-- and variant), so a guest's subscription failed there; it stays exactly as
-- it is (the old backend may still write it) and keeps the signed-in
-- shoppers' alerts. Guests' alerts live here. Additive: one table of our own.
CREATE TABLE IF NOT EXISTS wh_guest_stock_alerts (
  id varchar(30) PRIMARY KEY,
  variant_id varchar(30) NOT NULL REFERENCES variants (id) ON DELETE CASCADE ON UPDATE CASCADE,
  email varchar(255) NOT NULL,          -- as given, lower-cased
  notified boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  notified_at timestamptz               -- when the job settled it (e-mailed, or skipped for an opt-out)
);

-- One pending alert per address and variant (a second subscription is a
-- 409); settled ones are history and do not count.
CREATE UNIQUE INDEX IF NOT EXISTS wh_guest_stock_alerts_pending_key ON wh_guest_stock_alerts (lower(email), variant_id)
  WHERE NOT notified;

-- The job's look-up: pending alerts by variant.
CREATE INDEX IF NOT EXISTS wh_guest_stock_alerts_pending_variant_idx ON wh_guest_stock_alerts (variant_id)
  WHERE NOT notified;
