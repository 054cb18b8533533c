-- The brands reference data (DESIGN §3): one brand per Olist seller. The data has no seller names: the name is the
-- seller id's first 8 characters with the seller's city and state. Status active; dispatch_days is not used for
-- these orders since every one carries its own dispatch deadline (shipping_limit_date).
SELECT seller_id AS brand_id,
       'Olist seller ' || left(seller_id, 8) || ' (' || coalesce(seller_city, '?') || ', ' || coalesce(seller_state, '?') || ')' AS name,
       'active' AS status,
       CAST(NULL AS VARCHAR) AS onboarded_at
FROM olist_sellers
WHERE seller_id IS NOT NULL AND trim(seller_id) <> ''
ORDER BY brand_id
