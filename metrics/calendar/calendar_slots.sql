-- business_calendar_slots (business_time.sql): every quarter hour of the installed range, as business_slot() numbers it, with the business_calendar row of the local day it falls in. A day runs from its day_start to the next day's; the last day of the range to its day_start + 24 hours (the range is padded well beyond the data, calendarRangeFor).
CREATE OR REPLACE TABLE business_calendar_slots AS
SELECT c.* EXCLUDE (day_end), unnest(range(business_slot(c.day_start), business_slot(c.day_end))) AS slot
FROM (
  SELECT *, coalesce(lead(day_start) OVER (ORDER BY day), day_start + INTERVAL 24 HOUR) AS day_end
  FROM business_calendar
) c
