-- The shipments stream (DESIGN §3) from olist_seller_orders: dispatched at the carrier hand-over, delivered at the
-- customer delivery. Olist records one hand-over per order, so every seller of an order shares it. The data names
-- no carrier or tracking number: carrier 'unknown', tracking_no the order's key. A delivered order without a
-- hand-over date is dispatched at its delivery time (the latest it can have been handed over) rather than left
-- "never dispatched", which would count it as late.
SELECT 'olist:dispatched:' || order_key AS event_id, 'dispatched' AS type, seller_id AS brand_id,
       coalesce(carrier_at, delivered_at) AS occurred_at, order_key AS order_id, 'unknown' AS carrier, order_key AS tracking_no
FROM olist_seller_orders WHERE carrier_at IS NOT NULL OR delivered_at IS NOT NULL
UNION ALL
SELECT 'olist:delivered:' || order_key, 'delivered', seller_id, delivered_at, order_key, NULL, NULL
FROM olist_seller_orders WHERE delivered_at IS NOT NULL
ORDER BY event_id
