-- Cache invalidation for the public review lists (src/reviews/, docs/reviews.md):
-- GET /api/products/:id/reviews and /api/reviews/product/:productId carry the
-- tag `reviews:<product id>` (src/cache/tags.h). Whoever changes `reviews`
-- (this server, the old Node.js backend sharing the database, or psql), the
-- statement names the products whose lists it may have changed, through
-- wh_notify_tags (0008, 0009, 0014): one 'tags:...' event when the
-- transaction commits, one purge-outbox row for the edge. Statement-level
-- triggers with transition tables: one notification per statement, whatever
-- the number of rows. Additive: functions and triggers only.
--
-- The lists show approved reviews only, so a row counts when it is approved
-- before or after the change: a pending review submitted, edited or deleted
-- changes no public list and purges nothing. An update names the product of
-- the old row and of the new one (a review moved to another product changes
-- both lists). TRUNCATE names `catalog`, which every review list carries, as
-- does a change too large to list (wh_notify_tags).

CREATE OR REPLACE FUNCTION wh_notify_review_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_tags text[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    row_tags := ARRAY['catalog'];
  ELSIF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT 'reviews:' || product_id) INTO row_tags FROM new_rows WHERE is_approved;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(DISTINCT 'reviews:' || x.product_id) INTO row_tags
      FROM (SELECT product_id FROM new_rows WHERE is_approved
            UNION ALL
            SELECT product_id FROM old_rows WHERE is_approved) AS x;
  ELSE
    SELECT array_agg(DISTINCT 'reviews:' || product_id) INTO row_tags FROM old_rows WHERE is_approved;
  END IF;
  PERFORM wh_notify_tags(COALESCE(row_tags, '{}'));
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS wh_reviews_inserted ON reviews;
CREATE TRIGGER wh_reviews_inserted AFTER INSERT ON reviews REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_review_rows();

DROP TRIGGER IF EXISTS wh_reviews_updated ON reviews;
CREATE TRIGGER wh_reviews_updated AFTER UPDATE ON reviews REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_review_rows();

DROP TRIGGER IF EXISTS wh_reviews_deleted ON reviews;
CREATE TRIGGER wh_reviews_deleted AFTER DELETE ON reviews REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_review_rows();

DROP TRIGGER IF EXISTS wh_reviews_truncated ON reviews;
CREATE TRIGGER wh_reviews_truncated AFTER TRUNCATE ON reviews
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_review_rows();
