-- Inquiry metrics of every window in scorecard_windows (DESIGN §5): sla_rate (first brand answer by the deadline of 2 business days, over inquiries answered by the brand or whose deadline is ≤ as_of; a platform-only answer is a miss), answer_time_bh, takeover_rate, for inquiries opened on local days [from, to); open_unanswered and overdue_unanswered: every inquiry opened by as_of, in the window or before, not answered by anyone nor closed at as_of (overdue: deadline < as_of). The window figures take one scan joining each inquiry with the windows its day falls in; the state at as_of is computed once per distinct as_of (per as_of and brand for windows of one brand each; the current 7, 28 and 90-day windows share theirs) and given to each window with that as_of.
WITH judged AS (
  SELECT
    p.w,
    f.brand_id,
    f.answer_time_bh,
    f.first_responder,
    coalesce(f.first_answer_at <= p.as_of, false) AS answered,
    coalesce(f.first_brand_answer_at <= p.as_of, false) AS brand_answered,
    coalesce(f.first_brand_answer_at <= f.answer_deadline, false) AS brand_answered_in_time,
    coalesce(f.answer_deadline <= p.as_of, false) AS deadline_reached
  FROM fct_inquiries f
  JOIN scorecard_window_days p ON p.day = f.day AND p.brand = window_brand(f.brand_id)
  WHERE f.opened_at IS NOT NULL AND in_scorecard_scope(f.brand_id)
),
windowed AS (
  SELECT
    w,
    brand_id,
    count(*) FILTER (brand_answered OR deadline_reached) AS sla_denominator,
    count(*) FILTER (brand_answered AND brand_answered_in_time) AS sla_numerator,
    -- Both percentiles from one list-valued quantile (DuckDB computes the repeated aggregate once): one sort per group instead of two.
    (quantile_cont(answer_time_bh, [0.5, 0.9]) FILTER (brand_answered))[1] AS answer_time_p50,
    (quantile_cont(answer_time_bh, [0.5, 0.9]) FILTER (brand_answered))[2] AS answer_time_p90,
    count(answer_time_bh) FILTER (brand_answered) AS answer_time_n,
    count(*) FILTER (answered) AS takeover_denominator,
    count(*) FILTER (answered AND first_responder = 'platform') AS takeover_numerator
  FROM judged
  GROUP BY w, brand_id
),
as_ofs AS (SELECT DISTINCT as_of, brand FROM scorecard_windows),
open_at AS (
  SELECT
    a.as_of,
    f.brand_id,
    count(*) AS open_unanswered,
    count(*) FILTER (coalesce(f.answer_deadline < a.as_of, false)) AS overdue_unanswered
  FROM fct_inquiries f
  JOIN as_ofs a ON f.opened_at <= a.as_of AND a.brand = window_brand(f.brand_id)
  WHERE NOT coalesce(f.first_answer_at <= a.as_of, false) AND NOT coalesce(f.closed_at <= a.as_of, false)
    AND in_scorecard_scope(f.brand_id)
  GROUP BY a.as_of, f.brand_id
),
open_by_window AS (
  SELECT p.w, o.brand_id, o.open_unanswered, o.overdue_unanswered
  FROM open_at o
  JOIN scorecard_windows p ON p.as_of = o.as_of AND p.brand = window_brand(o.brand_id)
)
SELECT
  coalesce(d.w, o.w) AS w,
  coalesce(d.brand_id, o.brand_id) AS brand_id,
  coalesce(d.sla_denominator, 0) AS sla_denominator,
  coalesce(d.sla_numerator, 0) AS sla_numerator,
  d.answer_time_p50,
  d.answer_time_p90,
  coalesce(d.answer_time_n, 0) AS answer_time_n,
  coalesce(d.takeover_denominator, 0) AS takeover_denominator,
  coalesce(d.takeover_numerator, 0) AS takeover_numerator,
  coalesce(o.open_unanswered, 0) AS open_unanswered,
  coalesce(o.overdue_unanswered, 0) AS overdue_unanswered
FROM windowed d
FULL JOIN open_by_window o ON o.w = d.w AND o.brand_id = d.brand_id
