-- One row per touched order, folded from all its order and shipment events (DESIGN §3, §5): dispatch deadline = dispatch_due_at if given, else dispatch_days business days (§4) after payment, or placement without payment; dispatch_time_bh = business hours from payment (or placement) to dispatch.
-- Mergeable (facts.ts): the aggregate of the events newer than the watermark ({{since}}) is merged with the stored row of the same order ({{old}}, empty on a full rebuild), so the result equals folding all of the order's events at once.
WITH order_events AS (
  SELECT
    order_id,
    arg_min(brand_id, (type <> 'order_placed', occurred_at)) AS brand_id,
    min(occurred_at) AS first_order_event_at,
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
  WHERE ingest_batch > {{since}}
  GROUP BY order_id
),
shipment_events AS (
  SELECT
    order_id,
    arg_min(brand_id, occurred_at) AS brand_id,
    min(occurred_at) AS first_shipment_event_at,
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
  WHERE ingest_batch > {{since}}
  GROUP BY order_id
),
fresh AS (
  SELECT
    order_id,
    e.* EXCLUDE (order_id, brand_id, last_event_at, last_batch),
    s.* EXCLUDE (order_id, brand_id, last_event_at, last_batch),
    e.brand_id AS order_brand_id, s.brand_id AS shipment_brand_id,
    greatest(e.last_event_at, s.last_event_at) AS last_event_at,
    greatest(e.last_batch, s.last_batch) AS last_batch
  FROM order_events e
  FULL JOIN shipment_events s USING (order_id)
),
merged AS (
  SELECT
    order_id,
    -- The brand of the first order_placed, else of the first order event, else of the first shipment event.
    CASE
      WHEN o.placed_at IS NOT NULL OR n.placed_at IS NOT NULL
        THEN first_of(o.placed_at, o.brand_id, n.placed_at, n.order_brand_id)
      WHEN o.first_order_event_at IS NOT NULL OR n.first_order_event_at IS NOT NULL
        THEN first_of(o.first_order_event_at, o.brand_id, n.first_order_event_at, n.order_brand_id)
      ELSE first_of(o.first_shipment_event_at, o.brand_id, n.first_shipment_event_at, n.shipment_brand_id)
    END AS brand_id,
    least(o.placed_at, n.placed_at) AS placed_at,
    first_of(o.placed_at, o.amount, n.placed_at, n.amount) AS amount,
    first_of(o.placed_at, o.quantity, n.placed_at, n.quantity) AS quantity,
    least(o.paid_at, n.paid_at) AS paid_at,
    least(o.cancelled_at, n.cancelled_at) AS cancelled_at,
    first_of(o.cancelled_at, o.cancelled_by, n.cancelled_at, n.cancelled_by) AS cancelled_by,
    least(o.dispatched_at, n.dispatched_at) AS dispatched_at,
    first_of(o.dispatched_at, o.carrier, n.dispatched_at, n.carrier) AS carrier,
    first_of(o.dispatched_at, o.tracking_no, n.dispatched_at, n.tracking_no) AS tracking_no,
    least(o.delivered_at, n.delivered_at) AS delivered_at,
    first_of(o.placed_at, o.dispatch_due_at, n.placed_at, n.dispatch_due_at) AS dispatch_due_at,
    first_of(o.placed_at, o.delivery_due_at, n.placed_at, n.delivery_due_at) AS delivery_due_at,
    coalesce(o.shipping_issues, 0) + coalesce(n.shipping_issues, 0) AS shipping_issues,
    least(o.first_shipping_issue_at, n.first_shipping_issue_at) AS first_shipping_issue_at,
    first_of(o.first_shipping_issue_at, o.first_shipping_issue, n.first_shipping_issue_at, n.first_shipping_issue)
      AS first_shipping_issue,
    coalesce(o.address_changes_by_customer, 0) + coalesce(n.address_changes_by_customer, 0) AS address_changes_by_customer,
    coalesce(o.address_changes_by_platform, 0) + coalesce(n.address_changes_by_platform, 0) AS address_changes_by_platform,
    greatest(o.last_event_at, n.last_event_at) AS last_event_at,
    greatest(o.last_batch, n.last_batch) AS last_batch,
    least(o.first_order_event_at, n.first_order_event_at) AS first_order_event_at,
    least(o.first_shipment_event_at, n.first_shipment_event_at) AS first_shipment_event_at,
    -- A dispatched or cancelled order keeps the promise it was evaluated with, so a later dispatch_days change
    -- re-judges only orders that are still open.
    CASE WHEN p.dispatched_at IS NOT NULL OR p.cancelled_at IS NOT NULL THEN p.dispatch_days_applied END
      AS kept_dispatch_days
  FROM fresh n
  FULL JOIN {{old}} o USING (order_id)
  LEFT JOIN {{prior}} p USING (order_id)
),
promised AS (
  SELECT
    m.* EXCLUDE (kept_dispatch_days),
    coalesce(m.paid_at, m.placed_at) AS clock_start_at,
    coalesce(m.kept_dispatch_days, b.dispatch_days, 2) AS dispatch_days_applied
  FROM merged m
  LEFT JOIN brands b ON b.brand_id = m.brand_id
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
  LEFT JOIN business_calendar_slots placed ON placed.slot = business_slot(p.placed_at)
  LEFT JOIN business_calendar_slots start ON start.slot = business_slot(p.clock_start_at)
  LEFT JOIN business_calendar_slots sent ON sent.slot = business_slot(p.dispatched_at)
)
SELECT
  t.order_id, t.brand_id, t.day, t.placed_at, t.amount, t.quantity, t.paid_at, t.cancelled_at, t.cancelled_by,
  t.dispatched_at, t.carrier, t.tracking_no, t.delivered_at, t.dispatch_due_at, t.delivery_due_at,
  t.dispatch_days_applied,
  coalesce(t.dispatch_due_at, d.close_at) AS dispatch_deadline,
  CASE WHEN t.start_seconds IS NOT NULL AND t.dispatched_seconds IS NOT NULL
    THEN business_hours_between(t.start_seconds, t.dispatched_seconds) END AS dispatch_time_bh,
  t.shipping_issues, t.first_shipping_issue_at, t.first_shipping_issue,
  t.address_changes_by_customer, t.address_changes_by_platform, t.last_event_at, t.last_batch,
  t.first_order_event_at, t.first_shipment_event_at
FROM timed t
LEFT JOIN business_days d ON d.ordinal = t.start_ordinal + t.dispatch_days_applied
