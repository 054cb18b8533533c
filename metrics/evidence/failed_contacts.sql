-- Failed contacts of one brand (DESIGN §5 contact_failure_rate, its numerator): attempted on local days [from, to), decided at as_of, and not answered within their deadline; newest attempt first.
SELECT
  contact_id, attempted_at, answer_deadline,
  CASE WHEN answered_at <= CAST($as_of AS TIMESTAMPTZ) THEN answered_at END AS answered_at,
  channel, purpose, count(*) OVER () AS total
FROM fct_contacts
WHERE brand_id = $brand
  AND day >= CAST($from AS DATE) AND day < CAST($to AS DATE)
  AND attempted_at IS NOT NULL
  AND (coalesce(answered_at <= CAST($as_of AS TIMESTAMPTZ), false) OR coalesce(answer_deadline <= CAST($as_of AS TIMESTAMPTZ), false))
  AND NOT coalesce(answered_at <= CAST($as_of AS TIMESTAMPTZ) AND answered_at <= answer_deadline, false)
ORDER BY attempted_at DESC, contact_id
LIMIT $limit
