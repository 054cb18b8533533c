-- The brands with the highest value of one rate metric (DESIGN §5) in a materialised scorecard window, with its 95% Wilson interval and volume, read from the stored scorecard JSON; ties by volume, then brand_id. For the scorecards chart: at 20,000 brands, parsing every scorecard in JavaScript to keep 15 cost seconds.
WITH rates AS (
  SELECT brand_id, scorecard->'brand'->>'name' AS name, json_extract(scorecard, '$.metrics.' || $metric) AS rate
  FROM scorecards
  WHERE window_from = CAST($from AS DATE) AND window_to = CAST($to AS DATE) AND ($only IS NULL OR brand_id = $only)
),
typed AS (
  SELECT
    brand_id,
    name,
    TRY_CAST(rate->>'value' AS DOUBLE) AS value,
    TRY_CAST(rate->>'wilson_low' AS DOUBLE) AS low,
    TRY_CAST(rate->>'wilson_high' AS DOUBLE) AS high,
    CAST(rate->>'numerator' AS BIGINT) AS numerator,
    CAST(rate->>'denominator' AS BIGINT) AS denominator
  FROM rates
)
SELECT brand_id, name, value, low, high, numerator, denominator
FROM typed
WHERE value IS NOT NULL AND low IS NOT NULL AND high IS NOT NULL
ORDER BY value DESC, denominator DESC, brand_id
LIMIT $limit
