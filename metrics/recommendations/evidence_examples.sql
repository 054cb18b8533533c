-- Evidence of a recommendation (DESIGN §6): per brand and kind, the ids of the newest $examples entities behind each bad rate of the window [$from, $to) judged at $as_of, with the predicates of metrics/scorecards/window_*.sql — late orders, orders with a shipping issue, orders cancelled by the brand, inquiries that missed the 2-business-day SLA, failed contacts, reviews scored ≤ 2 — and the inquiries open and overdue at $as_of (opened at any time, like overdue_unanswered).
WITH orders AS (
  SELECT
    brand_id,
    order_id,
    placed_at,
    coalesce(dispatched_at <= CAST($as_of AS TIMESTAMPTZ), false) AS dispatched,
    coalesce(dispatched_at > dispatch_deadline, false) AS dispatched_late,
    coalesce(dispatch_deadline <= CAST($as_of AS TIMESTAMPTZ), false) AS deadline_passed,
    coalesce(
      cancelled_at <= CAST($as_of AS TIMESTAMPTZ) AND cancelled_at < coalesce(dispatched_at, 'infinity'::TIMESTAMPTZ), false
    ) AS cancelled_before_dispatch,
    coalesce(cancelled_at <= CAST($as_of AS TIMESTAMPTZ) AND cancelled_by = 'brand', false) AS cancelled_by_brand,
    coalesce(first_shipping_issue_at <= CAST($as_of AS TIMESTAMPTZ), false) AS had_shipping_issue
  FROM fct_orders
  WHERE day >= CAST($from AS DATE) AND day < CAST($to AS DATE)
),
inquiries AS (
  SELECT
    brand_id,
    inquiry_id,
    opened_at,
    coalesce(first_brand_answer_at <= CAST($as_of AS TIMESTAMPTZ), false) AS brand_answered,
    coalesce(first_brand_answer_at <= answer_deadline, false) AS brand_answered_in_time,
    coalesce(answer_deadline <= CAST($as_of AS TIMESTAMPTZ), false) AS deadline_reached
  FROM fct_inquiries
  WHERE day >= CAST($from AS DATE) AND day < CAST($to AS DATE) AND opened_at IS NOT NULL
),
examples AS (
  SELECT brand_id, 'late_orders' AS kind, order_id AS id, placed_at AS happened_at
  FROM orders
  WHERE NOT cancelled_before_dispatch AND ((dispatched AND dispatched_late) OR (NOT dispatched AND deadline_passed))
  UNION ALL
  SELECT brand_id, 'shipping_issue_orders', order_id, placed_at FROM orders WHERE dispatched AND had_shipping_issue
  UNION ALL
  SELECT brand_id, 'brand_cancelled_orders', order_id, placed_at FROM orders WHERE cancelled_by_brand
  UNION ALL
  SELECT brand_id, 'sla_missed_inquiries', inquiry_id, opened_at
  FROM inquiries
  WHERE (brand_answered OR deadline_reached) AND NOT (brand_answered AND brand_answered_in_time)
  UNION ALL
  SELECT brand_id, 'unanswered_inquiries', inquiry_id, opened_at
  FROM fct_inquiries
  WHERE opened_at <= CAST($as_of AS TIMESTAMPTZ)
    AND NOT coalesce(first_answer_at <= CAST($as_of AS TIMESTAMPTZ), false)
    AND NOT coalesce(closed_at <= CAST($as_of AS TIMESTAMPTZ), false)
    AND answer_deadline < CAST($as_of AS TIMESTAMPTZ)
  UNION ALL
  SELECT brand_id, 'failed_contacts', contact_id, attempted_at
  FROM fct_contacts
  WHERE day >= CAST($from AS DATE) AND day < CAST($to AS DATE) AND attempted_at IS NOT NULL
    AND (coalesce(answered_at <= CAST($as_of AS TIMESTAMPTZ), false) OR coalesce(answer_deadline <= CAST($as_of AS TIMESTAMPTZ), false))
    AND NOT coalesce(answered_at <= CAST($as_of AS TIMESTAMPTZ) AND answered_at <= answer_deadline, false)
  UNION ALL
  SELECT brand_id, 'negative_reviews', review_id, posted_at
  FROM fct_reviews
  WHERE day >= CAST($from AS DATE) AND day < CAST($to AS DATE) AND score <= 2
),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY brand_id, kind ORDER BY happened_at DESC, id DESC) AS position FROM examples
)
SELECT brand_id, kind, list(id ORDER BY position) AS ids
FROM ranked
WHERE position <= $examples
GROUP BY brand_id, kind
