-- Access-token revocations at scale (see accounts/auth_state.h). Every
-- instance keeps the revoked *access* tokens in memory; spent refresh tokens
-- stay in the table only, where the unique insert decides reuse. Additive:
-- functions, the notification trigger's body and one index.

-- True when a stored blacklisted_tokens.token is (or may be) an access token:
-- its JWT payload has a "role" claim, as every access token of either backend
-- has and no refresh token has. Anything unreadable counts as an access
-- token, the safe side. Long tokens stored as 'sha256:<hex>' are access
-- tokens (long e-mail addresses); refresh tokens are short.
CREATE OR REPLACE FUNCTION wh_token_is_access(stored text) RETURNS boolean
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  payload text := split_part(stored, '.', 2);
BEGIN
  IF stored LIKE 'sha256:%' OR payload !~ '^[A-Za-z0-9_-]+$' OR length(payload) % 4 = 1 THEN
    RETURN true;
  END IF;
  payload := translate(payload, '-_', '+/') || repeat('=', (4 - length(payload) % 4) % 4);
  RETURN position(convert_to('"role"', 'UTF8') IN decode(payload, 'base64')) > 0;
END $$;

-- 'token:<sha256 hex>:<expiry, unix seconds>' for access tokens only: the
-- listener adds it to the in-memory set without a query.
CREATE OR REPLACE FUNCTION wh_notify_token_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF wh_token_is_access(NEW.token) THEN
    PERFORM pg_notify('wh_events', 'token:' || wh_token_hash(NEW.token) || ':'
                      || floor(extract(epoch FROM NEW.expires_at))::bigint);
  END IF;
  RETURN NULL;
END $$;

-- The listener's incremental load reads rows after a (created_at, id)
-- watermark.
CREATE INDEX IF NOT EXISTS wh_blacklisted_tokens_created_idx ON blacklisted_tokens (created_at, id);
