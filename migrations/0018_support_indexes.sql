-- =============================================================================
-- 0018_support_indexes.sql — indexes for the support ticket lists (ours, not Prisma's)
--
-- Additive and idempotent. Prisma's schema has single-column indexes only
-- (user_id, status, priority, created_at; support_messages ticket_id,
-- created_at); the lists sort by updated_at, which nothing indexed, and a
-- ticket's thread is read in created_at order.
-- =============================================================================

-- GET /api/support: WHERE user_id = $1 ORDER BY updated_at DESC, id DESC LIMIT n
CREATE INDEX IF NOT EXISTS "support_tickets_user_id_updated_at_idx"
  ON "support_tickets"("user_id", "updated_at" DESC, "id" DESC);

-- GET /api/support/admin/all without filters: ORDER BY updated_at DESC, id DESC LIMIT n
CREATE INDEX IF NOT EXISTS "support_tickets_updated_at_idx" ON "support_tickets"("updated_at" DESC, "id" DESC);

-- GET /api/support/:id: WHERE ticket_id = $1 ORDER BY created_at, id (also the lists' message counts)
CREATE INDEX IF NOT EXISTS "support_messages_ticket_id_created_at_idx"
  ON "support_messages"("ticket_id", "created_at", "id");
