-- =============================================================================
-- 0002_head_columns.sql — columns added by the old backend after 136ffab (HEAD 8d92c2c)
--
-- Additive and idempotent: safe on a fresh database (after 0001), on a legacy
-- 136ffab database (0001 adopted) and on a database that the HEAD backend
-- already altered (columns present -> no-op). Types/defaults match what Prisma
-- emits for the HEAD schema.
-- =============================================================================

-- Variant.reservedStock Int @default(0) @map("reserved_stock"): units held by
-- pending checkouts; available = stock - reserved_stock.
ALTER TABLE "variants" ADD COLUMN IF NOT EXISTS "reserved_stock" INTEGER NOT NULL DEFAULT 0;

-- Notification.data Json?: structured payload for the client (ids, amounts, …).
ALTER TABLE "notifications" ADD COLUMN IF NOT EXISTS "data" JSONB;
