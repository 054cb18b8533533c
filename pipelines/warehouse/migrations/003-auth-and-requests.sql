-- Who may use the API, and what came in through it (DESIGN §7, §9).

-- API tokens: only the SHA-256 of a token is stored, so a copy of the database file gives no access. role is one
-- of admin, merchandiser, onboarding, manager, ingest, brand; brand_id is set for (and only for) brand tokens.
CREATE TABLE api_tokens (
  token_hash VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, brand_id VARCHAR, label VARCHAR,
  created_at TIMESTAMPTZ NOT NULL, revoked_at TIMESTAMPTZ
);

-- One-time login codes printed by `serve` for the pages: hashed, short-lived, usable once (used_at).
CREATE TABLE login_codes (
  code_hash VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, brand_id VARCHAR, created_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL, used_at TIMESTAMPTZ
);

-- Page sessions behind the HttpOnly cookie, hashed like tokens; a session acts with the role of the token or code
-- it was exchanged for.
CREATE TABLE sessions (
  session_hash VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, brand_id VARCHAR, created_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);

-- One row per POST /api/ingest/:stream, the HTTP counterpart of ingested_files. outcome: ingested, rejected
-- (atomic request with invalid rows: nothing stored), failed (body unreadable). Quarantined rows carry the same
-- batch_id and source 'http:<request_id>'.
CREATE TABLE ingest_requests (
  batch_id BIGINT NOT NULL, request_id VARCHAR NOT NULL, stream VARCHAR NOT NULL, token_role VARCHAR,
  token_brand VARCHAR, content_type VARCHAR, size_bytes BIGINT NOT NULL, atomic BOOLEAN NOT NULL,
  rows_read BIGINT NOT NULL DEFAULT 0, rows_accepted BIGINT NOT NULL DEFAULT 0, rows_duplicate BIGINT NOT NULL DEFAULT 0,
  rows_rejected BIGINT NOT NULL DEFAULT 0, outcome VARCHAR NOT NULL, error VARCHAR,
  received_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ NOT NULL
);
