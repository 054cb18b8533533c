-- One row per touched review (DESIGN §3, §5 review metrics); a review is a single event, so the fact is that event with its local day.
-- Mergeable (facts.ts): every column is the value of the earliest event, so the stored row ({{old}}, empty on a full rebuild) and the events newer than the watermark ({{since}}) merge by posting time.
WITH fresh AS (
  SELECT
    review_id,
    arg_min(brand_id, occurred_at) AS brand_id,
    arg_min(order_id, occurred_at) AS order_id,
    min(occurred_at) AS posted_at,
    arg_min(score, occurred_at) AS score,
    max(ingest_batch) AS last_batch
  FROM raw_reviews
  WHERE ingest_batch > {{since}}
  GROUP BY review_id
),
reviews AS (
  SELECT
    review_id,
    first_of(o.posted_at, o.brand_id, n.posted_at, n.brand_id) AS brand_id,
    first_of(o.posted_at, o.order_id, n.posted_at, n.order_id) AS order_id,
    least(o.posted_at, n.posted_at) AS posted_at,
    first_of(o.posted_at, o.score, n.posted_at, n.score) AS score,
    greatest(o.last_batch, n.last_batch) AS last_batch
  FROM fresh n
  FULL JOIN {{old}} o USING (review_id)
)
SELECT r.review_id, r.brand_id, posted.day AS day, r.order_id, r.posted_at, r.score, r.last_batch
FROM reviews r
LEFT JOIN business_calendar_slots posted ON posted.slot = business_slot(r.posted_at)
