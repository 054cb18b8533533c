-- Claim metrics of a window (DESIGN §5): claim_resolution_bh (opened to closed, claims opened on local days [from, to) and closed by as_of), claims with a stage handled by the platform by as_of (claim_takeover_rate's numerator); overdue_claims: every claim opened by as_of, in the window or before, still open at as_of and older than 3 business days (overdue_at < as_of).
WITH params AS (
  SELECT CAST($from AS DATE) AS from_day, CAST($to AS DATE) AS to_day, CAST($as_of AS TIMESTAMPTZ) AS as_of
),
judged AS (
  SELECT
    f.brand_id,
    f.claim_resolution_bh,
    f.day >= p.from_day AND f.day < p.to_day AS in_window,
    f.opened_at <= p.as_of AS opened,
    coalesce(f.closed_at <= p.as_of, false) AS closed,
    coalesce(f.first_platform_stage_at <= p.as_of, false) AS platform_handled,
    coalesce(f.overdue_at < p.as_of, false) AS overdue
  FROM fct_claims f, params p
  WHERE f.opened_at IS NOT NULL
)
SELECT
  brand_id,
  quantile_cont(claim_resolution_bh, 0.5) FILTER (in_window AND closed) AS resolution_p50,
  quantile_cont(claim_resolution_bh, 0.9) FILTER (in_window AND closed) AS resolution_p90,
  count(claim_resolution_bh) FILTER (in_window AND closed) AS resolution_n,
  count(*) FILTER (in_window AND platform_handled) AS platform_handled,
  count(*) FILTER (opened AND NOT closed AND overdue) AS overdue_claims
FROM judged
WHERE in_window OR (opened AND NOT closed AND overdue)
GROUP BY brand_id
