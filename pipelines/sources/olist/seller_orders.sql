-- One row per (Olist order, seller): the order brandscore sees for that seller. Grain: order_id × seller_id of olist_items.
-- order_key is the brandscore order id (an Olist order split between sellers is one order per seller); dispatch_due_at is
-- the latest shipping limit of the seller's items (text as it came, so that a malformed value reaches validation and
-- quarantine rather than disappearing), amount the items' prices in centavos, quantity the number of items.
CREATE OR REPLACE TEMP TABLE olist_seller_orders AS
SELECT
  i.order_id,
  i.seller_id,
  i.order_id || '-' || i.seller_id AS order_key,
  count(*) AS quantity,
  CAST(round(sum(TRY_CAST(i.price AS DECIMAL(18, 2))) * 100) AS BIGINT) AS amount,
  coalesce(arg_max(i.shipping_limit_date, TRY_CAST(i.shipping_limit_date AS TIMESTAMP)), max(i.shipping_limit_date))
    AS dispatch_due_at,
  o.order_status,
  o.order_purchase_timestamp AS purchased_at,
  o.order_approved_at AS approved_at,
  o.order_delivered_carrier_date AS carrier_at,
  o.order_delivered_customer_date AS delivered_at,
  o.order_estimated_delivery_date AS estimated_delivery
FROM olist_items i
JOIN olist_orders o ON o.order_id = i.order_id
WHERE i.seller_id IS NOT NULL AND trim(i.seller_id) <> ''
GROUP BY ALL
