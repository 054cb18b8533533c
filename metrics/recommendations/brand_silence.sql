-- Unreachable rule (DESIGN §6), per brand at $as_of: the latest brand answer to anything — the first brand answer of an inquiry, or the answer to a contact — and the brand's first contact attempt, from which the silence of a brand that never answered is counted.
WITH answers AS (
  SELECT brand_id, max(first_brand_answer_at) AS answered_at
  FROM fct_inquiries
  WHERE first_brand_answer_at <= CAST($as_of AS TIMESTAMPTZ)
  GROUP BY brand_id
  UNION ALL
  SELECT brand_id, max(answered_at)
  FROM fct_contacts
  WHERE answered_at <= CAST($as_of AS TIMESTAMPTZ)
  GROUP BY brand_id
),
last_answers AS (SELECT brand_id, max(answered_at) AS last_brand_answer_at FROM answers GROUP BY brand_id),
first_attempts AS (
  SELECT brand_id, min(attempted_at) AS first_attempt_at
  FROM fct_contacts
  WHERE attempted_at <= CAST($as_of AS TIMESTAMPTZ)
  GROUP BY brand_id
)
SELECT coalesce(a.brand_id, t.brand_id) AS brand_id, a.last_brand_answer_at, t.first_attempt_at
FROM last_answers a
FULL JOIN first_attempts t ON t.brand_id = a.brand_id
