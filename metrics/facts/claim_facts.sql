-- One row per touched claim (DESIGN §3, §5 claim metrics): stage timestamps, whether the platform handled any stage, overdue_at = 3 business days after opening (§4), claim_resolution_bh = business hours from opening to closing.
-- Mergeable (facts.ts): the aggregate of the events newer than the watermark ({{since}}) is merged with the stored row ({{old}}, empty on a full rebuild).
WITH fresh AS (
  SELECT
    claim_id,
    arg_min(brand_id, (type <> 'claim_opened', occurred_at)) AS brand_id,
    arg_min(order_id, (type <> 'claim_opened', occurred_at)) AS order_id,
    min(occurred_at) AS first_event_at,
    min(occurred_at) FILTER (type = 'claim_opened') AS opened_at,
    arg_min(claim_type, occurred_at) FILTER (type = 'claim_opened') AS claim_type,
    arg_min(reason, occurred_at) FILTER (type = 'claim_opened') AS reason,
    min(occurred_at) FILTER (type = 'claim_stage_changed' AND stage = 'requested') AS requested_at,
    min(occurred_at) FILTER (type = 'claim_stage_changed' AND stage = 'collecting') AS collecting_at,
    min(occurred_at) FILTER (type = 'claim_stage_changed' AND stage = 'inspecting') AS inspecting_at,
    min(occurred_at) FILTER (type = 'claim_stage_changed' AND stage = 'processing') AS processing_at,
    min(occurred_at) FILTER (type = 'claim_stage_changed' AND stage = 'completed') AS completed_at,
    min(occurred_at) FILTER (type = 'claim_stage_changed' AND stage = 'rejected') AS rejected_at,
    arg_max(stage, occurred_at) FILTER (type = 'claim_stage_changed') AS last_stage,
    max(occurred_at) FILTER (type = 'claim_stage_changed') AS last_stage_at,
    min(occurred_at) FILTER (type = 'claim_stage_changed' AND handled_by = 'platform') AS first_platform_stage_at,
    min(occurred_at) FILTER (type = 'claim_closed') AS closed_at,
    arg_min(outcome, occurred_at) FILTER (type = 'claim_closed') AS outcome,
    max(occurred_at) AS last_event_at,
    max(ingest_batch) AS last_batch
  FROM raw_claims
  WHERE ingest_batch > {{since}}
  GROUP BY claim_id
),
claims AS (
  SELECT
    claim_id,
    -- Brand and order of the first claim_opened, else of the first event.
    CASE
      WHEN o.opened_at IS NOT NULL OR n.opened_at IS NOT NULL THEN first_of(o.opened_at, o.brand_id, n.opened_at, n.brand_id)
      ELSE first_of(o.first_event_at, o.brand_id, n.first_event_at, n.brand_id)
    END AS brand_id,
    CASE
      WHEN o.opened_at IS NOT NULL OR n.opened_at IS NOT NULL THEN first_of(o.opened_at, o.order_id, n.opened_at, n.order_id)
      ELSE first_of(o.first_event_at, o.order_id, n.first_event_at, n.order_id)
    END AS order_id,
    least(o.first_event_at, n.first_event_at) AS first_event_at,
    least(o.opened_at, n.opened_at) AS opened_at,
    first_of(o.opened_at, o.claim_type, n.opened_at, n.claim_type) AS claim_type,
    first_of(o.opened_at, o.reason, n.opened_at, n.reason) AS reason,
    least(o.requested_at, n.requested_at) AS requested_at,
    least(o.collecting_at, n.collecting_at) AS collecting_at,
    least(o.inspecting_at, n.inspecting_at) AS inspecting_at,
    least(o.processing_at, n.processing_at) AS processing_at,
    least(o.completed_at, n.completed_at) AS completed_at,
    least(o.rejected_at, n.rejected_at) AS rejected_at,
    last_of(o.last_stage_at, o.last_stage, n.last_stage_at, n.last_stage) AS last_stage,
    greatest(o.last_stage_at, n.last_stage_at) AS last_stage_at,
    least(o.first_platform_stage_at, n.first_platform_stage_at) AS first_platform_stage_at,
    least(o.closed_at, n.closed_at) AS closed_at,
    first_of(o.closed_at, o.outcome, n.closed_at, n.outcome) AS outcome,
    greatest(o.last_event_at, n.last_event_at) AS last_event_at,
    greatest(o.last_batch, n.last_batch) AS last_batch
  FROM fresh n
  FULL JOIN {{old}} o USING (claim_id)
),
timed AS (
  SELECT
    c.*,
    opened.day AS day,
    business_date_ordinal_at(c.opened_at, opened)
      AS opened_ordinal,
    business_seconds_at(c.opened_at, opened)
      AS opened_seconds,
    business_seconds_at(c.closed_at, closed)
      AS closed_seconds
  FROM claims c
  LEFT JOIN business_calendar_slots opened ON opened.slot = business_slot(c.opened_at)
  LEFT JOIN business_calendar_slots closed ON closed.slot = business_slot(c.closed_at)
)
SELECT
  t.claim_id, t.brand_id, t.day, t.order_id, t.opened_at, t.claim_type, t.reason,
  t.requested_at, t.collecting_at, t.inspecting_at, t.processing_at, t.completed_at, t.rejected_at, t.last_stage,
  t.first_platform_stage_at, t.closed_at, t.outcome,
  d.close_at AS overdue_at,
  CASE WHEN t.opened_seconds IS NOT NULL AND t.closed_seconds IS NOT NULL
    THEN business_hours_between(t.opened_seconds, t.closed_seconds) END AS claim_resolution_bh,
  t.last_event_at, t.last_batch, t.first_event_at, t.last_stage_at
FROM timed t
LEFT JOIN business_days d ON d.ordinal = t.opened_ordinal + 3
