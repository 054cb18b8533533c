-- The stored form of every scorecard of scorecard_plan's windows (StoredScorecard in scorecards.ts, migration 012): for each window w and each brand of scorecard_rows, its brand, window and previous window, the figures of both windows in FIGURE_NAMES order ({{current}} and {{previous}} list them from window_figures), its percentile ranks and peers as JSON arrays in RANKED_KEYS order (scorecard_ranks) and the metrics without data ($no_data). A previous window reused from the stored scorecards (w_prev NULL) takes its figures from reused_before as they were stored. A brand without reference data shows as unknown.
SELECT
  p.days,
  p.from_day,
  p.to_day,
  p.as_of,
  r.brand_id,
  CAST(json_object(
    'brand', CASE WHEN b.brand_id IS NULL THEN json_object('name', NULL, 'status', 'unknown')
                  ELSE json_object('name', b.name, 'status', b.status) END,
    'window', json(p.window_json),
    'previous', json(p.previous_json),
    'current', {{current}},
    'before', CASE WHEN p.w_prev IS NULL THEN x.before ELSE {{previous}} END,
    'percentiles', k.percentiles,
    'peers', k.peers,
    'no_data', json($no_data)
  ) AS VARCHAR) AS figures
FROM scorecard_rows r
JOIN scorecard_plan p ON p.w = r.w
JOIN scorecard_ranks k ON k.w = r.w AND k.brand_id = r.brand_id
LEFT JOIN brands b ON b.brand_id = r.brand_id
LEFT JOIN window_figures c ON c.w = r.w AND c.brand_id = r.brand_id
LEFT JOIN window_figures q ON q.w = p.w_prev AND q.brand_id = r.brand_id
LEFT JOIN reused_before x ON x.days = p.days AND x.brand_id = r.brand_id
ORDER BY p.days, r.brand_id
