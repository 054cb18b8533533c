-- Morning digests and staff alerts, and their delivery (DESIGN §7, §8; README "Digests, alerts and delivery").

-- One row per business date on which the digest job ran to the end, whether or not any brand had work pending:
-- the job runs once a date and catches up later the same day after a restart.
CREATE TABLE digest_runs (
  digest_date DATE PRIMARY KEY, as_of TIMESTAMPTZ NOT NULL, brands BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL
);

-- The digest of one brand for one business date, frozen once made: `body` is the JSON sent (text in Korean and
-- English inside). A brand with nothing pending has no row.
CREATE TABLE digests (
  digest_date DATE NOT NULL, brand_id VARCHAR NOT NULL, message_id VARCHAR NOT NULL, as_of TIMESTAMPTZ NOT NULL,
  body VARCHAR NOT NULL, created_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (digest_date, brand_id)
);

-- Every message to go out (digests and staff alerts). `message_id` is the idempotency key the webhook receives:
-- deterministic (digest:DATE:BRAND, alert:KIND:KEY) and written here, with the exact body bytes, before the first
-- send, so a crash or restart resends the same body under the same key and never mints a second one.
-- status: pending (to be sent), delivered, dead (attempts exhausted; staff may retry), stored (no webhook
-- configured: the outbox table and file are the delivery). retry_base: attempts made before the last requeue by
-- staff; the message goes dead when attempts - retry_base reaches the webhook's maxAttempts.
CREATE TABLE outbox (
  message_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, brand_id VARCHAR, digest_date DATE, body VARCHAR NOT NULL,
  status VARCHAR NOT NULL, attempts INTEGER NOT NULL, retry_base INTEGER NOT NULL,
  next_attempt_at TIMESTAMPTZ NOT NULL, last_attempt_at TIMESTAMPTZ, last_http_status INTEGER, last_error VARCHAR,
  file_path VARCHAR, created_at TIMESTAMPTZ NOT NULL, delivered_at TIMESTAMPTZ, dead_at TIMESTAMPTZ
);

-- One row per webhook attempt, written before the request goes out; finished_at stays NULL for an attempt whose
-- process died before it could record the answer.
CREATE TABLE delivery_attempts (
  message_id VARCHAR NOT NULL, attempt INTEGER NOT NULL, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ,
  http_status INTEGER, error VARCHAR
);
