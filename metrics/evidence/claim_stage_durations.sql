-- Time claims of one brand spend in each stage (DESIGN §3 claim stages), in business hours (§4): for claims opened on local days [from, to), the time from reaching a stage to reaching the next stage the claim reached (or completion or rejection), counting only stage changes known at as_of; a stage still current at as_of is not counted. p50 and p90 are continuous percentiles over the claims that left the stage.
WITH claims AS (
  SELECT claim_id, requested_at, collecting_at, inspecting_at, processing_at, coalesce(completed_at, rejected_at) AS finished_at
  FROM fct_claims
  WHERE brand_id = $brand AND day >= CAST($from AS DATE) AND day < CAST($to AS DATE) AND opened_at IS NOT NULL
),
stamps AS (
  SELECT claim_id, stage, ordinal, t
  FROM (
    SELECT claim_id, 'requested' AS stage, 1 AS ordinal, requested_at AS t FROM claims
    UNION ALL SELECT claim_id, 'collecting', 2, collecting_at FROM claims
    UNION ALL SELECT claim_id, 'inspecting', 3, inspecting_at FROM claims
    UNION ALL SELECT claim_id, 'processing', 4, processing_at FROM claims
    UNION ALL SELECT claim_id, 'finished', 5, finished_at FROM claims
  )
  WHERE t IS NOT NULL AND t <= CAST($as_of AS TIMESTAMPTZ)
),
timed AS (
  SELECT claim_id, stage, ordinal, business_seconds FROM business_time_of(stamps)
),
spells AS (
  SELECT
    stage,
    ordinal,
    business_hours_between(business_seconds, lead(business_seconds) OVER (PARTITION BY claim_id ORDER BY ordinal)) AS hours,
    lead(business_seconds) OVER (PARTITION BY claim_id ORDER BY ordinal) IS NOT NULL AS left_stage
  FROM timed
)
SELECT
  stage,
  min(ordinal) AS ordinal,
  count(*) AS n,
  quantile_cont(hours, 0.5) AS p50,
  quantile_cont(hours, 0.9) AS p90
FROM spells
WHERE stage <> 'finished' AND left_stage
GROUP BY stage
ORDER BY ordinal
