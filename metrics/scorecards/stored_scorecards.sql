-- The stored form of every scorecard of scorecard_plan's windows (StoredScorecard in scorecards.ts, migration 012): for each window w and each brand of scorecard_rows, its brand, window and previous window, the figures of both windows in FIGURE_NAMES order ({{current}} and {{previous}} list them from window_figures), its percentile ranks (scorecard_ranks) and its window's peer counts (scorecard_peers) as JSON arrays in RANKED_KEYS order and the metrics without data ($no_data). A previous window reused from the stored scorecards (w_prev NULL) takes its figures from reused_before as they were stored. A brand without reference data shows as unknown. The object is joined as text around json_array's lists: a json_object of them took twice as long (0.9 of a 3.7 s scorecards phase at 10M orders), for the same bytes.
SELECT
  p.days,
  p.from_day,
  p.to_day,
  p.as_of,
  r.brand_id,
  '{"brand":' || CASE WHEN b.brand_id IS NULL THEN '{"name":null,"status":"unknown"}'
                  ELSE json_object('name', b.name, 'status', b.status) END
    || ',"window":' || p.window_json
    || ',"previous":' || p.previous_json
    || ',"current":' || {{current}}
    || ',"before":' || CASE WHEN p.w_prev IS NULL THEN coalesce(x.before, 'null') ELSE {{previous}} END
    || ',"percentiles":' || k.percentiles
    || ',"peers":' || n.peers
    || ',"no_data":' || $no_data || '}' AS figures
FROM scorecard_rows r
JOIN scorecard_plan p ON p.w = r.w
JOIN scorecard_ranks k ON k.w = r.w AND k.brand_id = r.brand_id
JOIN scorecard_peers n ON n.w = r.w
LEFT JOIN brands b ON b.brand_id = r.brand_id
LEFT JOIN window_figures c ON c.w = r.w AND c.brand_id = r.brand_id
LEFT JOIN window_figures q ON q.w = p.w_prev AND q.brand_id = r.brand_id
LEFT JOIN reused_before x ON x.days = p.days AND x.brand_id = r.brand_id
ORDER BY p.days, r.brand_id
