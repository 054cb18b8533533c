-- The PostgreSQL baseline (bench/baseline.ts): late_dispatch_rate and sla_rate numerators and denominators per brand for orders and inquiries opened in one window [from_at, to_at), judged at as_of, by DESIGN §5 — the same figures brandscore's window_orders.sql and window_inquiries.sql report. Business-day deadlines (DESIGN §4) use two tables loaded from brandscore's BusinessCalendar: cal (per local date: closing time when open, the ordinal of that business day, the ordinal of the next one) and business_days (ordinal → closing time). psql variables: from_at, to_at, as_of (instants), zone (the business time zone).
WITH first_placed AS (
  SELECT DISTINCT ON (order_id) order_id, brand_id, occurred_at AS placed_at, dispatch_due_at
  FROM orders
  WHERE type = 'order_placed'
  ORDER BY order_id, occurred_at
),
order_times AS (
  SELECT
    order_id,
    min(occurred_at) FILTER (WHERE type = 'order_paid') AS paid_at,
    min(occurred_at) FILTER (WHERE type = 'order_cancelled') AS cancelled_at
  FROM orders
  WHERE type IN ('order_paid', 'order_cancelled')
  GROUP BY order_id
),
dispatches AS (
  SELECT order_id, min(occurred_at) AS dispatched_at FROM shipments WHERE type = 'dispatched' GROUP BY order_id
),
window_orders AS (
  SELECT
    p.brand_id,
    p.dispatch_due_at,
    coalesce(t.paid_at, p.placed_at) AS clock_start_at,
    t.cancelled_at,
    d.dispatched_at,
    coalesce(b.dispatch_days, 2) AS dispatch_days
  FROM first_placed p
  LEFT JOIN order_times t USING (order_id)
  LEFT JOIN dispatches d USING (order_id)
  LEFT JOIN brands b ON b.brand_id = p.brand_id
  WHERE p.placed_at >= :'from_at' AND p.placed_at < :'to_at'
),
judged_orders AS (
  SELECT
    o.brand_id,
    coalesce(o.dispatched_at <= :'as_of', false) AS dispatched,
    coalesce(o.dispatched_at > coalesce(o.dispatch_due_at, bd.close_at), false) AS dispatched_late,
    coalesce(coalesce(o.dispatch_due_at, bd.close_at) <= :'as_of', false) AS deadline_passed,
    coalesce(o.cancelled_at <= :'as_of' AND o.cancelled_at < coalesce(o.dispatched_at, 'infinity'), false)
      AS cancelled_before_dispatch
  FROM window_orders o
  JOIN cal c ON c.day = (o.clock_start_at AT TIME ZONE :'zone')::date
  LEFT JOIN business_days bd
    ON bd.ordinal = CASE WHEN c.close_at IS NOT NULL AND o.clock_start_at < c.close_at THEN c.ordinal ELSE c.next_ordinal END
      + o.dispatch_days
),
late_dispatch AS (
  SELECT
    brand_id,
    count(*) FILTER (WHERE NOT cancelled_before_dispatch AND ((dispatched AND dispatched_late) OR (NOT dispatched AND deadline_passed)))
      AS late_dispatch_numerator,
    count(*) FILTER (WHERE NOT cancelled_before_dispatch AND (dispatched OR deadline_passed)) AS late_dispatch_denominator
  FROM judged_orders
  GROUP BY brand_id
),
first_opened AS (
  SELECT DISTINCT ON (inquiry_id) inquiry_id, brand_id, occurred_at AS opened_at
  FROM inquiries
  WHERE type = 'inquiry_opened'
  ORDER BY inquiry_id, occurred_at
),
brand_answers AS (
  SELECT inquiry_id, min(occurred_at) AS answered_at
  FROM inquiries
  WHERE type = 'inquiry_answered' AND responder = 'brand'
  GROUP BY inquiry_id
),
judged_inquiries AS (
  SELECT
    q.brand_id,
    coalesce(a.answered_at <= :'as_of', false) AS brand_answered,
    coalesce(a.answered_at <= bd.close_at, false) AS in_time,
    coalesce(bd.close_at <= :'as_of', false) AS deadline_reached
  FROM first_opened q
  LEFT JOIN brand_answers a USING (inquiry_id)
  JOIN cal c ON c.day = (q.opened_at AT TIME ZONE :'zone')::date
  LEFT JOIN business_days bd
    ON bd.ordinal = CASE WHEN c.close_at IS NOT NULL AND q.opened_at < c.close_at THEN c.ordinal ELSE c.next_ordinal END + 2
  WHERE q.opened_at >= :'from_at' AND q.opened_at < :'to_at'
),
sla AS (
  SELECT
    brand_id,
    count(*) FILTER (WHERE brand_answered AND in_time) AS sla_numerator,
    count(*) FILTER (WHERE brand_answered OR deadline_reached) AS sla_denominator
  FROM judged_inquiries
  GROUP BY brand_id
)
SELECT
  brand_id,
  coalesce(l.late_dispatch_numerator, 0),
  coalesce(l.late_dispatch_denominator, 0),
  coalesce(s.sla_numerator, 0),
  coalesce(s.sla_denominator, 0)
FROM late_dispatch l
FULL JOIN sla s USING (brand_id)
ORDER BY brand_id;
