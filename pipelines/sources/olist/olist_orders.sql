-- The orders stream (DESIGN §3) from olist_seller_orders: order_placed at purchase (dispatch_due_at = latest shipping
-- limit, delivery_due_at = the end of the estimated delivery date), order_paid at approval, order_cancelled for
-- orders whose status is canceled or unavailable. The data has no cancellation time: the cancellation is dated at the
-- last moment the order is known to have been alive (the latest of its timestamps), so that an order cancelled
-- without a carrier hand-over counts as cancelled before dispatch and one handed over first stays judged on its
-- dispatch. Who cancelled is not in the data either: unavailable (the seller could not supply) is the brand,
-- canceled is the platform. Timestamps stay local text; ingest reads them in the source zone.
WITH o AS (
  SELECT
    *,
    strftime(greatest(TRY_CAST(purchased_at AS TIMESTAMP), TRY_CAST(approved_at AS TIMESTAMP),
                      TRY_CAST(carrier_at AS TIMESTAMP), TRY_CAST(delivered_at AS TIMESTAMP)), '%Y-%m-%d %H:%M:%S')
      AS last_known_at,
    coalesce(
      strftime(CAST(TRY_CAST(estimated_delivery AS TIMESTAMP) AS DATE) + INTERVAL 1 DAY - INTERVAL 1 SECOND, '%Y-%m-%d %H:%M:%S'),
      estimated_delivery) AS delivery_due_at
  FROM olist_seller_orders
)
SELECT 'olist:order_placed:' || order_key AS event_id, 'order_placed' AS type, seller_id AS brand_id,
       purchased_at AS occurred_at, order_key AS order_id, amount, quantity, dispatch_due_at, delivery_due_at,
       CAST(NULL AS VARCHAR) AS cancelled_by
FROM o
UNION ALL
SELECT 'olist:order_paid:' || order_key, 'order_paid', seller_id, approved_at, order_key, NULL, NULL, NULL, NULL, NULL
FROM o WHERE approved_at IS NOT NULL
UNION ALL
SELECT 'olist:order_cancelled:' || order_key, 'order_cancelled', seller_id, coalesce(last_known_at, purchased_at), order_key,
       NULL, NULL, NULL, NULL, CASE order_status WHEN 'unavailable' THEN 'brand' ELSE 'platform' END
FROM o WHERE order_status IN ('canceled', 'unavailable')
ORDER BY event_id
