-- Backups as the operator records them (docs/backup.md). The server takes
-- no backup itself: the database is covered by Neon's point-in-time restore
-- and by logical dumps (pg_dump) run from outside the app, whose last step
-- inserts a row here so that GET /api/super-admin/backup
-- (src/admin/super_admin_backup.h) can say when the last one was taken.
-- Additive: one table of our own.
--
-- kind: pg_dump | neon_branch | other; location: where the copy is kept
-- (a bucket path, a branch name: never a credential).
CREATE TABLE IF NOT EXISTS wh_backups (
  id bigserial PRIMARY KEY,
  taken_at timestamp(3) NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
  kind varchar(30) NOT NULL DEFAULT 'pg_dump',
  location text,
  size_bytes bigint,
  note text
);
CREATE INDEX IF NOT EXISTS wh_backups_taken_idx ON wh_backups (taken_at DESC, id DESC);
