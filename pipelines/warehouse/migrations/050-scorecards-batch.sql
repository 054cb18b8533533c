-- The refresh commits facts and rollups, then the scorecards built on them, in two transactions (metrics/refresh.ts):
-- scorecards_batch is the watermark the stored scorecards were built at, so that a refresh that stopped between
-- the two is finished by the next one. Databases refreshed before had both in one transaction.
ALTER TABLE refresh_state ADD COLUMN scorecards_batch BIGINT;
UPDATE refresh_state SET scorecards_batch = last_batch;
