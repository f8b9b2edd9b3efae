-- The admin dashboard's aggregates (src/admin/dashboard.h, docs/dashboard.md)
-- are cached in the `analytics` cache instance under the tags `orders`,
-- `stock`, `customers` and `reviews-moderation` (src/cache/tags.h). Whoever
-- changes the data behind them (this server, the old Node.js backend sharing
-- the database, or psql), the statement tells every instance when its
-- transaction commits, on `wh_events`:
--   'tags:<tag>,...'       the listener (src/server/state_sync.cc)
--                          invalidates those tags in every cache instance;
--   'data_update:<json>'   the listener hands the message to every admin
--                          WebSocket (SocketHub::send_to_admins): the
--                          frontend's DATA_UPDATE {type, eventType,
--                          queryKeys, metadata, timestamp}, whose queryKeys
--                          (React Query prefixes) make open admin pages
--                          refetch.
-- The tags come first, so the refetch a DATA_UPDATE causes finds the caches
-- already invalidated (notifications arrive in the order they were sent).
--
-- These tags are not catalog tags: they are sent with pg_notify directly,
-- not through wh_notify_tags (0008/0009/0014), so they write no
-- wh_purge_outbox row and never reach Cloudflare (nothing public carries
-- them).
--
-- Statement-level triggers: one notification per statement whatever the
-- number of rows (and PostgreSQL folds identical notifications of one
-- transaction into one). A change the aggregates cannot see notifies
-- nothing: updates name their columns (UPDATE OF ...), and the orders
-- trigger compares the rows. Additive: functions and triggers only.
--
-- What notifies what:
--   orders        insert, delete, truncate; an update of status,
--                 payment_status, total, created_at, user_id,
--                 customer_email or order_number: tag `orders`. Any change
--                 of an order: DATA_UPDATE 'orders' (metadata orderNumber
--                 and the key ['admin','order',n] when one order changed).
--   order_items   any change: tag `orders` (top products, categories).
--   variants      insert, delete, truncate, an update of stock, is_active,
--                 sku or product_id: tag `stock`, DATA_UPDATE 'stock'.
--                 (Reservations change reserved_stock only: no event.)
--   users         insert, delete, truncate, an update of role, first_name,
--                 last_name or created_at: tag `customers`, DATA_UPDATE
--                 'users'; an update of is_active: DATA_UPDATE only.
--   reviews       insert, delete, truncate, an update of is_approved: tag
--                 `reviews-moderation`, DATA_UPDATE 'reviews'; an update of
--                 title, content, rating or images: DATA_UPDATE only.
--   support_tickets  insert, delete, truncate, an update of status or
--   support_messages priority; a new message: DATA_UPDATE 'support'.
-- The catalog tags the dashboard also reads (products, categories, catalog)
-- come from 0008's triggers.

-- The React Query keys (prefixes) of the admin pages showing each kind of
-- data, as the old backend's adminBroadcast sent them, plus the dashboard
-- parts computed from it.
CREATE OR REPLACE FUNCTION wh_admin_query_keys(event_type text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE event_type
    WHEN 'orders' THEN '[["admin","dashboard","summary"],["admin","dashboard","recent-orders"],
      ["admin","dashboard","order-status-breakdown"],["admin","dashboard","sales-trends"],
      ["admin","dashboard","top-products"],["admin","dashboard","revenue-by-category"],
      ["admin","dashboard","customer-analytics"],["admin","dashboard","payment-methods"],
      ["admin","dashboard","snapshot"],["admin","dashboard","analytics-snapshot"],["admin","orders"],
      ["admin","sidebar-stats"]]'::jsonb
    WHEN 'stock' THEN '[["admin","dashboard","inventory-status"],["admin","dashboard","low-stock"],
      ["admin","dashboard","snapshot"],["admin","products"],["admin","sidebar-stats"]]'::jsonb
    WHEN 'users' THEN '[["admin","dashboard","summary"],["admin","dashboard","customer-analytics"],
      ["admin","dashboard","recent-orders"],["admin","dashboard","snapshot"],
      ["admin","dashboard","analytics-snapshot"],["admin","users"],["admin","sidebar-stats"]]'::jsonb
    WHEN 'reviews' THEN '[["admin","reviews"],["admin","sidebar-stats"]]'::jsonb
    WHEN 'support' THEN '[["admin","support"],["admin","sidebar-stats"],["support","ticket"],["support","tickets"]]'::jsonb
    ELSE '[]'::jsonb
  END
$$;

-- 'tags:<tags>' (when there are any), then the DATA_UPDATE of `event_type`
-- (when not NULL) with `metadata` and the keys of the event plus
-- `extra_keys`. The timestamp is the transaction's, so the same event sent
-- by several statements of one transaction is delivered once.
CREATE OR REPLACE FUNCTION wh_notify_admin(tags text[], event_type text, metadata jsonb DEFAULT NULL,
                                           extra_keys jsonb DEFAULT NULL) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF COALESCE(cardinality(tags), 0) > 0 THEN
    PERFORM pg_notify('wh_events', 'tags:' || array_to_string(tags, ','));
  END IF;
  IF event_type IS NOT NULL THEN
    PERFORM pg_notify('wh_events', 'data_update:' || json_build_object(
        'type', 'DATA_UPDATE',
        'eventType', event_type,
        'queryKeys', wh_admin_query_keys(event_type) || COALESCE(extra_keys, '[]'::jsonb),
        'metadata', COALESCE(metadata, '{}'::jsonb),
        'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text);
  END IF;
END $$;

-- TG_ARGV: [0] the tags ('stock', '' for none), [1] the event type ('' for
-- none).
CREATE OR REPLACE FUNCTION wh_notify_admin_table() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM wh_notify_admin(string_to_array(NULLIF(TG_ARGV[0], ''), ','), NULLIF(TG_ARGV[1], ''),
                          jsonb_build_object('action', lower(TG_OP)));
  RETURN NULL;
END $$;

-- orders, with transition tables: whether the change reaches the figures,
-- and which order it was when it was one.
CREATE OR REPLACE FUNCTION wh_notify_order_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n bigint := 0;
  one_number text;
  figures boolean := true;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT count(*), min(order_number) INTO n, one_number FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT count(*), min(order_number) INTO n, one_number FROM old_rows;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT count(*), min(nr.order_number),
           COALESCE(bool_or((nr.status, nr.payment_status, nr.total, nr.created_at, nr.user_id, nr.customer_email,
                             nr.order_number)
                            IS DISTINCT FROM
                            (orow.status, orow.payment_status, orow.total, orow.created_at, orow.user_id,
                             orow.customer_email, orow.order_number)), false)
      INTO n, one_number, figures
      FROM new_rows nr LEFT JOIN old_rows orow ON orow.id = nr.id;
  ELSE  -- TRUNCATE
    PERFORM wh_notify_admin(ARRAY['orders'], 'orders', jsonb_build_object('action', 'truncate'));
    RETURN NULL;
  END IF;
  IF n = 0 THEN
    RETURN NULL;
  END IF;
  PERFORM wh_notify_admin(CASE WHEN figures THEN ARRAY['orders'] ELSE ARRAY[]::text[] END, 'orders',
                          CASE WHEN n = 1 THEN jsonb_build_object('action', lower(TG_OP), 'orderNumber', one_number)
                               ELSE jsonb_build_object('action', lower(TG_OP), 'count', n) END,
                          CASE WHEN n = 1 THEN jsonb_build_array(jsonb_build_array('admin', 'order', one_number)) END);
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS wh_orders_admin_inserted ON orders;
CREATE TRIGGER wh_orders_admin_inserted AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_order_rows();
DROP TRIGGER IF EXISTS wh_orders_admin_updated ON orders;
CREATE TRIGGER wh_orders_admin_updated AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_order_rows();
DROP TRIGGER IF EXISTS wh_orders_admin_deleted ON orders;
CREATE TRIGGER wh_orders_admin_deleted AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_order_rows();
DROP TRIGGER IF EXISTS wh_orders_admin_truncated ON orders;
CREATE TRIGGER wh_orders_admin_truncated AFTER TRUNCATE ON orders
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_order_rows();

DROP TRIGGER IF EXISTS wh_order_items_admin_changed ON order_items;
CREATE TRIGGER wh_order_items_admin_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON order_items
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_admin_table('orders', '');

DROP TRIGGER IF EXISTS wh_variants_admin_changed ON variants;
CREATE TRIGGER wh_variants_admin_changed AFTER INSERT OR DELETE OR TRUNCATE ON variants
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_admin_table('stock', 'stock');
DROP TRIGGER IF EXISTS wh_variants_admin_stock_updated ON variants;
CREATE TRIGGER wh_variants_admin_stock_updated AFTER UPDATE OF stock, is_active, sku, product_id ON variants
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_admin_table('stock', 'stock');

DROP TRIGGER IF EXISTS wh_users_admin_changed ON users;
CREATE TRIGGER wh_users_admin_changed AFTER INSERT OR DELETE OR TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_admin_table('customers', 'users');
DROP TRIGGER IF EXISTS wh_users_admin_updated ON users;
CREATE TRIGGER wh_users_admin_updated AFTER UPDATE OF role, first_name, last_name, created_at ON users
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_admin_table('customers', 'users');
DROP TRIGGER IF EXISTS wh_users_admin_status_updated ON users;
CREATE TRIGGER wh_users_admin_status_updated AFTER UPDATE OF is_active ON users
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_admin_table('', 'users');

DROP TRIGGER IF EXISTS wh_reviews_admin_changed ON reviews;
CREATE TRIGGER wh_reviews_admin_changed AFTER INSERT OR DELETE OR TRUNCATE ON reviews
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_admin_table('reviews-moderation', 'reviews');
DROP TRIGGER IF EXISTS wh_reviews_admin_moderated ON reviews;
CREATE TRIGGER wh_reviews_admin_moderated AFTER UPDATE OF is_approved ON reviews
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_admin_table('reviews-moderation', 'reviews');
DROP TRIGGER IF EXISTS wh_reviews_admin_edited ON reviews;
CREATE TRIGGER wh_reviews_admin_edited AFTER UPDATE OF title, content, rating, images ON reviews
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_admin_table('', 'reviews');

DROP TRIGGER IF EXISTS wh_support_tickets_admin_changed ON support_tickets;
CREATE TRIGGER wh_support_tickets_admin_changed AFTER INSERT OR DELETE OR TRUNCATE ON support_tickets
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_admin_table('', 'support');
DROP TRIGGER IF EXISTS wh_support_tickets_admin_updated ON support_tickets;
CREATE TRIGGER wh_support_tickets_admin_updated AFTER UPDATE OF status, priority ON support_tickets
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_admin_table('', 'support');
DROP TRIGGER IF EXISTS wh_support_messages_admin_added ON support_messages;
CREATE TRIGGER wh_support_messages_admin_added AFTER INSERT ON support_messages
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_admin_table('', 'support');
