-- One row per touched contact attempt (DESIGN §3, §5 contact_failure_rate): answer deadline = 1 business day after the attempt (§4).
-- Mergeable (facts.ts): the aggregate of the events newer than the watermark ({{since}}) is merged with the stored row ({{old}}, empty on a full rebuild).
WITH fresh AS (
  SELECT
    contact_id,
    arg_min(brand_id, (type <> 'contact_attempted', occurred_at)) AS brand_id,
    min(occurred_at) AS first_event_at,
    min(occurred_at) FILTER (type = 'contact_attempted') AS attempted_at,
    arg_min(channel, occurred_at) FILTER (type = 'contact_attempted') AS channel,
    arg_min(purpose, occurred_at) FILTER (type = 'contact_attempted') AS purpose,
    min(occurred_at) FILTER (type = 'contact_answered') AS answered_at,
    max(occurred_at) AS last_event_at,
    max(ingest_batch) AS last_batch
  FROM raw_contacts
  WHERE ingest_batch > {{since}}
  GROUP BY contact_id
),
contacts AS (
  SELECT
    contact_id,
    -- The brand of the first attempt, else of the first event.
    CASE
      WHEN o.attempted_at IS NOT NULL OR n.attempted_at IS NOT NULL
        THEN first_of(o.attempted_at, o.brand_id, n.attempted_at, n.brand_id)
      ELSE first_of(o.first_event_at, o.brand_id, n.first_event_at, n.brand_id)
    END AS brand_id,
    least(o.first_event_at, n.first_event_at) AS first_event_at,
    least(o.attempted_at, n.attempted_at) AS attempted_at,
    first_of(o.attempted_at, o.channel, n.attempted_at, n.channel) AS channel,
    first_of(o.attempted_at, o.purpose, n.attempted_at, n.purpose) AS purpose,
    least(o.answered_at, n.answered_at) AS answered_at,
    greatest(o.last_event_at, n.last_event_at) AS last_event_at,
    greatest(o.last_batch, n.last_batch) AS last_batch
  FROM fresh n
  FULL JOIN {{old}} o USING (contact_id)
),
timed AS (
  SELECT
    c.*,
    attempted.day AS day,
    business_date_ordinal_at(c.attempted_at, attempted)
      AS attempted_ordinal
  FROM contacts c
  LEFT JOIN business_calendar_slots attempted ON attempted.slot = business_slot(c.attempted_at)
)
SELECT
  t.contact_id, t.brand_id, t.day, t.attempted_at, t.channel, t.purpose, t.answered_at,
  d.close_at AS answer_deadline,
  t.last_event_at, t.last_batch, t.first_event_at
FROM timed t
LEFT JOIN business_days d ON d.ordinal = t.attempted_ordinal + 1
