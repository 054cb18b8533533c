-- The reviews stream (DESIGN §3): each Olist review becomes a review_posted for every seller of its order (Olist
-- reviews the order, not the seller). Posted at the customer's answer (review_answer_timestamp), else at the date
-- the survey was sent. review_id is made unique per seller and order, since one Olist review id can cover several.
SELECT 'olist:review_posted:' || r.review_id || ':' || s.order_key AS event_id, 'review_posted' AS type,
       s.seller_id AS brand_id, coalesce(r.review_answer_timestamp, r.review_creation_date) AS occurred_at,
       r.review_id || ':' || s.order_key AS review_id, s.order_key AS order_id, r.review_score AS score
FROM olist_reviews r
JOIN olist_seller_orders s ON s.order_id = r.order_id
ORDER BY event_id
