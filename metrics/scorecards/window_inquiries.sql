-- Inquiry metrics of a window (DESIGN §5): sla_rate (first brand answer by the deadline of 2 business days, over inquiries answered by the brand or whose deadline is ≤ as_of; a platform-only answer is a miss), answer_time_bh, takeover_rate, for inquiries opened on local days [from, to); open_unanswered and overdue_unanswered: every inquiry opened by as_of, in the window or before, not answered by anyone nor closed at as_of (overdue: deadline < as_of).
WITH params AS (
  SELECT CAST($from AS DATE) AS from_day, CAST($to AS DATE) AS to_day, CAST($as_of AS TIMESTAMPTZ) AS as_of
),
judged AS (
  SELECT
    f.brand_id,
    f.answer_time_bh,
    f.first_responder,
    f.day >= p.from_day AND f.day < p.to_day AS in_window,
    f.opened_at <= p.as_of AS opened,
    coalesce(f.first_answer_at <= p.as_of, false) AS answered,
    coalesce(f.first_brand_answer_at <= p.as_of, false) AS brand_answered,
    coalesce(f.first_brand_answer_at <= f.answer_deadline, false) AS brand_answered_in_time,
    coalesce(f.answer_deadline <= p.as_of, false) AS deadline_reached,
    coalesce(f.answer_deadline < p.as_of, false) AS overdue,
    coalesce(f.closed_at <= p.as_of, false) AS closed
  FROM fct_inquiries f, params p
  WHERE f.opened_at IS NOT NULL
)
SELECT
  brand_id,
  count(*) FILTER (in_window AND (brand_answered OR deadline_reached)) AS sla_denominator,
  count(*) FILTER (in_window AND brand_answered AND brand_answered_in_time) AS sla_numerator,
  quantile_cont(answer_time_bh, 0.5) FILTER (in_window AND brand_answered) AS answer_time_p50,
  quantile_cont(answer_time_bh, 0.9) FILTER (in_window AND brand_answered) AS answer_time_p90,
  count(answer_time_bh) FILTER (in_window AND brand_answered) AS answer_time_n,
  count(*) FILTER (in_window AND answered) AS takeover_denominator,
  count(*) FILTER (in_window AND answered AND first_responder = 'platform') AS takeover_numerator,
  count(*) FILTER (opened AND NOT answered AND NOT closed) AS open_unanswered,
  count(*) FILTER (opened AND NOT answered AND NOT closed AND overdue) AS overdue_unanswered
FROM judged
WHERE in_window OR (opened AND NOT answered AND NOT closed)
GROUP BY brand_id
