-- Change notifications for the in-process caches (principals, revoked
-- tokens, blocked IPs, settings). Every instance LISTENs on `wh_events`
-- through a direct connection; writes from any backend (ours or the old
-- Node.js one sharing this database) reach all of them. Additive: functions
-- and triggers only.

CREATE OR REPLACE FUNCTION wh_notify_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('wh_events', 'user:' || CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS wh_users_auth_changed ON users;
CREATE TRIGGER wh_users_auth_changed
  AFTER UPDATE OF role, is_active, email_verified, last_password_change, email, first_name, last_name, phone
     OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION wh_notify_user();

CREATE OR REPLACE FUNCTION wh_notify_token_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('wh_events', 'token:' || encode(sha256(convert_to(NEW.token, 'UTF8')), 'hex'));
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS wh_blacklisted_tokens_added ON blacklisted_tokens;
CREATE TRIGGER wh_blacklisted_tokens_added
  AFTER INSERT ON blacklisted_tokens
  FOR EACH ROW EXECUTE FUNCTION wh_notify_token_revoked();

CREATE OR REPLACE FUNCTION wh_notify_table() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('wh_events', TG_ARGV[0]);
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS wh_blocked_ips_changed ON blocked_ips;
CREATE TRIGGER wh_blocked_ips_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON blocked_ips
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_table('blocked_ips');

DROP TRIGGER IF EXISTS wh_system_settings_changed ON system_settings;
CREATE TRIGGER wh_system_settings_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON system_settings
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_table('settings');
