-- Facts as mergeable state (metrics/facts/README.md): a refresh folds only the raw events newer than the
-- watermark into the stored fact rows instead of re-reading every event of a touched entity. Every fact column is
-- a min, max, count or "value of the first/last event" of the entity's events, so the old row and the new events'
-- aggregate combine exactly, except where the stored row lacks the ordering key of such a choice; these columns
-- keep those keys:
--   first_event_at        the entity's earliest event of any type: decides its brand (and a claim's order) while
--                         the opening event is missing (inquiries, claims, contacts)
--   first_order_event_at  orders: earliest raw_orders event (NULL when only shipment events are known), and
--   first_shipment_event_at    earliest shipment event: the brand of an order without its order_placed event
--   last_stage_at         claims: latest claim_stage_changed, which decides last_stage
ALTER TABLE fct_orders ADD COLUMN first_order_event_at TIMESTAMPTZ;
ALTER TABLE fct_orders ADD COLUMN first_shipment_event_at TIMESTAMPTZ;
ALTER TABLE fct_inquiries ADD COLUMN first_event_at TIMESTAMPTZ;
ALTER TABLE fct_claims ADD COLUMN first_event_at TIMESTAMPTZ;
ALTER TABLE fct_claims ADD COLUMN last_stage_at TIMESTAMPTZ;
ALTER TABLE fct_contacts ADD COLUMN first_event_at TIMESTAMPTZ;

-- Facts built before this migration get their keys from the raw events once, so the next refresh can merge.
UPDATE fct_orders f SET first_order_event_at = r.first_at
FROM (SELECT order_id, min(occurred_at) AS first_at FROM raw_orders GROUP BY order_id) r
WHERE r.order_id = f.order_id;
UPDATE fct_orders f SET first_shipment_event_at = r.first_at
FROM (SELECT order_id, min(occurred_at) AS first_at FROM raw_shipments GROUP BY order_id) r
WHERE r.order_id = f.order_id;
UPDATE fct_inquiries f SET first_event_at = r.first_at
FROM (SELECT inquiry_id, min(occurred_at) AS first_at FROM raw_inquiries GROUP BY inquiry_id) r
WHERE r.inquiry_id = f.inquiry_id;
UPDATE fct_claims f SET first_event_at = r.first_at, last_stage_at = r.last_stage_at
FROM (
  SELECT claim_id, min(occurred_at) AS first_at, max(occurred_at) FILTER (type = 'claim_stage_changed') AS last_stage_at
  FROM raw_claims GROUP BY claim_id
) r
WHERE r.claim_id = f.claim_id;
UPDATE fct_contacts f SET first_event_at = r.first_at
FROM (SELECT contact_id, min(occurred_at) AS first_at FROM raw_contacts GROUP BY contact_id) r
WHERE r.contact_id = f.contact_id;

-- What business_calendar was installed from, so a refresh reinstalls it only when the settings or the range it
-- needs changed (metrics/refresh.ts). One row; absent until the first refresh.
CREATE TABLE calendar_state (
  id INTEGER NOT NULL, range_from DATE NOT NULL, range_to DATE NOT NULL, fingerprint VARCHAR NOT NULL
);
