-- JSON serialisation helpers used by the API's queries, so that responses
-- are built by PostgreSQL in one statement with the old backend's formats.
-- Additive: functions only, prefixed wh_ to stay clear of the Prisma schema.

-- Prisma DateTime (timestamp(3), UTC) as JavaScript's Date.toJSON():
-- 2025-12-13T10:00:00.123Z
CREATE OR REPLACE FUNCTION wh_iso(ts timestamp) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- Prisma Decimal as decimal.js toJSON(): a string without trailing zeros
-- ("450", "520.5"). NULL stays NULL.
CREATE OR REPLACE FUNCTION wh_money(n numeric) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT trim_scale(n)::text $$;
