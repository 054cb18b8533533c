-- Materialised scorecards keep their figures, not the API's JSON (metrics/scorecards/README.md): `figures` is a
-- compact JSON object (StoredScorecard in metrics/scorecards/scorecards.ts) from which the scorecard is rebuilt
-- on read. Writing some 5 KB of JSON per brand and window was most of an incremental refresh. The table is
-- recreated empty: the next refresh materialises the standard windows again, and until then they are computed
-- on demand.
DROP TABLE scorecards;
CREATE TABLE scorecards (
  window_days INTEGER NOT NULL, window_from DATE NOT NULL, window_to DATE NOT NULL, as_of TIMESTAMPTZ NOT NULL,
  brand_id VARCHAR NOT NULL, figures VARCHAR NOT NULL, computed_at TIMESTAMPTZ NOT NULL
);
