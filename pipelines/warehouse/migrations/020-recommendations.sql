-- Delisting recommendations and merchandisers' decisions (DESIGN §6), append-only: an evaluation, its
-- recommendations and every decision are inserted once and never updated or deleted, so the history of what was
-- recommended, on which evidence and under which policy, and who decided what, stays as it was.

CREATE SEQUENCE policy_evaluation_ids START 1;
CREATE SEQUENCE recommendation_ids START 1;
CREATE SEQUENCE recommendation_decision_ids START 1;

-- One weekly (or on demand) evaluation of every brand over the trailing window ending at as_of_date. `policy` is
-- the JSON of the policy used, `policy_version` its declared version and `policy_hash` a hash of its content.
CREATE TABLE policy_evaluations (
  evaluation_id BIGINT PRIMARY KEY DEFAULT nextval('policy_evaluation_ids'),
  as_of_date DATE NOT NULL, window_from DATE NOT NULL, window_to DATE NOT NULL, as_of TIMESTAMPTZ NOT NULL,
  policy_version VARCHAR NOT NULL, policy_hash VARCHAR NOT NULL, policy VARCHAR NOT NULL,
  -- The evaluation the consecutive-breach rule looked back to (NULL when there was none 7–13 days earlier).
  previous_evaluation_id BIGINT,
  brands_evaluated INTEGER NOT NULL, evaluated_at TIMESTAMPTZ NOT NULL, triggered_by VARCHAR NOT NULL
);

-- One row per brand and evaluation, action 'none' included (its levels are what the next evaluation compares
-- with). `detail` is the JSON of the evidence (metrics/recommendations/schema.ts).
CREATE TABLE recommendations (
  recommendation_id BIGINT PRIMARY KEY DEFAULT nextval('recommendation_ids'),
  evaluation_id BIGINT NOT NULL, brand_id VARCHAR NOT NULL, action VARCHAR NOT NULL,
  delist_streak INTEGER NOT NULL,
  -- The dismissal that hides this recommendation because the brand is not worse than when it was dismissed.
  suppressed_by_decision_id BIGINT,
  detail VARCHAR NOT NULL
);
CREATE INDEX recommendations_by_evaluation ON recommendations (evaluation_id);

CREATE TABLE recommendation_decisions (
  decision_id BIGINT PRIMARY KEY DEFAULT nextval('recommendation_decision_ids'),
  recommendation_id BIGINT NOT NULL, brand_id VARCHAR NOT NULL, action VARCHAR NOT NULL,
  decision VARCHAR NOT NULL, reason VARCHAR NOT NULL,
  -- The person as they named themselves, and the role and credential (hash prefix) that made the request.
  decided_by VARCHAR NOT NULL, role VARCHAR NOT NULL, credential VARCHAR NOT NULL,
  decided_at TIMESTAMPTZ NOT NULL
);
