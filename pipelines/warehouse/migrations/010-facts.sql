-- Facts, daily rollups and materialised scorecards (DESIGN §2, §5). Facts hold one row per entity, rebuilt from
-- all of that entity's raw events whenever a new event touches it, so late and out-of-order events reconcile.
-- Every fact carries `day`: the local date (business time zone) of its first event, which decides the windows
-- it belongs to and the brand_day row it counts in. No primary keys: rows are replaced by DELETE + INSERT inside
-- one transaction, which DuckDB's index constraints handle poorly for the same key.

-- The highest ingest_batch that facts reflect. One row; absent before the first refresh.
CREATE TABLE refresh_state (
  id INTEGER NOT NULL, last_batch BIGINT NOT NULL, refreshed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE fct_orders (
  order_id VARCHAR NOT NULL, brand_id VARCHAR NOT NULL, day DATE,
  placed_at TIMESTAMPTZ, amount BIGINT, quantity BIGINT, paid_at TIMESTAMPTZ,
  cancelled_at TIMESTAMPTZ, cancelled_by VARCHAR,
  dispatched_at TIMESTAMPTZ, carrier VARCHAR, tracking_no VARCHAR, delivered_at TIMESTAMPTZ,
  dispatch_due_at TIMESTAMPTZ, delivery_due_at TIMESTAMPTZ,
  -- The promise the deadline was computed with; kept once the order is dispatched or cancelled (see facts.ts).
  dispatch_days_applied BIGINT, dispatch_deadline TIMESTAMPTZ, dispatch_time_bh DOUBLE,
  shipping_issues BIGINT NOT NULL, first_shipping_issue_at TIMESTAMPTZ, first_shipping_issue VARCHAR,
  address_changes_by_customer BIGINT NOT NULL, address_changes_by_platform BIGINT NOT NULL,
  last_event_at TIMESTAMPTZ NOT NULL, last_batch BIGINT NOT NULL
);

CREATE TABLE fct_inquiries (
  inquiry_id VARCHAR NOT NULL, brand_id VARCHAR NOT NULL, day DATE,
  opened_at TIMESTAMPTZ, channel VARCHAR, category VARCHAR, order_id VARCHAR,
  first_answer_at TIMESTAMPTZ, first_responder VARCHAR, first_brand_answer_at TIMESTAMPTZ, answers BIGINT NOT NULL,
  closed_at TIMESTAMPTZ, answer_deadline TIMESTAMPTZ, answer_time_bh DOUBLE,
  last_event_at TIMESTAMPTZ NOT NULL, last_batch BIGINT NOT NULL
);

CREATE TABLE fct_claims (
  claim_id VARCHAR NOT NULL, brand_id VARCHAR NOT NULL, day DATE, order_id VARCHAR,
  opened_at TIMESTAMPTZ, claim_type VARCHAR, reason VARCHAR,
  requested_at TIMESTAMPTZ, collecting_at TIMESTAMPTZ, inspecting_at TIMESTAMPTZ, processing_at TIMESTAMPTZ,
  completed_at TIMESTAMPTZ, rejected_at TIMESTAMPTZ, last_stage VARCHAR,
  first_platform_stage_at TIMESTAMPTZ, closed_at TIMESTAMPTZ, outcome VARCHAR,
  overdue_at TIMESTAMPTZ, claim_resolution_bh DOUBLE,
  last_event_at TIMESTAMPTZ NOT NULL, last_batch BIGINT NOT NULL
);

CREATE TABLE fct_contacts (
  contact_id VARCHAR NOT NULL, brand_id VARCHAR NOT NULL, day DATE,
  attempted_at TIMESTAMPTZ, channel VARCHAR, purpose VARCHAR, answered_at TIMESTAMPTZ, answer_deadline TIMESTAMPTZ,
  last_event_at TIMESTAMPTZ NOT NULL, last_batch BIGINT NOT NULL
);

CREATE TABLE fct_reviews (
  review_id VARCHAR NOT NULL, brand_id VARCHAR NOT NULL, day DATE, order_id VARCHAR,
  posted_at TIMESTAMPTZ NOT NULL, score BIGINT,
  last_batch BIGINT NOT NULL
);

-- Brand × local day, counted by each entity's first event. Status columns (answered, dispatched, …) reflect
-- every event known at the last refresh, not a window's as_of; scorecards read only the first-event counts.
CREATE TABLE brand_day (
  brand_id VARCHAR NOT NULL, day DATE NOT NULL,
  orders_placed BIGINT NOT NULL, order_amount BIGINT NOT NULL, orders_paid BIGINT NOT NULL,
  orders_cancelled BIGINT NOT NULL, orders_cancelled_by_brand BIGINT NOT NULL, orders_dispatched BIGINT NOT NULL,
  orders_delivered BIGINT NOT NULL, orders_with_shipping_issue BIGINT NOT NULL, address_changes BIGINT NOT NULL,
  inquiries_opened BIGINT NOT NULL, inquiries_answered BIGINT NOT NULL, inquiries_answered_by_brand BIGINT NOT NULL,
  inquiries_taken_over BIGINT NOT NULL,
  contacts_attempted BIGINT NOT NULL, contacts_answered BIGINT NOT NULL,
  claims_opened BIGINT NOT NULL, defect_claims BIGINT NOT NULL, claims_platform_handled BIGINT NOT NULL,
  claims_closed BIGINT NOT NULL,
  reviews_count BIGINT NOT NULL, review_score_sum BIGINT NOT NULL, negative_reviews BIGINT NOT NULL
);

-- Scorecards of the standard trailing windows, replaced on every refresh. `scorecard` is the JSON object the
-- API serves (metrics/scorecards/schema.ts).
CREATE TABLE scorecards (
  window_days INTEGER NOT NULL, window_from DATE NOT NULL, window_to DATE NOT NULL, as_of TIMESTAMPTZ NOT NULL,
  brand_id VARCHAR NOT NULL, scorecard VARCHAR NOT NULL, computed_at TIMESTAMPTZ NOT NULL
);
