-- Overdue inquiries of one brand (DESIGN §5 overdue_unanswered): opened by as_of (in the window or before), answered by no one and not closed at as_of, past their answer deadline; oldest deadline first.
SELECT
  inquiry_id, opened_at, answer_deadline, channel, category, order_id, count(*) OVER () AS total
FROM fct_inquiries
WHERE brand_id = $brand
  AND opened_at <= CAST($as_of AS TIMESTAMPTZ)
  AND NOT coalesce(first_answer_at <= CAST($as_of AS TIMESTAMPTZ), false)
  AND NOT coalesce(closed_at <= CAST($as_of AS TIMESTAMPTZ), false)
  AND coalesce(answer_deadline < CAST($as_of AS TIMESTAMPTZ), false)
ORDER BY answer_deadline, inquiry_id
LIMIT $limit
