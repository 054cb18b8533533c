-- Brand × local day (DESIGN §2 rollups): entities counted on the day of their first event (orders by placement, inquiries by opening, contacts by attempt, claims by opening, reviews by posting), for the (brand, day) pairs in touched_brand_days; status counts reflect every event known at refresh.
WITH targets AS (
  SELECT DISTINCT brand_id, day FROM touched_brand_days
),
orders AS (
  SELECT
    f.brand_id, f.day,
    count(*) AS orders_placed,
    coalesce(sum(f.amount), 0) AS order_amount,
    count(f.paid_at) AS orders_paid,
    count(f.cancelled_at) AS orders_cancelled,
    count(*) FILTER (f.cancelled_by = 'brand') AS orders_cancelled_by_brand,
    count(f.dispatched_at) AS orders_dispatched,
    count(f.delivered_at) AS orders_delivered,
    count(*) FILTER (f.shipping_issues > 0) AS orders_with_shipping_issue,
    sum(f.address_changes_by_customer + f.address_changes_by_platform) AS address_changes
  FROM fct_orders f
  SEMI JOIN targets t ON f.brand_id = t.brand_id AND f.day = t.day
  GROUP BY f.brand_id, f.day
),
inquiries AS (
  SELECT
    f.brand_id, f.day,
    count(*) AS inquiries_opened,
    count(f.first_answer_at) AS inquiries_answered,
    count(f.first_brand_answer_at) AS inquiries_answered_by_brand,
    count(*) FILTER (f.first_responder = 'platform') AS inquiries_taken_over
  FROM fct_inquiries f
  SEMI JOIN targets t ON f.brand_id = t.brand_id AND f.day = t.day
  GROUP BY f.brand_id, f.day
),
contacts AS (
  SELECT f.brand_id, f.day, count(*) AS contacts_attempted, count(f.answered_at) AS contacts_answered
  FROM fct_contacts f
  SEMI JOIN targets t ON f.brand_id = t.brand_id AND f.day = t.day
  GROUP BY f.brand_id, f.day
),
claims AS (
  SELECT
    f.brand_id, f.day,
    count(*) AS claims_opened,
    count(*) FILTER (f.reason IN ('defect', 'wrong_item')) AS defect_claims,
    count(f.first_platform_stage_at) AS claims_platform_handled,
    count(f.closed_at) AS claims_closed
  FROM fct_claims f
  SEMI JOIN targets t ON f.brand_id = t.brand_id AND f.day = t.day
  GROUP BY f.brand_id, f.day
),
reviews AS (
  SELECT
    f.brand_id, f.day,
    count(*) AS reviews_count,
    coalesce(sum(f.score), 0) AS review_score_sum,
    count(*) FILTER (f.score <= 2) AS negative_reviews
  FROM fct_reviews f
  SEMI JOIN targets t ON f.brand_id = t.brand_id AND f.day = t.day
  GROUP BY f.brand_id, f.day
)
SELECT
  t.brand_id, t.day,
  coalesce(o.orders_placed, 0) AS orders_placed,
  coalesce(o.order_amount, 0) AS order_amount,
  coalesce(o.orders_paid, 0) AS orders_paid,
  coalesce(o.orders_cancelled, 0) AS orders_cancelled,
  coalesce(o.orders_cancelled_by_brand, 0) AS orders_cancelled_by_brand,
  coalesce(o.orders_dispatched, 0) AS orders_dispatched,
  coalesce(o.orders_delivered, 0) AS orders_delivered,
  coalesce(o.orders_with_shipping_issue, 0) AS orders_with_shipping_issue,
  coalesce(o.address_changes, 0) AS address_changes,
  coalesce(i.inquiries_opened, 0) AS inquiries_opened,
  coalesce(i.inquiries_answered, 0) AS inquiries_answered,
  coalesce(i.inquiries_answered_by_brand, 0) AS inquiries_answered_by_brand,
  coalesce(i.inquiries_taken_over, 0) AS inquiries_taken_over,
  coalesce(c.contacts_attempted, 0) AS contacts_attempted,
  coalesce(c.contacts_answered, 0) AS contacts_answered,
  coalesce(cl.claims_opened, 0) AS claims_opened,
  coalesce(cl.defect_claims, 0) AS defect_claims,
  coalesce(cl.claims_platform_handled, 0) AS claims_platform_handled,
  coalesce(cl.claims_closed, 0) AS claims_closed,
  coalesce(r.reviews_count, 0) AS reviews_count,
  coalesce(r.review_score_sum, 0) AS review_score_sum,
  coalesce(r.negative_reviews, 0) AS negative_reviews
FROM targets t
LEFT JOIN orders o ON o.brand_id = t.brand_id AND o.day = t.day
LEFT JOIN inquiries i ON i.brand_id = t.brand_id AND i.day = t.day
LEFT JOIN contacts c ON c.brand_id = t.brand_id AND c.day = t.day
LEFT JOIN claims cl ON cl.brand_id = t.brand_id AND cl.day = t.day
LEFT JOIN reviews r ON r.brand_id = t.brand_id AND r.day = t.day
-- A pair whose last entity moved away (to another day or brand) keeps no row.
WHERE coalesce(o.orders_placed, i.inquiries_opened, c.contacts_attempted, cl.claims_opened, r.reviews_count) IS NOT NULL
