-- Which sources of the scorecard metrics (DESIGN §5) the installation has ever received: a metric whose source never sent anything (no inquiry, contact, claim, shipping issue or review at all, as with the Olist data) is "no data", not zero. Each EXISTS stops at its first row.
SELECT
  EXISTS (SELECT 1 FROM fct_orders) AS orders,
  EXISTS (SELECT 1 FROM fct_orders WHERE shipping_issues > 0) AS shipping_issues,
  EXISTS (SELECT 1 FROM fct_inquiries) AS inquiries,
  EXISTS (SELECT 1 FROM fct_contacts) AS contacts,
  EXISTS (SELECT 1 FROM fct_claims) AS claims,
  EXISTS (SELECT 1 FROM fct_reviews) AS reviews
