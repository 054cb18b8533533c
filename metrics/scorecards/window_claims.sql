-- Claim metrics of every window in scorecard_windows (DESIGN §5): claim_resolution_bh (opened to closed, claims opened on local days [from, to) and closed by as_of), claims with a stage handled by the platform by as_of (claim_takeover_rate's numerator); overdue_claims: every claim opened by as_of, in the window or before, still open at as_of and older than 3 business days (overdue_at < as_of). The window figures take one scan joining each claim with the windows its day falls in; overdue_claims is computed once per distinct as_of (per as_of and brand for windows of one brand each) and given to each window with that as_of.
WITH judged AS (
  SELECT
    p.w,
    f.brand_id,
    f.claim_resolution_bh,
    coalesce(f.closed_at <= p.as_of, false) AS closed,
    coalesce(f.first_platform_stage_at <= p.as_of, false) AS platform_handled
  FROM fct_claims f
  JOIN scorecard_window_days p ON p.day = f.day AND p.brand = window_brand(f.brand_id)
  WHERE f.opened_at IS NOT NULL AND in_scorecard_scope(f.brand_id)
),
windowed AS (
  SELECT
    w,
    brand_id,
    -- Both percentiles from one list-valued quantile (DuckDB computes the repeated aggregate once): one sort per group instead of two.
    (quantile_cont(claim_resolution_bh, [0.5, 0.9]) FILTER (closed))[1] AS resolution_p50,
    (quantile_cont(claim_resolution_bh, [0.5, 0.9]) FILTER (closed))[2] AS resolution_p90,
    count(claim_resolution_bh) FILTER (closed) AS resolution_n,
    count(*) FILTER (platform_handled) AS platform_handled
  FROM judged
  GROUP BY w, brand_id
),
as_ofs AS (SELECT DISTINCT as_of, brand FROM scorecard_windows),
overdue_at AS (
  SELECT a.as_of, f.brand_id, count(*) AS overdue_claims
  FROM fct_claims f
  JOIN as_ofs a ON f.opened_at <= a.as_of AND f.overdue_at < a.as_of AND a.brand = window_brand(f.brand_id)
  WHERE NOT coalesce(f.closed_at <= a.as_of, false) AND in_scorecard_scope(f.brand_id)
  GROUP BY a.as_of, f.brand_id
),
overdue_by_window AS (
  SELECT p.w, o.brand_id, o.overdue_claims
  FROM overdue_at o
  JOIN scorecard_windows p ON p.as_of = o.as_of AND p.brand = window_brand(o.brand_id)
)
SELECT
  coalesce(d.w, o.w) AS w,
  coalesce(d.brand_id, o.brand_id) AS brand_id,
  d.resolution_p50,
  d.resolution_p90,
  coalesce(d.resolution_n, 0) AS resolution_n,
  coalesce(d.platform_handled, 0) AS platform_handled,
  coalesce(o.overdue_claims, 0) AS overdue_claims
FROM windowed d
FULL JOIN overdue_by_window o ON o.w = d.w AND o.brand_id = d.brand_id
