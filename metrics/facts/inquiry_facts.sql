-- One row per touched inquiry, folded from all its events in whatever order they arrived (DESIGN §3, §5 sla_rate): answer deadline = 2 business days after opening (§4); answer_time_bh = business hours from opening to the first brand answer.
WITH inquiries AS (
  SELECT
    inquiry_id,
    arg_min(brand_id, (type <> 'inquiry_opened', occurred_at)) AS brand_id,
    min(occurred_at) FILTER (type = 'inquiry_opened') AS opened_at,
    arg_min(channel, occurred_at) FILTER (type = 'inquiry_opened') AS channel,
    arg_min(category, occurred_at) FILTER (type = 'inquiry_opened') AS category,
    arg_min(order_id, occurred_at) FILTER (type = 'inquiry_opened') AS order_id,
    min(occurred_at) FILTER (type = 'inquiry_answered') AS first_answer_at,
    -- On a tie the brand's answer counts as first: the platform did not have to take over.
    arg_min(responder, (occurred_at, responder <> 'brand')) FILTER (type = 'inquiry_answered') AS first_responder,
    min(occurred_at) FILTER (type = 'inquiry_answered' AND responder = 'brand') AS first_brand_answer_at,
    count(*) FILTER (type = 'inquiry_answered') AS answers,
    min(occurred_at) FILTER (type = 'inquiry_closed') AS closed_at,
    max(occurred_at) AS last_event_at,
    max(ingest_batch) AS last_batch
  FROM raw_inquiries
  WHERE inquiry_id IN (SELECT inquiry_id FROM touched_inquiries)
  GROUP BY inquiry_id
),
timed AS (
  SELECT
    i.*,
    opened.day AS day,
    business_date_ordinal_at(i.opened_at, opened)
      AS opened_ordinal,
    business_seconds_at(i.opened_at, opened)
      AS opened_seconds,
    business_seconds_at(i.first_brand_answer_at, answered) AS answered_seconds
  FROM inquiries i
  ASOF LEFT JOIN business_calendar opened ON i.opened_at >= opened.day_start
  ASOF LEFT JOIN business_calendar answered ON i.first_brand_answer_at >= answered.day_start
)
SELECT
  t.inquiry_id, t.brand_id, t.day, t.opened_at, t.channel, t.category, t.order_id,
  t.first_answer_at, t.first_responder, t.first_brand_answer_at, t.answers, t.closed_at,
  d.close_at AS answer_deadline,
  CASE WHEN t.opened_seconds IS NOT NULL AND t.answered_seconds IS NOT NULL
    THEN business_hours_between(t.opened_seconds, t.answered_seconds) END AS answer_time_bh,
  t.last_event_at, t.last_batch
FROM timed t
LEFT JOIN business_days d ON d.ordinal = t.opened_ordinal + 2
