-- Quarantined rows grouped by stream, field and reason (DESIGN §8 jobs page): how many, when last, and the most recent one as an example with where it came from.
SELECT
  stream,
  coalesce(field, '') AS field,
  reason,
  count(*) AS count,
  max(quarantined_at) AS last_at,
  arg_max(source, quarantined_at) AS example_source,
  arg_max(line, quarantined_at) AS example_line,
  left(arg_max(raw, quarantined_at), 200) AS example_raw
FROM quarantine
GROUP BY ALL
ORDER BY last_at DESC, count DESC
LIMIT $limit
