-- Contact metrics of every window in scorecard_windows (DESIGN §5): contact_failure_rate = contacts attempted on local days [from, to) not answered within 1 business day, over those answered by as_of or whose deadline is ≤ as_of; consecutive_contact_failures = how many of the brand's most recent contacts decided at as_of (any attempt time up to as_of, newest first) failed in a row. The window figures take one scan joining each contact with the windows its day falls in. The streak is computed once per distinct as_of (per as_of and brand for windows of one brand each), without sorting: it is the number of decided contacts after the newest one that did not fail (by attempted_at, then contact_id), or all of them when none succeeded.
WITH judged AS (
  SELECT
    p.w,
    f.brand_id,
    coalesce(f.answered_at <= p.as_of, false) OR coalesce(f.answer_deadline <= p.as_of, false) AS decided,
    NOT coalesce(f.answered_at <= p.as_of AND f.answered_at <= f.answer_deadline, false) AS failed
  FROM fct_contacts f
  JOIN scorecard_window_days p ON p.day = f.day AND p.brand = window_brand(f.brand_id)
  WHERE f.attempted_at IS NOT NULL AND in_scorecard_scope(f.brand_id)
),
windowed AS (
  SELECT
    w,
    brand_id,
    count(*) FILTER (decided) AS failure_denominator,
    count(*) FILTER (decided AND failed) AS failure_numerator
  FROM judged
  GROUP BY w, brand_id
),
as_ofs AS (SELECT DISTINCT as_of, brand FROM scorecard_windows),
decided_at AS (
  SELECT
    a.as_of,
    f.brand_id,
    f.attempted_at,
    f.contact_id,
    NOT coalesce(f.answered_at <= a.as_of AND f.answered_at <= f.answer_deadline, false) AS failed
  FROM fct_contacts f
  JOIN as_ofs a ON f.attempted_at <= a.as_of AND a.brand = window_brand(f.brand_id)
  WHERE (coalesce(f.answered_at <= a.as_of, false) OR coalesce(f.answer_deadline <= a.as_of, false))
    AND in_scorecard_scope(f.brand_id)
),
last_success AS (
  SELECT
    as_of,
    brand_id,
    max({'attempted_at': attempted_at, 'contact_id': contact_id}) FILTER (NOT failed) AS newest_success
  FROM decided_at
  GROUP BY as_of, brand_id
),
streaks AS (
  SELECT
    d.as_of,
    d.brand_id,
    count(*) FILTER (
      s.newest_success IS NULL
      OR d.attempted_at > s.newest_success.attempted_at
      OR (d.attempted_at = s.newest_success.attempted_at AND d.contact_id > s.newest_success.contact_id)
    ) AS consecutive_failures
  FROM decided_at d
  JOIN last_success s ON s.as_of = d.as_of AND s.brand_id = d.brand_id
  GROUP BY d.as_of, d.brand_id
),
streaks_by_window AS (
  SELECT p.w, s.brand_id, s.consecutive_failures
  FROM streaks s
  JOIN scorecard_windows p ON p.as_of = s.as_of AND p.brand = window_brand(s.brand_id)
)
SELECT
  coalesce(d.w, s.w) AS w,
  coalesce(d.brand_id, s.brand_id) AS brand_id,
  coalesce(d.failure_denominator, 0) AS failure_denominator,
  coalesce(d.failure_numerator, 0) AS failure_numerator,
  coalesce(s.consecutive_failures, 0) AS consecutive_failures
FROM windowed d
FULL JOIN streaks_by_window s ON s.w = d.w AND s.brand_id = d.brand_id
