-- Late orders of one brand (DESIGN §5 late_dispatch_rate, its numerator): orders placed on local days [from, to), not cancelled before dispatch, dispatched after their deadline or still undispatched when the deadline passed, judged at as_of; most overdue deadline first.
WITH late AS (
  SELECT
    order_id,
    placed_at,
    dispatch_deadline,
    CASE WHEN dispatched_at <= CAST($as_of AS TIMESTAMPTZ) THEN dispatched_at END AS dispatched_at
  FROM fct_orders
  WHERE brand_id = $brand
    AND day >= CAST($from AS DATE) AND day < CAST($to AS DATE)
    AND NOT coalesce(cancelled_at <= CAST($as_of AS TIMESTAMPTZ) AND cancelled_at < coalesce(dispatched_at, 'infinity'::TIMESTAMPTZ), false)
    AND (
      coalesce(dispatched_at <= CAST($as_of AS TIMESTAMPTZ) AND dispatched_at > dispatch_deadline, false)
      OR (NOT coalesce(dispatched_at <= CAST($as_of AS TIMESTAMPTZ), false) AND coalesce(dispatch_deadline <= CAST($as_of AS TIMESTAMPTZ), false))
    )
)
SELECT order_id, placed_at, dispatch_deadline, dispatched_at, count(*) OVER () AS total
FROM late
ORDER BY dispatch_deadline, order_id
LIMIT $limit
