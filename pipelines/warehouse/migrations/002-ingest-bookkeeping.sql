-- What came in, what was refused and what ran: the audit trail of every file, request and job.

-- One row per file seen by the inbox or `brandscore ingest`, including repeats (outcome already_ingested) and
-- files that could not be read (outcome failed, with the error).
CREATE TABLE ingested_files (
  batch_id BIGINT NOT NULL, path VARCHAR NOT NULL, stream VARCHAR, format VARCHAR, size_bytes BIGINT NOT NULL,
  sha256 VARCHAR NOT NULL, rows_read BIGINT NOT NULL DEFAULT 0, rows_accepted BIGINT NOT NULL DEFAULT 0,
  rows_duplicate BIGINT NOT NULL DEFAULT 0, rows_rejected BIGINT NOT NULL DEFAULT 0,
  outcome VARCHAR NOT NULL, error VARCHAR, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ NOT NULL
);

-- Rows that failed validation, kept with where they came from and why. `line` is the line in a CSV or NDJSON
-- file, the 1-based row in Parquet or Arrow, the 0-based index in an HTTP request body.
CREATE TABLE quarantine (
  batch_id BIGINT NOT NULL, stream VARCHAR NOT NULL, source VARCHAR NOT NULL, line BIGINT, field VARCHAR,
  reason VARCHAR NOT NULL, raw VARCHAR, quarantined_at TIMESTAMPTZ NOT NULL
);

CREATE SEQUENCE job_run_seq START 1;
CREATE TABLE job_runs (
  run_id BIGINT PRIMARY KEY, job VARCHAR NOT NULL, trigger VARCHAR NOT NULL, started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ, outcome VARCHAR NOT NULL, rows_in BIGINT, rows_accepted BIGINT, rows_duplicate BIGINT,
  rows_rejected BIGINT, error VARCHAR, details VARCHAR
);
