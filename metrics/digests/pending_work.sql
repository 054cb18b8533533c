-- Each brand's pending work at $as_of, for its morning digest (DESIGN §1, §8; metrics/digests/README.md). Orders awaiting dispatch: placed by as_of, neither dispatched nor cancelled by then; past deadline when dispatch_deadline < as_of. Unanswered inquiries: opened by as_of, answered by no one and not closed by then (open_unanswered of §5); overdue when the 2-business-day deadline < as_of, due today when it falls in [as_of, $today_close]. Open claims waiting on the brand: opened by as_of, not closed, last stage neither completed nor rejected, and no stage handled by the platform (a takeover is no longer the brand's to do); overdue when older than 3 business days. Contacts awaiting a reply: attempted by as_of and not answered by then; overdue past the 1-business-day deadline. Oldest of each: the earliest opened, ties by id. Only brands with something pending.
WITH orders AS (
  SELECT
    brand_id,
    count(*) AS n,
    count(*) FILTER (dispatch_deadline < $as_of) AS overdue,
    count(*) FILTER (dispatch_deadline >= $as_of AND dispatch_deadline <= $today_close) AS due_today,
    arg_min(order_id, (placed_at, order_id)) AS oldest_id,
    min(placed_at) AS oldest_at,
    arg_min(dispatch_deadline, (placed_at, order_id)) AS oldest_deadline
  FROM fct_orders
  WHERE placed_at <= $as_of
    AND NOT coalesce(dispatched_at <= $as_of, false)
    AND NOT coalesce(cancelled_at <= $as_of, false)
  GROUP BY brand_id
),
inquiries AS (
  SELECT
    brand_id,
    count(*) AS n,
    count(*) FILTER (answer_deadline < $as_of) AS overdue,
    count(*) FILTER (answer_deadline >= $as_of AND answer_deadline <= $today_close) AS due_today,
    arg_min(inquiry_id, (opened_at, inquiry_id)) AS oldest_id,
    min(opened_at) AS oldest_at,
    arg_min(answer_deadline, (opened_at, inquiry_id)) AS oldest_deadline
  FROM fct_inquiries
  WHERE opened_at <= $as_of
    AND NOT coalesce(first_answer_at <= $as_of, false)
    AND NOT coalesce(closed_at <= $as_of, false)
  GROUP BY brand_id
),
claims AS (
  SELECT
    brand_id,
    count(*) AS n,
    count(*) FILTER (overdue_at < $as_of) AS overdue,
    count(*) FILTER (overdue_at >= $as_of AND overdue_at <= $today_close) AS due_today,
    arg_min(claim_id, (opened_at, claim_id)) AS oldest_id,
    min(opened_at) AS oldest_at,
    arg_min(overdue_at, (opened_at, claim_id)) AS oldest_deadline
  FROM fct_claims
  WHERE opened_at <= $as_of
    AND NOT coalesce(closed_at <= $as_of, false)
    AND NOT coalesce(completed_at <= $as_of, false)
    AND NOT coalesce(rejected_at <= $as_of, false)
    AND NOT coalesce(first_platform_stage_at <= $as_of, false)
  GROUP BY brand_id
),
contacts AS (
  SELECT
    brand_id,
    count(*) AS n,
    count(*) FILTER (answer_deadline < $as_of) AS overdue,
    count(*) FILTER (answer_deadline >= $as_of AND answer_deadline <= $today_close) AS due_today,
    arg_min(contact_id, (attempted_at, contact_id)) AS oldest_id,
    min(attempted_at) AS oldest_at,
    arg_min(answer_deadline, (attempted_at, contact_id)) AS oldest_deadline
  FROM fct_contacts
  WHERE attempted_at <= $as_of
    AND NOT coalesce(answered_at <= $as_of, false)
  GROUP BY brand_id
),
pending_brands AS (
  SELECT brand_id FROM orders UNION SELECT brand_id FROM inquiries
  UNION SELECT brand_id FROM claims UNION SELECT brand_id FROM contacts
)
SELECT
  p.brand_id,
  b.name AS brand_name,
  coalesce(o.n, 0) AS orders_n, coalesce(o.overdue, 0) AS orders_overdue, coalesce(o.due_today, 0) AS orders_due_today,
  o.oldest_id AS orders_oldest_id, o.oldest_at AS orders_oldest_at, o.oldest_deadline AS orders_oldest_deadline,
  coalesce(i.n, 0) AS inquiries_n, coalesce(i.overdue, 0) AS inquiries_overdue, coalesce(i.due_today, 0) AS inquiries_due_today,
  i.oldest_id AS inquiries_oldest_id, i.oldest_at AS inquiries_oldest_at, i.oldest_deadline AS inquiries_oldest_deadline,
  coalesce(c.n, 0) AS claims_n, coalesce(c.overdue, 0) AS claims_overdue, coalesce(c.due_today, 0) AS claims_due_today,
  c.oldest_id AS claims_oldest_id, c.oldest_at AS claims_oldest_at, c.oldest_deadline AS claims_oldest_deadline,
  coalesce(k.n, 0) AS contacts_n, coalesce(k.overdue, 0) AS contacts_overdue, coalesce(k.due_today, 0) AS contacts_due_today,
  k.oldest_id AS contacts_oldest_id, k.oldest_at AS contacts_oldest_at, k.oldest_deadline AS contacts_oldest_deadline
FROM pending_brands p
LEFT JOIN brands b USING (brand_id)
LEFT JOIN orders o USING (brand_id)
LEFT JOIN inquiries i USING (brand_id)
LEFT JOIN claims c USING (brand_id)
LEFT JOIN contacts k USING (brand_id)
WHERE ($only IS NULL OR p.brand_id = $only)
ORDER BY p.brand_id
