-- Counts of every window in scorecard_windows from the brand_day rollup (DESIGN §5 orders_placed, inquiries_opened, contacts_attempted, claims_opened, reviews_count, avg_review_score, negative_review_rate, and the numerators fixed at an entity's first event): exact, since they depend only on that first event, dated within the window. The sums are cast back to BIGINT (they fit): a HUGEINT column costs more to hand to JavaScript than the query itself.
SELECT
  p.w,
  d.brand_id,
  CAST(sum(d.orders_placed) AS BIGINT) AS orders_placed,
  CAST(sum(d.inquiries_opened) AS BIGINT) AS inquiries_opened,
  CAST(sum(d.contacts_attempted) AS BIGINT) AS contacts_attempted,
  CAST(sum(d.claims_opened) AS BIGINT) AS claims_opened,
  CAST(sum(d.defect_claims) AS BIGINT) AS defect_claims,
  CAST(sum(d.reviews_count) AS BIGINT) AS reviews_count,
  CAST(sum(d.review_score_sum) AS BIGINT) AS review_score_sum,
  CAST(sum(d.negative_reviews) AS BIGINT) AS negative_reviews
FROM brand_day d
JOIN scorecard_window_days p ON p.day = d.day AND p.brand = window_brand(d.brand_id)
WHERE in_scorecard_scope(d.brand_id)
GROUP BY p.w, d.brand_id
