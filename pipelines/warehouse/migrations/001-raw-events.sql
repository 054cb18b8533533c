-- Raw events: one append-only table per stream (DESIGN §2, §3). Rows are never updated or deleted; a
-- re-delivered event_id is counted as a duplicate at ingest and not stored. Columns mirror the zod contract
-- in pipelines/contracts (tests/pipelines/warehouse.test.ts checks that they agree). ingest_batch says which
-- file or request brought the row, so facts can be rebuilt for what is new since the last refresh.

CREATE SEQUENCE ingest_batch_seq START 1;

CREATE TABLE raw_orders (
  event_id VARCHAR NOT NULL, type VARCHAR NOT NULL, brand_id VARCHAR NOT NULL, occurred_at TIMESTAMPTZ NOT NULL,
  order_id VARCHAR NOT NULL, amount BIGINT, quantity BIGINT, dispatch_due_at TIMESTAMPTZ, delivery_due_at TIMESTAMPTZ,
  cancelled_by VARCHAR, changed_by VARCHAR,
  ingest_batch BIGINT NOT NULL
);

CREATE TABLE raw_shipments (
  event_id VARCHAR NOT NULL, type VARCHAR NOT NULL, brand_id VARCHAR NOT NULL, occurred_at TIMESTAMPTZ NOT NULL,
  order_id VARCHAR NOT NULL, carrier VARCHAR, tracking_no VARCHAR, issue VARCHAR,
  ingest_batch BIGINT NOT NULL
);

CREATE TABLE raw_inquiries (
  event_id VARCHAR NOT NULL, type VARCHAR NOT NULL, brand_id VARCHAR NOT NULL, occurred_at TIMESTAMPTZ NOT NULL,
  inquiry_id VARCHAR NOT NULL, channel VARCHAR, category VARCHAR, order_id VARCHAR, responder VARCHAR,
  ingest_batch BIGINT NOT NULL
);

CREATE TABLE raw_claims (
  event_id VARCHAR NOT NULL, type VARCHAR NOT NULL, brand_id VARCHAR NOT NULL, occurred_at TIMESTAMPTZ NOT NULL,
  claim_id VARCHAR NOT NULL, order_id VARCHAR NOT NULL, claim_type VARCHAR, reason VARCHAR, stage VARCHAR,
  handled_by VARCHAR, outcome VARCHAR,
  ingest_batch BIGINT NOT NULL
);

CREATE TABLE raw_contacts (
  event_id VARCHAR NOT NULL, type VARCHAR NOT NULL, brand_id VARCHAR NOT NULL, occurred_at TIMESTAMPTZ NOT NULL,
  contact_id VARCHAR NOT NULL, channel VARCHAR, purpose VARCHAR,
  ingest_batch BIGINT NOT NULL
);

CREATE TABLE raw_reviews (
  event_id VARCHAR NOT NULL, type VARCHAR NOT NULL, brand_id VARCHAR NOT NULL, occurred_at TIMESTAMPTZ NOT NULL,
  review_id VARCHAR NOT NULL, order_id VARCHAR NOT NULL, score BIGINT,
  ingest_batch BIGINT NOT NULL
);

-- Reference data, upserted by brand_id. Events of a brand not listed here are kept; the brand shows as unknown.
CREATE TABLE brands (
  brand_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, status VARCHAR NOT NULL, onboarded_at DATE,
  dispatch_days BIGINT NOT NULL DEFAULT 2, cs_phone VARCHAR, cs_email VARCHAR, return_address VARCHAR,
  category VARCHAR,
  ingest_batch BIGINT NOT NULL, updated_at TIMESTAMPTZ NOT NULL
);
