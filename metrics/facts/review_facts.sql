-- One row per touched review (DESIGN §3, §5 review metrics); a review is a single event, so the fact is that event with its local day.
WITH reviews AS (
  SELECT
    review_id,
    arg_min(brand_id, occurred_at) AS brand_id,
    arg_min(order_id, occurred_at) AS order_id,
    min(occurred_at) AS posted_at,
    arg_min(score, occurred_at) AS score,
    max(ingest_batch) AS last_batch
  FROM raw_reviews
  WHERE review_id IN (SELECT review_id FROM touched_reviews)
  GROUP BY review_id
)
SELECT r.review_id, r.brand_id, posted.day AS day, r.order_id, r.posted_at, r.score, r.last_batch
FROM reviews r
ASOF LEFT JOIN business_calendar posted ON r.posted_at >= posted.day_start
