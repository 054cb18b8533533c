-- One row per touched order, folded from all its order and shipment events (DESIGN §3, §5): dispatch deadline = dispatch_due_at if given, else dispatch_days business days (§4) after payment, or placement without payment; dispatch_time_bh = business hours from payment (or placement) to dispatch.
WITH orders AS (
  SELECT
    order_id,
    arg_min(brand_id, (type <> 'order_placed', occurred_at)) AS brand_id,
    min(occurred_at) FILTER (type = 'order_placed') AS placed_at,
    arg_min(amount, occurred_at) FILTER (type = 'order_placed') AS amount,
    arg_min(quantity, occurred_at) FILTER (type = 'order_placed') AS quantity,
    arg_min(dispatch_due_at, occurred_at) FILTER (type = 'order_placed') AS dispatch_due_at,
    arg_min(delivery_due_at, occurred_at) FILTER (type = 'order_placed') AS delivery_due_at,
    min(occurred_at) FILTER (type = 'order_paid') AS paid_at,
    min(occurred_at) FILTER (type = 'order_cancelled') AS cancelled_at,
    arg_min(cancelled_by, occurred_at) FILTER (type = 'order_cancelled') AS cancelled_by,
    count(*) FILTER (type = 'address_changed' AND changed_by = 'customer') AS address_changes_by_customer,
    count(*) FILTER (type = 'address_changed' AND changed_by = 'platform') AS address_changes_by_platform,
    max(occurred_at) AS last_event_at,
    max(ingest_batch) AS last_batch
  FROM raw_orders
  WHERE order_id IN (SELECT order_id FROM touched_orders)
  GROUP BY order_id
),
shipments AS (
  SELECT
    order_id,
    arg_min(brand_id, occurred_at) AS brand_id,
    min(occurred_at) FILTER (type = 'dispatched') AS dispatched_at,
    arg_min(carrier, occurred_at) FILTER (type = 'dispatched') AS carrier,
    arg_min(tracking_no, occurred_at) FILTER (type = 'dispatched') AS tracking_no,
    min(occurred_at) FILTER (type = 'delivered') AS delivered_at,
    count(*) FILTER (type = 'shipping_issue') AS shipping_issues,
    min(occurred_at) FILTER (type = 'shipping_issue') AS first_shipping_issue_at,
    arg_min(issue, occurred_at) FILTER (type = 'shipping_issue') AS first_shipping_issue,
    max(occurred_at) AS last_event_at,
    max(ingest_batch) AS last_batch
  FROM raw_shipments
  WHERE order_id IN (SELECT order_id FROM touched_orders)
  GROUP BY order_id
),
merged AS (
  SELECT
    order_id,
    coalesce(o.brand_id, s.brand_id) AS brand_id,
    o.placed_at, o.amount, o.quantity, o.paid_at, o.cancelled_at, o.cancelled_by,
    s.dispatched_at, s.carrier, s.tracking_no, s.delivered_at,
    o.dispatch_due_at, o.delivery_due_at,
    coalesce(s.shipping_issues, 0) AS shipping_issues, s.first_shipping_issue_at, s.first_shipping_issue,
    coalesce(o.address_changes_by_customer, 0) AS address_changes_by_customer,
    coalesce(o.address_changes_by_platform, 0) AS address_changes_by_platform,
    greatest(o.last_event_at, s.last_event_at) AS last_event_at,
    greatest(o.last_batch, s.last_batch) AS last_batch,
    coalesce(o.paid_at, o.placed_at) AS clock_start_at
  FROM orders o
  FULL JOIN shipments s USING (order_id)
),
promised AS (
  -- A dispatched or cancelled order keeps the promise it was evaluated with, so a later dispatch_days change
  -- re-judges only orders that are still open.
  SELECT
    m.*,
    coalesce(
      CASE WHEN p.dispatched_at IS NOT NULL OR p.cancelled_at IS NOT NULL THEN p.dispatch_days_applied END,
      b.dispatch_days,
      2
    ) AS dispatch_days_applied
  FROM merged m
  LEFT JOIN brands b ON b.brand_id = m.brand_id
  LEFT JOIN fct_orders p ON p.order_id = m.order_id
),
timed AS (
  SELECT
    p.*,
    placed.day AS day,
    business_date_ordinal_at(p.clock_start_at, start)
      AS start_ordinal,
    business_seconds_at(p.clock_start_at, start)
      AS start_seconds,
    business_seconds_at(p.dispatched_at, sent)
      AS dispatched_seconds
  FROM promised p
  ASOF LEFT JOIN business_calendar placed ON p.placed_at >= placed.day_start
  ASOF LEFT JOIN business_calendar start ON p.clock_start_at >= start.day_start
  ASOF LEFT JOIN business_calendar sent ON p.dispatched_at >= sent.day_start
)
SELECT
  t.order_id, t.brand_id, t.day, t.placed_at, t.amount, t.quantity, t.paid_at, t.cancelled_at, t.cancelled_by,
  t.dispatched_at, t.carrier, t.tracking_no, t.delivered_at, t.dispatch_due_at, t.delivery_due_at,
  t.dispatch_days_applied,
  coalesce(t.dispatch_due_at, d.close_at) AS dispatch_deadline,
  CASE WHEN t.start_seconds IS NOT NULL AND t.dispatched_seconds IS NOT NULL
    THEN business_hours_between(t.start_seconds, t.dispatched_seconds) END AS dispatch_time_bh,
  t.shipping_issues, t.first_shipping_issue_at, t.first_shipping_issue,
  t.address_changes_by_customer, t.address_changes_by_platform, t.last_event_at, t.last_batch
FROM timed t
LEFT JOIN business_days d ON d.ordinal = t.start_ordinal + t.dispatch_days_applied
