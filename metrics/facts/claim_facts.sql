-- One row per touched claim (DESIGN §3, §5 claim metrics): stage timestamps, whether the platform handled any stage, overdue_at = 3 business days after opening (§4), claim_resolution_bh = business hours from opening to closing.
WITH claims AS (
  SELECT
    claim_id,
    arg_min(brand_id, (type <> 'claim_opened', occurred_at)) AS brand_id,
    arg_min(order_id, (type <> 'claim_opened', occurred_at)) AS order_id,
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
    min(occurred_at) FILTER (type = 'claim_stage_changed' AND handled_by = 'platform') AS first_platform_stage_at,
    min(occurred_at) FILTER (type = 'claim_closed') AS closed_at,
    arg_min(outcome, occurred_at) FILTER (type = 'claim_closed') AS outcome,
    max(occurred_at) AS last_event_at,
    max(ingest_batch) AS last_batch
  FROM raw_claims
  WHERE claim_id IN (SELECT claim_id FROM touched_claims)
  GROUP BY claim_id
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
  ASOF LEFT JOIN business_calendar opened ON c.opened_at >= opened.day_start
  ASOF LEFT JOIN business_calendar closed ON c.closed_at >= closed.day_start
)
SELECT
  t.claim_id, t.brand_id, t.day, t.order_id, t.opened_at, t.claim_type, t.reason,
  t.requested_at, t.collecting_at, t.inspecting_at, t.processing_at, t.completed_at, t.rejected_at, t.last_stage,
  t.first_platform_stage_at, t.closed_at, t.outcome,
  d.close_at AS overdue_at,
  CASE WHEN t.opened_seconds IS NOT NULL AND t.closed_seconds IS NOT NULL
    THEN business_hours_between(t.opened_seconds, t.closed_seconds) END AS claim_resolution_bh,
  t.last_event_at, t.last_batch
FROM timed t
LEFT JOIN business_days d ON d.ordinal = t.opened_ordinal + 3
