-- One row per touched inquiry, folded from all its events in whatever order they arrived (DESIGN §3, §5 sla_rate): answer deadline = 2 business days after opening (§4); answer_time_bh = business hours from opening to the first brand answer.
-- Mergeable (facts.ts): the aggregate of the events newer than the watermark ({{since}}) is merged with the stored row ({{old}}, empty on a full rebuild), which equals folding all of the inquiry's events at once.
WITH fresh AS (
  SELECT
    inquiry_id,
    arg_min(brand_id, (type <> 'inquiry_opened', occurred_at)) AS brand_id,
    min(occurred_at) AS first_event_at,
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
  WHERE ingest_batch > {{since}}
  GROUP BY inquiry_id
),
inquiries AS (
  SELECT
    inquiry_id,
    -- The brand of the first inquiry_opened, else of the first event.
    CASE
      WHEN o.opened_at IS NOT NULL OR n.opened_at IS NOT NULL THEN first_of(o.opened_at, o.brand_id, n.opened_at, n.brand_id)
      ELSE first_of(o.first_event_at, o.brand_id, n.first_event_at, n.brand_id)
    END AS brand_id,
    least(o.first_event_at, n.first_event_at) AS first_event_at,
    least(o.opened_at, n.opened_at) AS opened_at,
    first_of(o.opened_at, o.channel, n.opened_at, n.channel) AS channel,
    first_of(o.opened_at, o.category, n.opened_at, n.category) AS category,
    first_of(o.opened_at, o.order_id, n.opened_at, n.order_id) AS order_id,
    least(o.first_answer_at, n.first_answer_at) AS first_answer_at,
    -- Same tie rule as above: at equal times the brand's answer wins.
    CASE
      WHEN n.first_answer_at IS NULL THEN coalesce(o.first_responder, n.first_responder)
      WHEN o.first_answer_at IS NULL THEN coalesce(n.first_responder, o.first_responder)
      WHEN n.first_answer_at < o.first_answer_at
        OR (n.first_answer_at = o.first_answer_at AND o.first_responder <> 'brand' AND n.first_responder = 'brand')
        THEN coalesce(n.first_responder, o.first_responder)
      ELSE coalesce(o.first_responder, n.first_responder)
    END AS first_responder,
    least(o.first_brand_answer_at, n.first_brand_answer_at) AS first_brand_answer_at,
    coalesce(o.answers, 0) + coalesce(n.answers, 0) AS answers,
    least(o.closed_at, n.closed_at) AS closed_at,
    greatest(o.last_event_at, n.last_event_at) AS last_event_at,
    greatest(o.last_batch, n.last_batch) AS last_batch
  FROM fresh n
  FULL JOIN {{old}} o USING (inquiry_id)
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
  LEFT JOIN business_calendar_slots opened ON opened.slot = business_slot(i.opened_at)
  LEFT JOIN business_calendar_slots answered ON answered.slot = business_slot(i.first_brand_answer_at)
)
SELECT
  t.inquiry_id, t.brand_id, t.day, t.opened_at, t.channel, t.category, t.order_id,
  t.first_answer_at, t.first_responder, t.first_brand_answer_at, t.answers, t.closed_at,
  d.close_at AS answer_deadline,
  CASE WHEN t.opened_seconds IS NOT NULL AND t.answered_seconds IS NOT NULL
    THEN business_hours_between(t.opened_seconds, t.answered_seconds) END AS answer_time_bh,
  t.last_event_at, t.last_batch, t.first_event_at
FROM timed t
LEFT JOIN business_days d ON d.ordinal = t.opened_ordinal + 2
