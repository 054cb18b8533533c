import { CLOSE_SECONDS, CUSTOMER_HOURS, OPEN_SECONDS, type SimCalendar } from './calendar.ts';

/**
 * SQL that builds the simulation's entity tables (orders, inquiries, claims, contacts, reviews) inside DuckDB.
 * Times are INTEGER seconds since the period start's local midnight (see calendar.ts). Every random draw is
 * `u(entity, purpose)`: a hash of the seed, the entity number and a purpose number, so that the result does not
 * depend on thread scheduling and the same arguments give the same rows.
 */

export const PURPOSES = [
  'hour', 'minute', 'brand', 'pay', 'pay_time', 'cancel', 'cancel_by', 'cancel_time', 'express', 'late',
  'late_days', 'dispatch_time', 'delivery_due', 'delivery_days', 'delivery_time', 'issue', 'issue_kind',
  'issue_kind_2', 'issue_time', 'address', 'address_time', 'price_1', 'price_2', 'price_3', 'quantity',
  'inquiry_order', 'inquiry_other', 'inquiry_day', 'inquiry_hour', 'inquiry_minute', 'inquiry_category',
  'inquiry_channel', 'inquiry_responder', 'inquiry_late', 'inquiry_days', 'inquiry_platform', 'inquiry_answer_time',
  'inquiry_close', 'inquiry_close_time', 'claim', 'claim_reason', 'claim_reason_2', 'claim_type', 'claim_takeover',
  'claim_outcome', 'claim_open_time', 'claim_d1', 'claim_d2', 'claim_d3', 'claim_d4', 'claim_t1', 'claim_t2',
  'claim_t3', 'claim_t4', 'contact', 'contact_day', 'contact_time', 'contact_answer', 'contact_late',
  'contact_late_day', 'contact_answer_time', 'contact_channel', 'contact_purpose', 'review', 'review_time',
  'review_score', 'tracking', 'event_late', 'dirty', 'dirty_kind',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/** A uniform draw in [0, 1) for `entity` (a SQL expression) and `purpose`. */
export function u(entity: string, purpose: Purpose): string {
  return `u(${entity}, ${PURPOSES.indexOf(purpose) + 1})`;
}

/** A CASE expression choosing a value by cumulative weight for a draw `draw` (a column, so it is hashed once). */
export function choose(draw: string, entries: [string, number][]): string {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let acc = 0;
  const branches = entries.slice(0, -1).map(([value, w]) => {
    acc += w / total;
    return `WHEN ${draw} < ${acc.toFixed(6)} THEN ${value}`;
  });
  return `CASE ${branches.join(' ')} ELSE ${entries[entries.length - 1]![0]} END`;
}

/** Codes for small enums stored as UTINYINT in the entity tables (decoded with list lookups on output). */
export const CANCELLED_BY_CODES = ['customer', 'brand', 'platform'] as const;
export const CHANGED_BY_CODES = ['customer', 'platform'] as const;
export const ISSUE_CODES = ['wrong_item', 'wrong_address', 'damaged', 'missing', 'other'] as const;
const code = (list: readonly string[], value: string) => String(list.indexOf(value) + 1);

const sqlList = (values: number[]) => `[${values.join(',')}]`;

/** Macros (temporary, so they resolve whichever database holds the tables): the seeded draw, business-day lookups and the customer hour-of-day distribution. */
export function macroSql(seed: number, calendar: SimCalendar): string[] {
  const total = CUSTOMER_HOURS.reduce((a, b) => a + b, 0);
  let acc = 0;
  const hourBranches = CUSTOMER_HOURS.slice(0, -1).map((w, h) => {
    acc += w / total;
    return `WHEN x < ${acc.toFixed(6)} THEN ${h}`;
  });
  return [
    `CREATE TEMP MACRO u(x, p) AS (hash(${Math.trunc(seed)}, x, p) % 1000000007)::DOUBLE / 1000000007.0`,
    `CREATE TEMP MACRO ord_on(d) AS ${sqlList(calendar.days.map((d) => d.ordOn))}[d + 1]`,
    `CREATE TEMP MACRO ord_after(d) AS ${sqlList(calendar.days.map((d) => d.ordAfter))}[d + 1]`,
    `CREATE TEMP MACRO bday(o) AS ${sqlList(calendar.businessDays)}[o + 1]`,
    // The business date of an instant: its own day before closing time on a business day, else the next one.
    `CREATE TEMP MACRO ord_at(s) AS CASE WHEN s % 86400 < ${CLOSE_SECONDS} THEN ord_on(s // 86400) ELSE ord_after(s // 86400) END`,
    `CREATE TEMP MACRO hour_of(x) AS CASE ${hourBranches.join(' ')} ELSE 23 END`,
    // An instant on business day ordinal o, `from` seconds after midnight plus a share x of `span` seconds.
    `CREATE TEMP MACRO at_bday(o, x, from_s, span_s) AS bday(o) * 86400 + from_s + floor(x * span_s)::INTEGER`,
  ];
}

const OPEN = OPEN_SECONDS;

/** One row per order: the order's whole life as instants (NULL when a step never happens). */
export function ordersSql(): string {
  return `
CREATE TABLE orders AS
WITH o AS (
  SELECT d, first_order + unnest(range(n_orders)) AS n FROM days WHERE n_orders > 0
), t AS (
  SELECT n, d, d * 86400 + hour_of(${u('n', 'hour')}) * 3600 + floor(${u('n', 'minute')} * 3600)::INTEGER AS placed_s,
         ${u('n', 'brand')} AS ub
  FROM o
), ob AS (
  SELECT t.n, bc.b, t.placed_s FROM t ASOF JOIN brand_cum bc ON t.d = bc.d AND t.ub >= bc.lo
), r AS (
  SELECT ob.n, ob.b, ob.placed_s, br.dispatch_days, br.express_share, br.delivery_due_share, br.price_level,
         br.late_dispatch, br.late_extra_days, br.brand_cancel, br.shipping_issue, br.issue_brand_fault,
         ${u('ob.n', 'pay')} AS u_pay, ${u('ob.n', 'pay_time')} AS u_pay_time,
         ${u('ob.n', 'cancel')} AS u_cancel, ${u('ob.n', 'cancel_by')} AS u_cancel_by,
         ${u('ob.n', 'cancel_time')} AS u_cancel_time, ${u('ob.n', 'express')} AS u_express,
         ${u('ob.n', 'late')} AS u_late, ${u('ob.n', 'late_days')} AS u_late_days,
         ${u('ob.n', 'dispatch_time')} AS u_dispatch_time, ${u('ob.n', 'delivery_due')} AS u_delivery_due,
         ${u('ob.n', 'delivery_days')} AS u_delivery_days, ${u('ob.n', 'delivery_time')} AS u_delivery_time,
         ${u('ob.n', 'issue')} AS u_issue, ${u('ob.n', 'issue_kind')} AS u_issue_kind,
         ${u('ob.n', 'issue_kind_2')} AS u_issue_kind_2, ${u('ob.n', 'issue_time')} AS u_issue_time,
         ${u('ob.n', 'address')} AS u_address, ${u('ob.n', 'address_time')} AS u_address_time,
         ${u('ob.n', 'price_1')} + ${u('ob.n', 'price_2')} + ${u('ob.n', 'price_3')} AS u_price,
         ${u('ob.n', 'quantity')} AS u_quantity
  FROM ob JOIN brands br ON br.b = ob.b
), paid AS (
  SELECT *,
    CASE WHEN u_pay < 0.985 THEN placed_s + 60 + floor(u_pay_time * 1800)::INTEGER END AS paid_s,
    u_express < express_share AS express
  FROM r
), cancel AS (
  SELECT *,
    CASE
      WHEN paid_s IS NULL THEN CASE WHEN u_cancel_by < 0.7 THEN ${code(CANCELLED_BY_CODES, 'customer')} ELSE ${code(CANCELLED_BY_CODES, 'platform')} END
      WHEN u_cancel < brand_cancel THEN ${code(CANCELLED_BY_CODES, 'brand')}
      WHEN u_cancel < brand_cancel + 0.03 THEN ${code(CANCELLED_BY_CODES, 'customer')}
      WHEN u_cancel < brand_cancel + 0.032 THEN ${code(CANCELLED_BY_CODES, 'platform')}
    END::UTINYINT AS cancel_by,
    -- An express promise runs from placement; the ordinary deadline from payment (DESIGN §5 late_dispatch_rate).
    CASE WHEN express THEN placed_s ELSE paid_s END AS base_s,
    CASE WHEN express THEN ord_at(placed_s) ELSE ord_at(paid_s) END AS base_ord,
    CASE WHEN express THEN 1 ELSE dispatch_days END AS due_days,
    u_late < late_dispatch AS late
  FROM paid
), dispatch AS (
  SELECT *,
    CASE WHEN cancel_by IS NOT NULL
      THEN CASE WHEN paid_s IS NULL THEN placed_s + 72000 + floor(u_cancel_time * 36000)::INTEGER
                ELSE paid_s + 600 + floor(u_cancel_time * 72000)::INTEGER END
    END AS cancel_s,
    CASE WHEN express THEN at_bday(ord_at(placed_s) + 1, 0, ${CLOSE_SECONDS}, 0) END AS dispatch_due_s,
    CASE WHEN u_delivery_due < delivery_due_share THEN at_bday(base_ord + due_days, 0, ${CLOSE_SECONDS}, 0) + 2 * 86400 + 3 * 3600 END AS delivery_due_s,
    -- Same-day dispatch only for orders paid on a business day before 14:00, and never sooner than an hour after.
    CASE WHEN cancel_by IS NULL THEN GREATEST(base_s + 3600, at_bday(
      base_ord + CASE WHEN late THEN due_days + 1 + floor(u_late_days * late_extra_days)::INTEGER
                      WHEN base_s % 86400 < 50400 AND bday(base_ord) = base_s // 86400 THEN floor(u_late_days * (due_days + 1))::INTEGER
                      ELSE 1 + floor(u_late_days * due_days)::INTEGER END,
      u_dispatch_time, ${OPEN}, ${8.5 * 3600})) END AS dispatch_s,
    CASE WHEN u_issue < shipping_issue THEN
      CASE WHEN u_issue_kind < issue_brand_fault
        THEN CASE WHEN u_issue_kind_2 < 0.6 THEN ${code(ISSUE_CODES, 'wrong_item')} ELSE ${code(ISSUE_CODES, 'damaged')} END
        ELSE ${choose('u_issue_kind_2', [[code(ISSUE_CODES, 'wrong_address'), 4], [code(ISSUE_CODES, 'missing'), 2], [code(ISSUE_CODES, 'other'), 4]])}
      END
    END::UTINYINT AS issue_code
  FROM cancel
), delivered AS (
  SELECT *,
    CASE WHEN dispatch_s IS NOT NULL AND issue_code IS DISTINCT FROM ${code(ISSUE_CODES, 'missing')} THEN
      (dispatch_s // 86400 + ${choose('u_delivery_days', [['1', 50], ['2', 35], ['3', 15]])}) * 86400
        + ${OPEN} + floor(u_delivery_time * 12 * 3600)::INTEGER
    END AS delivered_s
  FROM dispatch
)
SELECT n, b, placed_s, paid_s, cancel_s, cancel_by, dispatch_due_s, delivery_due_s,
  CASE WHEN paid_s IS NOT NULL THEN dispatch_s END AS dispatch_s,
  delivered_s,
  CASE WHEN dispatch_s IS NOT NULL AND paid_s IS NOT NULL AND issue_code IS NOT NULL THEN
    CASE WHEN issue_code = ${code(ISSUE_CODES, 'missing')} THEN dispatch_s + 5 * 86400
         ELSE delivered_s + 3600 + floor(u_issue_time * 2 * 86400)::INTEGER END
  END AS issue_s,
  CASE WHEN dispatch_s IS NOT NULL AND paid_s IS NOT NULL THEN issue_code END AS issue_code,
  CASE WHEN dispatch_s IS NOT NULL AND paid_s IS NOT NULL AND u_address < 0.025 THEN
    CASE WHEN u_address < 0.02 THEN ${code(CHANGED_BY_CODES, 'customer')} ELSE ${code(CHANGED_BY_CODES, 'platform')} END
  END::UTINYINT AS changed_by,
  -- Self-service address changes happen before dispatch (DESIGN §1), so they are capped at dispatch time.
  LEAST(paid_s + 300 + floor(u_address_time * 43200)::INTEGER, dispatch_s - 600) AS changed_s,
  (${choose('u_quantity', [['1', 82], ['2', 14], ['3', 4]])})::UTINYINT AS quantity,
  (round(25000 * price_level * exp((u_price - 1.5) * 1.0) / 100) * 100)::BIGINT AS unit_price,
  late AND dispatch_s IS NOT NULL AND paid_s IS NOT NULL AS late
FROM delivered
ORDER BY n`;
}

/** One row per inquiry: slot 0 is about an order, slot 1 a product or partner-system question without one. */
export function inquiriesSql(): string {
  const opened = (slot: 0 | 1) => `
  SELECT o.n * 2 + ${slot} AS i, o.n, o.b, ${slot} AS slot,
    (o.placed_s // 86400 ${slot === 0 ? `+ 1 + floor(${u(`o.n * 2 + ${slot}`, 'inquiry_day')} * 4)::INTEGER` : `- floor(${u(`o.n * 2 + ${slot}`, 'inquiry_day')} * 2)::INTEGER`}) * 86400
      + hour_of(${u(`o.n * 2 + ${slot}`, 'inquiry_hour')}) * 3600 + floor(${u(`o.n * 2 + ${slot}`, 'inquiry_minute')} * 3600)::INTEGER AS opened_s,
    br.late_dispatch, br.partner_system, br.brand_answer, br.answer_late, br.platform_answer
  FROM orders o JOIN brands br ON br.b = o.b
  WHERE ${u(`o.n * 2 + ${slot}`, slot === 0 ? 'inquiry_order' : 'inquiry_other')} < ${slot === 0 ? 'br.order_inquiry' : 'br.other_inquiry'}`;
  return `
CREATE TABLE inquiries AS
WITH q AS (${opened(0)} UNION ALL ${opened(1)}
), r AS (
  SELECT *, ord_at(opened_s) AS ord, ${u('i', 'inquiry_category')} AS u_category, ${u('i', 'inquiry_channel')} AS u_channel,
    ${u('i', 'inquiry_responder')} AS u_responder, ${u('i', 'inquiry_late')} AS u_late, ${u('i', 'inquiry_days')} AS u_days,
    ${u('i', 'inquiry_platform')} AS u_platform, ${u('i', 'inquiry_answer_time')} AS u_answer_time,
    ${u('i', 'inquiry_close')} AS u_close, ${u('i', 'inquiry_close_time')} AS u_close_time
  FROM q WHERE opened_s >= 0
), c AS (
  SELECT *,
    CASE WHEN slot = 1 THEN CASE WHEN u_category < partner_system THEN 'partner_system' ELSE 'product' END
      -- Brands that ship late get more questions about shipping.
      WHEN u_category < 0.35 + late_dispatch THEN 'shipping'
      WHEN u_category < 0.35 + late_dispatch + (0.65 - late_dispatch) * 0.4 THEN 'exchange_return'
      WHEN u_category < 0.35 + late_dispatch + (0.65 - late_dispatch) * 0.75 THEN 'order_change'
      ELSE 'other' END AS category,
    CASE WHEN u_responder < brand_answer THEN 'brand'
         WHEN u_platform < platform_answer THEN 'platform' END AS responder
  FROM r
), a AS (
  SELECT *,
    CASE responder
      WHEN 'brand' THEN GREATEST(opened_s + 600, at_bday(
        ord + CASE WHEN u_late < answer_late THEN 3 + floor(u_days * 4)::INTEGER ELSE floor(u_days * 3)::INTEGER END,
        u_answer_time, ${OPEN}, ${CLOSE_SECONDS - OPEN}))
      -- The platform steps in when the brand has let the 2-business-day deadline come.
      WHEN 'platform' THEN GREATEST(opened_s + 600, at_bday(ord + 2 + floor(u_days * 2)::INTEGER, u_answer_time, ${OPEN + 3600}, ${7 * 3600}))
    END AS answered_s
  FROM c
)
SELECT i, n, b, slot, opened_s, category,
  CASE category
    WHEN 'product' THEN ${choose('u_channel', [["'product_qna'", 80], ["'board'", 10], ["'chat'", 10]])}
    WHEN 'partner_system' THEN ${choose('u_channel', [["'phone'", 50], ["'one_to_one'", 50]])}
    ELSE ${choose('u_channel', [["'one_to_one'", 45], ["'phone'", 20], ["'chat'", 20], ["'board'", 15]])}
  END AS channel,
  responder, answered_s,
  CASE WHEN answered_s IS NOT NULL AND u_close < 0.9 THEN answered_s + 1800 + floor(u_close_time * 2 * 86400)::INTEGER END AS closed_s
FROM a
ORDER BY i`;
}

/** One row per claim (at most one per delivered order), with the instants of its stages. */
export function claimsSql(): string {
  return `
CREATE TABLE claims AS
WITH base AS (
  SELECT o.n, o.b, o.delivered_s, o.issue_s, o.issue_code, o.late, br.claim, br.defect_share, br.claim_takeover, br.claim_stage_days,
    ${u('o.n', 'claim')} AS u_claim, ${u('o.n', 'claim_reason')} AS u_reason, ${u('o.n', 'claim_reason_2')} AS u_reason_2,
    ${u('o.n', 'claim_type')} AS u_type, ${u('o.n', 'claim_takeover')} AS u_takeover, ${u('o.n', 'claim_outcome')} AS u_outcome,
    ${u('o.n', 'claim_open_time')} AS u_open_time
  FROM orders o JOIN brands br ON br.b = o.b
  WHERE o.delivered_s IS NOT NULL
), picked AS (
  SELECT *,
    CASE
      WHEN issue_code = ${code(ISSUE_CODES, 'wrong_item')} THEN 'wrong_item'
      WHEN issue_code = ${code(ISSUE_CODES, 'damaged')} THEN 'defect'
      WHEN late AND u_claim < 0.1 THEN 'delay'
      WHEN u_reason < defect_share THEN CASE WHEN u_reason_2 < 0.7 THEN 'defect' ELSE 'wrong_item' END
      ELSE ${choose('u_reason_2', [["'size'", 45], ["'change_of_mind'", 40], ["'other'", 15]])}
    END AS reason,
    issue_code IN (${code(ISSUE_CODES, 'wrong_item')}, ${code(ISSUE_CODES, 'damaged')}) AS issue_driven
  FROM base
  -- Wrong or damaged items usually come back as claims; late orders add delay claims.
  WHERE u_claim < CASE WHEN issue_code IN (${code(ISSUE_CODES, 'wrong_item')}, ${code(ISSUE_CODES, 'damaged')}) THEN 0.7
                       WHEN late THEN claim + 0.1 ELSE claim END
), typed AS (
  SELECT *,
    CASE reason
      WHEN 'size' THEN 'exchange'
      WHEN 'defect' THEN CASE WHEN u_type < 0.5 THEN 'exchange' ELSE 'return' END
      WHEN 'wrong_item' THEN CASE WHEN u_type < 0.6 THEN 'exchange' ELSE 'return' END
      WHEN 'change_of_mind' THEN CASE WHEN u_type < 0.7 THEN 'return' ELSE 'refund' END
      WHEN 'delay' THEN 'refund'
      ELSE 'return' END AS claim_type,
    u_takeover < claim_takeover AS takeover,
    CASE WHEN u_outcome < 0.08 THEN 'withdrawn' WHEN u_outcome < 0.15 THEN 'rejected' ELSE 'completed' END AS outcome,
    CASE WHEN issue_driven THEN issue_s + 1800 + floor(u_open_time * 86400)::INTEGER
         ELSE delivered_s + 86400 + floor(u_open_time * 5 * 86400)::INTEGER END AS opened_s
  FROM picked
), steps AS (
  SELECT *, ord_at(opened_s) AS ord0,
    -- The platform moves a taken-over claim one business day per stage; a brand takes 1..claim_stage_days.
    CASE WHEN takeover THEN 1 ELSE 1 + floor(${u('n', 'claim_d1')} * claim_stage_days)::INTEGER END AS d1,
    CASE WHEN takeover THEN 1 ELSE 1 + floor(${u('n', 'claim_d2')} * claim_stage_days)::INTEGER END AS d2,
    CASE WHEN takeover THEN 1 ELSE 1 + floor(${u('n', 'claim_d3')} * claim_stage_days)::INTEGER END AS d3,
    CASE WHEN takeover THEN 1 ELSE 1 + floor(${u('n', 'claim_d4')} * claim_stage_days)::INTEGER END AS d4
  FROM typed
), timed AS (
  SELECT n, b, opened_s, claim_type, reason, takeover, outcome,
    at_bday(ord0 + d1, ${u('n', 'claim_t1')}, ${OPEN}, ${8.5 * 3600}) AS t1,
    at_bday(ord0 + d1 + d2, ${u('n', 'claim_t2')}, ${OPEN}, ${8.5 * 3600}) AS t2,
    at_bday(ord0 + d1 + d2 + d3, ${u('n', 'claim_t3')}, ${OPEN}, ${8.5 * 3600}) AS t3,
    at_bday(ord0 + d1 + d2 + d3 + d4, ${u('n', 'claim_t4')}, ${OPEN}, ${8.5 * 3600}) AS t4
  FROM steps
)
SELECT *,
  60 + CASE outcome
    WHEN 'withdrawn' THEN t1
    WHEN 'rejected' THEN CASE WHEN claim_type = 'refund' THEN t1 ELSE t3 END
    ELSE CASE WHEN claim_type = 'refund' THEN t2 ELSE t4 END
  END AS closed_s
FROM timed
ORDER BY n`;
}

/** One row per contact: the platform trying to reach a brand about one of its orders. */
export function contactsSql(): string {
  return `
CREATE TABLE contacts AS
WITH base AS (
  SELECT o.n, o.b, br.contact_answer, ord_at(o.placed_s) + 1 + floor(${u('o.n', 'contact_day')} * 4)::INTEGER AS ord,
    ${u('o.n', 'contact_answer')} AS u_answer, ${u('o.n', 'contact_late')} AS u_late,
    ${u('o.n', 'contact_late_day')} AS u_late_day, ${u('o.n', 'contact_answer_time')} AS u_answer_time,
    ${u('o.n', 'contact_channel')} AS u_channel, ${u('o.n', 'contact_purpose')} AS u_purpose
  FROM orders o JOIN brands br ON br.b = o.b
  WHERE ${u('o.n', 'contact')} < br.contact
), attempted AS (
  SELECT *, at_bday(ord, ${u('n', 'contact_time')}, ${OPEN + 1800}, ${8 * 3600}) AS attempted_s FROM base
)
SELECT n, b, attempted_s,
  ${choose('u_channel', [["'phone'", 50], ["'sms'", 20], ["'email'", 20], ["'messenger'", 10]])} AS channel,
  ${choose('u_purpose', [["'claim'", 30], ["'inquiry'", 30], ["'shipping'", 30], ["'other'", 10]])} AS purpose,
  CASE WHEN u_answer < contact_answer THEN attempted_s + 120 + floor(u_answer_time * 3 * 3600)::INTEGER
       -- Some missed contacts get a late call back (rarely from brands that seldom answer); it still counts as a failure.
       WHEN u_late < 0.3 * contact_answer THEN at_bday(ord + 2 + floor(u_late_day * 3)::INTEGER, u_answer_time, ${OPEN + 3600}, ${7 * 3600})
  END AS answered_s
FROM attempted
ORDER BY n`;
}

/** One row per review, posted 1–10 days after delivery; shipping issues pull scores down. */
export function reviewsSql(): string {
  return `
CREATE TABLE reviews AS
WITH base AS (
  SELECT o.n, o.b, o.delivered_s + 86400 + floor(${u('o.n', 'review_time')} * 9 * 86400)::INTEGER AS posted_s,
    CASE WHEN o.issue_code IS NOT NULL THEN 0.6 ELSE br.negative_review END AS neg,
    ${u('o.n', 'review_score')} AS v
  FROM orders o JOIN brands br ON br.b = o.b
  WHERE o.delivered_s IS NOT NULL AND ${u('o.n', 'review')} < br.review
)
SELECT n, b, posted_s,
  CASE WHEN v < neg / 2 THEN 1 WHEN v < neg THEN 2 WHEN v < neg + 0.1 THEN 3
       WHEN v < neg + 0.1 + (0.9 - neg) * 0.35 THEN 4 ELSE 5 END::UTINYINT AS score
FROM base
ORDER BY n`;
}
