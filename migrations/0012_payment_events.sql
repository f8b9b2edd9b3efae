-- The Paystack webhook queue (src/payments/webhook_*.h, docs/payments.md).
-- Additive: one table of our own and two triggers. The old backend's
-- webhook_logs (one row per reference, so a processed charge.failed hid a
-- later charge.success) is left alone.
--
-- A webhook whose signature verifies is inserted here and acknowledged at
-- once; the payment worker of one instance applies it. event_key is the
-- event's identity (event name + Paystack's transaction id, or the
-- reference without one): a replay of the same event finds its row and is
-- acknowledged without being applied again, while charge.failed and
-- charge.success of one reference are two rows.
--
-- status: queued (to apply; next_attempt_at after a passing failure),
-- processed (applied; `result` says what it did), ignored (an event we do
-- not act on) or failed (gave up: error says why).
CREATE TABLE IF NOT EXISTS wh_payment_events (
  id varchar(30) PRIMARY KEY,
  provider varchar(20) NOT NULL DEFAULT 'paystack',
  event varchar(100) NOT NULL,
  event_key text NOT NULL UNIQUE,
  reference varchar(100),
  payload jsonb NOT NULL,
  status varchar(20) NOT NULL DEFAULT 'queued',
  result varchar(40),
  error text,
  order_id varchar(30),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamp(3),
  claimed_until timestamp(3),
  received_at timestamp(3) NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
  processed_at timestamp(3)
);
CREATE INDEX IF NOT EXISTS wh_payment_events_queued_idx ON wh_payment_events (received_at) WHERE status = 'queued';
CREATE INDEX IF NOT EXISTS wh_payment_events_received_idx ON wh_payment_events (received_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS wh_payment_events_reference_idx ON wh_payment_events (reference);

-- 'payments' on wh_events when an event is queued (sent at commit): the
-- change listener wakes the payment worker.
DROP TRIGGER IF EXISTS wh_payment_events_queued ON wh_payment_events;
CREATE TRIGGER wh_payment_events_queued
  AFTER INSERT OR UPDATE OF status ON wh_payment_events
  FOR EACH ROW WHEN (NEW.status = 'queued')
  EXECUTE FUNCTION wh_notify_table('payments');

-- 'order:<id>' on wh_events when an order's status or payment status
-- changes, from any writer: every instance's payment streams (SSE) of that
-- order look again.
CREATE OR REPLACE FUNCTION wh_notify_order_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('wh_events', 'order:' || NEW.id);
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS wh_orders_status_changed ON orders;
CREATE TRIGGER wh_orders_status_changed
  AFTER UPDATE OF status, payment_status ON orders
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.payment_status IS DISTINCT FROM NEW.payment_status)
  EXECUTE FUNCTION wh_notify_order_status();
