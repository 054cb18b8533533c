-- A stored scorecard's figures are lists in the order of FIGURE_NAMES and RANKED_KEYS (metrics/scorecards), which a
-- new version of brandscore may change. `layout` names the order a row was written in (STORED_LAYOUT); rows of
-- another layout — every row written before this migration — are not read: those windows are computed on demand
-- until the next refresh materialises them again.
ALTER TABLE scorecards ADD COLUMN layout VARCHAR;
