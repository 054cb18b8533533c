-- Business time in SQL (DESIGN §4), the set-based twin of BusinessCalendar in calendar.ts, installed by
-- installCalendar() together with the rows of business_calendar. Grain of business_calendar: one row per local
-- calendar day of the business zone over the installed range; business_days: one row per business day.
--
-- Instants t are TIMESTAMPTZ (a TIMESTAMP is read as UTC). Look a day up with an ASOF join and pass the joined
-- row `c` (the table alias, which DuckDB passes as a struct) to the macros:
--
--   FROM events e ASOF LEFT JOIN business_calendar c ON e.t >= c.day_start
--
--   business_seconds_at(t, c) -> DOUBLE
--       Business seconds from the first day_start of the calendar to t; differences of two are business time.
--       = c.open_seconds_before + (on a business day) the part of [open_at, close_at] before t.
--   business_hours_between(seconds_a, seconds_b) -> DOUBLE
--       Hours between two business_seconds_at values: greatest(0, seconds_b - seconds_a) / 3600.
--   business_date_ordinal_at(t, c) -> BIGINT
--       Ordinal (business_days.ordinal) of t's business date: c's own day if it is a business day and t is before
--       closing time, otherwise the next business day.
--   business_time_of(tbl) -> TABLE (tbl.*, business_seconds DOUBLE, business_date_ordinal BIGINT, business_date DATE)
--       For any table or view `tbl` with a TIMESTAMPTZ column `t` (e.g. (key, t)): every row with its cumulative
--       business seconds, business-date ordinal and business date. Pass the name bare or quoted; CTEs work.
--   business_deadlines_of(tbl, n) -> TABLE (tbl.*, due_at TIMESTAMPTZ)
--       For the same kind of table and a constant n >= 0: the deadline "n business days after t" of every row,
--       NULL when it falls beyond the installed range. For a per-row n, write the join on business_days as in
--       the example (a scalar-subquery macro for it was ~50x slower on millions of rows).
--
-- Example: business hours from opened_at to answered_at, and the deadline two business days after opening.
--
--   WITH opened AS (SELECT question_id AS key, opened_at AS t FROM questions),
--        answered AS (SELECT question_id AS key, answered_at AS t FROM questions)
--   SELECT o.key,
--          business_hours_between(o.business_seconds, a.business_seconds) AS business_hours,
--          d.close_at AS due_at
--   FROM business_time_of(opened) o
--   JOIN business_time_of(answered) a USING (key)
--   LEFT JOIN business_days d ON d.ordinal = o.business_date_ordinal + 2;
--
-- The same with the ASOF join written out, for one instant column per row (macros expand inline, so this is
-- exactly what business_time_of does):
--
--   SELECT q.question_id,
--          business_seconds_at(q.opened_at, c) AS opened_seconds,
--          business_date_ordinal_at(q.opened_at, c) AS opened_ordinal
--   FROM questions q ASOF LEFT JOIN business_calendar c ON q.opened_at >= c.day_start;
--
-- Instants before the first day of the range get NULLs; instants after its last day get wrong answers (the
-- ASOF join takes the last row), so install a range from calendarRangeFor() that covers the data.
--
-- For millions of rows, look the day up in business_calendar_slots instead (installCalendar builds it after the
-- rows): one row per quarter hour of the range with that quarter's business_calendar row, found by a hash join
-- on business_slot(t), which gives the same row as the ASOF join inside the range and no row outside it. Every
-- zone's local midnight falls on a quarter hour (installCalendar checks). Three ASOF joins of the order facts
-- took 60 of the 160 CPU seconds of building them for 10M orders: each sorted all 10M rows.
--
--   FROM events e LEFT JOIN business_calendar_slots c ON c.slot = business_slot(e.t)

CREATE OR REPLACE TABLE business_calendar (
  day DATE NOT NULL,                          -- local calendar date in the business zone, every day of the range
  day_start TIMESTAMPTZ NOT NULL,             -- local midnight of day, as an instant
  is_business_day BOOLEAN NOT NULL,
  open_at TIMESTAMPTZ, close_at TIMESTAMPTZ,  -- that day's opening and closing as instants; NULL when closed
  open_seconds_before BIGINT NOT NULL,        -- business seconds from day_start of the first row to this day_start
  business_day_ordinal BIGINT NOT NULL        -- business days numbered 1,2,3… in order; a closed day carries the ordinal of the NEXT business day
);

-- The quarter hour of an instant since the epoch, rounded down (also before 1970).
CREATE OR REPLACE MACRO business_slot(t) AS CAST(floor(epoch_ms(t) / 900000) AS BIGINT);

CREATE OR REPLACE VIEW business_days AS
SELECT business_day_ordinal AS ordinal, day, open_at, close_at
FROM business_calendar
WHERE is_business_day;

CREATE OR REPLACE MACRO business_seconds_at(t, c) AS
  c.open_seconds_before + CASE
    WHEN c.is_business_day
      THEN least(greatest(epoch(t) - epoch(c.open_at), 0), epoch(c.close_at) - epoch(c.open_at))
    ELSE 0
  END;

CREATE OR REPLACE MACRO business_hours_between(seconds_a, seconds_b) AS
  greatest(0, seconds_b - seconds_a) / 3600;

CREATE OR REPLACE MACRO business_date_ordinal_at(t, c) AS
  CASE
    WHEN c.is_business_day AND t < c.close_at THEN c.business_day_ordinal
    WHEN c.is_business_day THEN c.business_day_ordinal + 1
    ELSE c.business_day_ordinal
  END;


CREATE OR REPLACE MACRO business_time_of(tbl) AS TABLE
  SELECT i.*, d.day AS business_date
  FROM (
    SELECT i.*,
           business_seconds_at(i.t, c) AS business_seconds,
           business_date_ordinal_at(i.t, c) AS business_date_ordinal
    FROM query_table(tbl) i
    ASOF LEFT JOIN business_calendar c ON i.t >= c.day_start
  ) i
  LEFT JOIN business_days d ON d.ordinal = i.business_date_ordinal;

CREATE OR REPLACE MACRO business_deadlines_of(tbl, n) AS TABLE
  SELECT i.* EXCLUDE (_business_date_ordinal), d.close_at AS due_at
  FROM (
    SELECT i.*, business_date_ordinal_at(i.t, c) AS _business_date_ordinal
    FROM query_table(tbl) i
    ASOF LEFT JOIN business_calendar c ON i.t >= c.day_start
  ) i
  LEFT JOIN business_days d ON d.ordinal = i._business_date_ordinal + n;
