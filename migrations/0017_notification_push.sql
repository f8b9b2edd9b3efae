-- Real-time push of notification rows (src/notifications/socket_hub.h):
-- every row inserted into `notifications`, by whichever backend or client,
-- is announced on `wh_events` when its transaction commits, as
-- 'notification:<user_id>:<row JSON>' in the frontend's Notification shape
-- (link and data left out when NULL), or 'notification:<user_id>:#<id>' when the row
-- is too long for a NOTIFY payload (the instance then reads it). Each
-- instance sends it to that user's open WebSockets. Additive: a function and
-- a trigger only.

CREATE OR REPLACE FUNCTION wh_notify_notification() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_json text;
BEGIN
  row_json := json_strip_nulls(json_build_object('id', NEW.id, 'userId', NEW.user_id, 'type', NEW.type,
      'title', NEW.title, 'message', NEW.message, 'link', NEW.link, 'isRead', NEW.is_read,
      'createdAt', wh_iso(NEW.created_at), 'data', NEW.data))::text;
  IF octet_length(row_json) > 7000 THEN
    row_json := '#' || NEW.id;
  END IF;
  PERFORM pg_notify('wh_events', 'notification:' || NEW.user_id || ':' || row_json);
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS wh_notifications_created ON notifications;
CREATE TRIGGER wh_notifications_created
  AFTER INSERT ON notifications
  FOR EACH ROW EXECUTE FUNCTION wh_notify_notification();
