-- Retraining signal (DESIGN §6): per brand, inquiries opened on local days [$from, $to) and those of category partner_system among them.
SELECT
  brand_id,
  count(*) AS inquiries_opened,
  count(*) FILTER (category = 'partner_system') AS partner_system_inquiries
FROM fct_inquiries
WHERE day >= CAST($from AS DATE) AND day < CAST($to AS DATE) AND opened_at IS NOT NULL
GROUP BY brand_id
