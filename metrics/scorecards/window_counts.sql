-- Counts of a window from the brand_day rollup (DESIGN §5 orders_placed, inquiries_opened, contacts_attempted, claims_opened, reviews_count, avg_review_score, negative_review_rate, and the numerators fixed at an entity's first event): exact, since they depend only on that first event, dated within the window.
SELECT
  brand_id,
  sum(orders_placed) AS orders_placed,
  sum(inquiries_opened) AS inquiries_opened,
  sum(contacts_attempted) AS contacts_attempted,
  sum(claims_opened) AS claims_opened,
  sum(defect_claims) AS defect_claims,
  sum(reviews_count) AS reviews_count,
  sum(review_score_sum) AS review_score_sum,
  sum(negative_reviews) AS negative_reviews
FROM brand_day
WHERE day >= CAST($from AS DATE) AND day < CAST($to AS DATE)
GROUP BY brand_id
