-- Contact metrics of a window (DESIGN §5): contact_failure_rate = contacts attempted on local days [from, to) not answered within 1 business day, over those answered by as_of or whose deadline is ≤ as_of; consecutive_contact_failures = how many of the brand's most recent contacts decided at as_of (any attempt time up to as_of, newest first) failed in a row.
WITH params AS (
  SELECT CAST($from AS DATE) AS from_day, CAST($to AS DATE) AS to_day, CAST($as_of AS TIMESTAMPTZ) AS as_of
),
judged AS (
  SELECT
    f.brand_id,
    f.contact_id,
    f.attempted_at,
    f.day >= p.from_day AND f.day < p.to_day AS in_window,
    f.attempted_at <= p.as_of AS attempted,
    coalesce(f.answered_at <= p.as_of, false) OR coalesce(f.answer_deadline <= p.as_of, false) AS decided,
    NOT coalesce(f.answered_at <= p.as_of AND f.answered_at <= f.answer_deadline, false) AS failed
  FROM fct_contacts f, params p
  WHERE f.attempted_at IS NOT NULL
),
windowed AS (
  SELECT
    brand_id,
    count(*) FILTER (decided) AS failure_denominator,
    count(*) FILTER (decided AND failed) AS failure_numerator
  FROM judged
  WHERE in_window
  GROUP BY brand_id
),
newest_first AS (
  SELECT
    brand_id,
    failed,
    row_number() OVER (PARTITION BY brand_id ORDER BY attempted_at DESC, contact_id DESC) AS position
  FROM judged
  WHERE attempted AND decided
),
streaks AS (
  SELECT brand_id, coalesce(min(position) FILTER (NOT failed) - 1, count(*)) AS consecutive_failures
  FROM newest_first
  GROUP BY brand_id
)
SELECT
  coalesce(w.brand_id, s.brand_id) AS brand_id,
  coalesce(w.failure_denominator, 0) AS failure_denominator,
  coalesce(w.failure_numerator, 0) AS failure_numerator,
  coalesce(s.consecutive_failures, 0) AS consecutive_failures
FROM windowed w
FULL JOIN streaks s ON s.brand_id = w.brand_id
