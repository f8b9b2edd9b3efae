-- The e-mail outbox (src/mail/mail_worker.h, docs/mail.md): `email_logs`
-- rows with status 'queued' are the queue the mail worker sends through
-- Brevo. Additive only (the old Node.js backend shares the table): two
-- nullable columns, a partial index and a wake-up trigger.
--
-- next_attempt_at: a row that failed for a passing reason (5xx, 429, no
-- answer) waits until then before its next attempt; NULL = at once.
-- claimed_until: set while a worker sends the row; a row whose claim has
-- passed (the worker died mid-send) is claimed again.
-- Statuses written by the worker: 'sent', 'failed' (with last_error) and
-- 'skipped' (the recipient opted out of this kind of e-mail; last_error
-- says why).

ALTER TABLE email_logs ADD COLUMN IF NOT EXISTS next_attempt_at TIMESTAMP(3);
ALTER TABLE email_logs ADD COLUMN IF NOT EXISTS claimed_until TIMESTAMP(3);

CREATE INDEX IF NOT EXISTS wh_email_logs_queued_idx ON email_logs (created_at) WHERE status = 'queued';

-- 'mail' on wh_events when a row is queued (or re-queued), sent at commit
-- and once per transaction: the change listener wakes the mail worker.
DROP TRIGGER IF EXISTS wh_email_logs_queued ON email_logs;
CREATE TRIGGER wh_email_logs_queued
  AFTER INSERT OR UPDATE OF status ON email_logs
  FOR EACH ROW WHEN (NEW.status = 'queued')
  EXECUTE FUNCTION wh_notify_table('mail');
