-- CS load per bucket of load_buckets (DESIGN §1, §5; one row per bucket, half-open [bucket_start, bucket_end) in the business zone): orders placed, inquiries opened (in total and by channel), claims opened, contacts attempted, each counted in the bucket of its first event as in §5; address changes and cancellations in the bucket they happened, self-service (by the customer) or by CS (the platform); the open-inquiry backlog at the end of the bucket (opened and neither answered by anyone nor closed, judged at min(bucket_end, as_of); NULL for buckets that start after as_of); sla_rate and answer-time p90 of the inquiries opened in the bucket, judged at as_of exactly as the scorecard's sla_rate and answer_time_bh.
WITH buckets AS (
  SELECT
    CAST(b->>'bucket' AS VARCHAR) AS bucket,
    CAST(b->>'start' AS TIMESTAMPTZ) AS bucket_start,
    CAST(b->>'end' AS TIMESTAMPTZ) AS bucket_end
  FROM (SELECT unnest(CAST($buckets AS JSON[])) AS b)
),
span AS (SELECT min(bucket_start) AS window_start, max(bucket_end) AS window_end FROM buckets),
-- Every quarter hour of the window with its bucket: rows find their bucket by a hash join on epoch_ms // 900000
-- (bucket bounds are local midnights or hours, and every zone's offset is a multiple of 15 minutes), which was
-- several times faster than an ASOF or range join.
slots AS (
  SELECT bucket, unnest(range(epoch_ms(bucket_start) // 900000, epoch_ms(bucket_end) // 900000)) AS slot
  FROM buckets
),
orders AS (
  SELECT b.bucket, count(*) AS orders_placed
  FROM (SELECT placed_at FROM fct_orders, span WHERE placed_at >= window_start AND placed_at < window_end) f
  JOIN slots b ON b.slot = epoch_ms(f.placed_at) // 900000
  GROUP BY b.bucket
),
cancellations AS (
  SELECT
    b.bucket,
    count(*) FILTER (cancelled_by = 'customer') AS cancellations_self_service,
    count(*) FILTER (cancelled_by = 'platform') AS cancellations_by_cs,
    count(*) FILTER (cancelled_by = 'brand') AS cancellations_by_brand
  FROM (
    SELECT cancelled_at, cancelled_by FROM fct_orders, span
    WHERE cancelled_at >= window_start AND cancelled_at < window_end
  ) f
  JOIN slots b ON b.slot = epoch_ms(f.cancelled_at) // 900000
  GROUP BY b.bucket
),
-- Address changes are kept in the facts only as counts per order, so their times come from the events, limited to
-- the batches the facts reflect so that every column of a bucket describes the same refresh.
address_changes AS (
  SELECT
    b.bucket,
    count(*) FILTER (changed_by = 'customer') AS address_changes_self_service,
    count(*) FILTER (changed_by = 'platform') AS address_changes_by_cs
  FROM (
    SELECT occurred_at, changed_by FROM raw_orders, span
    WHERE type = 'address_changed' AND occurred_at >= window_start AND occurred_at < window_end
      AND ingest_batch <= coalesce((SELECT max(last_batch) FROM refresh_state), -1)
  ) r
  JOIN slots b ON b.slot = epoch_ms(r.occurred_at) // 900000
  GROUP BY b.bucket
),
inquiries AS (
  SELECT
    b.bucket,
    count(*) AS inquiries_opened,
    count(*) FILTER (channel = 'product_qna') AS product_qna,
    count(*) FILTER (channel = 'one_to_one') AS one_to_one,
    count(*) FILTER (channel = 'phone') AS phone,
    count(*) FILTER (channel = 'board') AS board,
    count(*) FILTER (channel = 'chat') AS chat,
    count(*) FILTER (brand_answered OR deadline_reached) AS sla_denominator,
    count(*) FILTER (brand_answered AND brand_answered_in_time) AS sla_numerator,
    quantile_cont(answer_time_bh, 0.9) FILTER (brand_answered) AS answer_time_p90_bh,
    count(answer_time_bh) FILTER (brand_answered) AS answer_time_n
  FROM (
    SELECT
      opened_at,
      channel,
      answer_time_bh,
      coalesce(first_brand_answer_at <= $as_of, false) AS brand_answered,
      coalesce(first_brand_answer_at <= answer_deadline, false) AS brand_answered_in_time,
      coalesce(answer_deadline <= $as_of, false) AS deadline_reached
    FROM fct_inquiries, span
    WHERE opened_at >= window_start AND opened_at < window_end
  ) f
  JOIN slots b ON b.slot = epoch_ms(f.opened_at) // 900000
  GROUP BY b.bucket
),
claims AS (
  SELECT b.bucket, count(*) AS claims_opened
  FROM (SELECT opened_at FROM fct_claims, span WHERE opened_at >= window_start AND opened_at < window_end) f
  JOIN slots b ON b.slot = epoch_ms(f.opened_at) // 900000
  GROUP BY b.bucket
),
contacts AS (
  SELECT b.bucket, count(*) AS contacts_attempted
  FROM (SELECT attempted_at FROM fct_contacts, span WHERE attempted_at >= window_start AND attempted_at < window_end) f
  JOIN slots b ON b.slot = epoch_ms(f.attempted_at) // 900000
  GROUP BY b.bucket
),
-- The backlog as a running sum: inquiries open at the window start, plus those opened, less those resolved (first
-- answer by anyone, or closing; never before the opening), bucket by bucket; nothing after as_of has happened.
lifetimes AS (
  -- least() skips NULLs and greatest() would turn a NULL into opened_at, hence the CASE.
  SELECT
    opened_at,
    CASE WHEN least(first_answer_at, closed_at) IS NOT NULL THEN greatest(opened_at, least(first_answer_at, closed_at)) END
      AS resolved_at
  FROM fct_inquiries, span
  WHERE opened_at < least(window_end, $as_of)
),
open_at_start AS (
  SELECT count(*) AS n
  FROM lifetimes, span
  WHERE opened_at < window_start AND coalesce(resolved_at >= window_start, true)
),
backlog_moves AS (
  SELECT b.bucket, count(*) AS moves
  FROM (SELECT opened_at AS t FROM lifetimes, span WHERE opened_at >= window_start) m
  JOIN slots b ON b.slot = epoch_ms(m.t) // 900000
  GROUP BY b.bucket
  UNION ALL
  SELECT b.bucket, -count(*) AS moves
  FROM (
    SELECT resolved_at AS t FROM lifetimes, span
    WHERE resolved_at >= window_start AND resolved_at < least(window_end, $as_of)
  ) m
  JOIN slots b ON b.slot = epoch_ms(m.t) // 900000
  GROUP BY b.bucket
),
backlog AS (
  SELECT
    bk.bucket,
    bk.bucket_start,
    (SELECT n FROM open_at_start)
      + sum(coalesce(m.moves, 0)) OVER (ORDER BY bk.bucket_start ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
      AS open_inquiries
  FROM buckets bk
  LEFT JOIN (SELECT bucket, sum(moves) AS moves FROM backlog_moves GROUP BY bucket) m USING (bucket)
)
SELECT
  bk.bucket,
  bk.bucket_start,
  coalesce(o.orders_placed, 0) AS orders_placed,
  coalesce(i.inquiries_opened, 0) AS inquiries_opened,
  coalesce(i.product_qna, 0) AS inquiries_product_qna,
  coalesce(i.one_to_one, 0) AS inquiries_one_to_one,
  coalesce(i.phone, 0) AS inquiries_phone,
  coalesce(i.board, 0) AS inquiries_board,
  coalesce(i.chat, 0) AS inquiries_chat,
  coalesce(c.claims_opened, 0) AS claims_opened,
  coalesce(k.contacts_attempted, 0) AS contacts_attempted,
  CASE WHEN bk.bucket_start < $as_of THEN bl.open_inquiries END AS backlog_open_inquiries,
  coalesce(i.sla_numerator, 0) AS sla_numerator,
  coalesce(i.sla_denominator, 0) AS sla_denominator,
  i.answer_time_p90_bh,
  coalesce(i.answer_time_n, 0) AS answer_time_n,
  coalesce(a.address_changes_self_service, 0) AS address_changes_self_service,
  coalesce(a.address_changes_by_cs, 0) AS address_changes_by_cs,
  coalesce(x.cancellations_self_service, 0) AS cancellations_self_service,
  coalesce(x.cancellations_by_cs, 0) AS cancellations_by_cs,
  coalesce(x.cancellations_by_brand, 0) AS cancellations_by_brand
FROM buckets bk
LEFT JOIN orders o USING (bucket)
LEFT JOIN inquiries i USING (bucket)
LEFT JOIN claims c USING (bucket)
LEFT JOIN contacts k USING (bucket)
LEFT JOIN address_changes a USING (bucket)
LEFT JOIN cancellations x USING (bucket)
LEFT JOIN backlog bl USING (bucket)
ORDER BY bk.bucket_start
