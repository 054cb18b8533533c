-- One row per touched contact attempt (DESIGN §3, §5 contact_failure_rate): answer deadline = 1 business day after the attempt (§4).
WITH contacts AS (
  SELECT
    contact_id,
    arg_min(brand_id, (type <> 'contact_attempted', occurred_at)) AS brand_id,
    min(occurred_at) FILTER (type = 'contact_attempted') AS attempted_at,
    arg_min(channel, occurred_at) FILTER (type = 'contact_attempted') AS channel,
    arg_min(purpose, occurred_at) FILTER (type = 'contact_attempted') AS purpose,
    min(occurred_at) FILTER (type = 'contact_answered') AS answered_at,
    max(occurred_at) AS last_event_at,
    max(ingest_batch) AS last_batch
  FROM raw_contacts
  WHERE contact_id IN (SELECT contact_id FROM touched_contacts)
  GROUP BY contact_id
),
timed AS (
  SELECT
    c.*,
    attempted.day AS day,
    business_date_ordinal_at(c.attempted_at, attempted)
      AS attempted_ordinal
  FROM contacts c
  ASOF LEFT JOIN business_calendar attempted ON c.attempted_at >= attempted.day_start
)
SELECT
  t.contact_id, t.brand_id, t.day, t.attempted_at, t.channel, t.purpose, t.answered_at,
  d.close_at AS answer_deadline,
  t.last_event_at, t.last_batch
FROM timed t
LEFT JOIN business_days d ON d.ordinal = t.attempted_ordinal + 1
