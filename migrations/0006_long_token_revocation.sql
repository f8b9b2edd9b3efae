-- blacklisted_tokens.token is VARCHAR(512); an access token for a long e-mail
-- address is longer. Such tokens are stored as 'sha256:<hex of the token>'
-- (see accounts::revocation_key); notify with that hash as it is.
CREATE OR REPLACE FUNCTION wh_token_hash(stored text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN stored LIKE 'sha256:%' THEN substr(stored, 8)
                    ELSE encode(sha256(convert_to(stored, 'UTF8')), 'hex') END $$;

CREATE OR REPLACE FUNCTION wh_notify_token_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('wh_events', 'token:' || wh_token_hash(NEW.token));
  RETURN NULL;
END $$;
