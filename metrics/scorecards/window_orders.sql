-- Order metrics of every window in scorecard_windows (DESIGN §5): orders placed on local days [from, to), judged on what had happened by the window's as_of: late_dispatch_rate (orders not cancelled before dispatch whose deadline passed or that were dispatched; late = dispatched after the deadline or still undispatched after it), dispatch_time_bh, shipping_issue_rate, on_time_delivery_rate, brand cancellations, and the dispatched orders claim_rate divides by. All windows in one scan: each order joins the windows its day falls in.
WITH judged AS (
  SELECT
    p.w,
    f.brand_id,
    f.dispatch_time_bh,
    coalesce(f.dispatched_at <= p.as_of, false) AS dispatched,
    coalesce(f.dispatched_at > f.dispatch_deadline, false) AS dispatched_late,
    coalesce(f.dispatch_deadline <= p.as_of, false) AS deadline_passed,
    coalesce(f.cancelled_at <= p.as_of AND f.cancelled_at < coalesce(f.dispatched_at, 'infinity'::TIMESTAMPTZ), false)
      AS cancelled_before_dispatch,
    coalesce(f.cancelled_at <= p.as_of AND f.cancelled_by = 'brand', false) AS cancelled_by_brand,
    coalesce(f.first_shipping_issue_at <= p.as_of, false) AS had_shipping_issue,
    f.delivery_due_at IS NOT NULL AND coalesce(f.delivered_at <= p.as_of, false) AS delivered_with_due_date,
    coalesce(f.delivered_at <= f.delivery_due_at, false) AS delivered_on_time
  FROM fct_orders f
  JOIN scorecard_window_days p ON p.day = f.day AND p.brand = window_brand(f.brand_id)
  WHERE in_scorecard_scope(f.brand_id)
)
SELECT
  w,
  brand_id,
  count(*) FILTER (NOT cancelled_before_dispatch AND (dispatched OR deadline_passed)) AS late_dispatch_denominator,
  count(*) FILTER (
    NOT cancelled_before_dispatch AND ((dispatched AND dispatched_late) OR (NOT dispatched AND deadline_passed))
  ) AS late_dispatch_numerator,
  -- Both percentiles from one list-valued quantile (DuckDB computes the repeated aggregate once): one sort per group instead of two.
  (quantile_cont(dispatch_time_bh, [0.5, 0.9]) FILTER (dispatched))[1] AS dispatch_time_p50,
  (quantile_cont(dispatch_time_bh, [0.5, 0.9]) FILTER (dispatched))[2] AS dispatch_time_p90,
  count(dispatch_time_bh) FILTER (dispatched) AS dispatch_time_n,
  count(*) FILTER (dispatched) AS orders_dispatched,
  count(*) FILTER (dispatched AND had_shipping_issue) AS orders_with_shipping_issue,
  count(*) FILTER (delivered_with_due_date) AS deliveries_with_due_date,
  count(*) FILTER (delivered_with_due_date AND delivered_on_time) AS deliveries_on_time,
  count(*) FILTER (cancelled_by_brand) AS orders_cancelled_by_brand
FROM judged
GROUP BY w, brand_id
