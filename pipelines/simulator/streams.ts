import { contracts, type EventStream } from '../contracts/index.ts';
import { CANCELLED_BY_CODES, CHANGED_BY_CODES, ISSUE_CODES, u } from './entities.ts';

/**
 * The events of each stream as SQL over the entity tables: one UNION ALL branch per event type, each row
 * carrying `s` (seconds since the period start), `ent` and `seq` (a unique sort key within the stream), `b`
 * (brand index) and the stream's raw fields. `streamFileSql` turns them into the contract's columns for one file.
 */

type Raw = Record<string, string>;

interface StreamSpec {
  /** Prefix of event ids: `o-000001234-placed`. */
  prefix: string;
  /** Raw fields beyond the common ones, with their SQL types (a branch that lacks one gets NULL). */
  raw: Record<string, string>;
  branches: { type: string; suffix: string; from: string; where?: string; s: string; seq: string; ent?: string; fields: Raw }[];
  /** Output expression of each contract column that is not one of the common ones. */
  columns: Raw;
  /** Where an "unknown enum value" dirty row puts its value: the first entry whose condition holds, else `type`. */
  unknownEnum: { column: string; when: string; value: string }[];
  unknownType: string;
  /** The dirty "bad number" kind: an out-of-range value where the row has a number, else a missing brand_id. */
  badNumber?: { column: string; when: string; value: string };
}

const decode = (codes: readonly string[], column: string) => `[${codes.map((c) => `'${c}'`).join(',')}][${column}]`;
const id = (letter: string, column: string, width: number) => `'${letter}' || lpad(${column}::VARCHAR, ${width}, '0')`;

const STAGES = (takeover: string) => (stage: string) => ({
  type: 'claim_stage_changed',
  suffix: `stage-${stage}`,
  from: 'claims',
  fields: {
    stage: `'${stage}'`,
    handled_by: stage === 'requested' ? `'brand'` : `CASE WHEN ${takeover} THEN 'platform' ELSE 'brand' END`,
  },
});

export const STREAM_SPECS: Record<EventStream, StreamSpec> = {
  orders: {
    prefix: 'o',
    raw: { amount: 'BIGINT', quantity: 'BIGINT', dd: 'INTEGER', vd: 'INTEGER', cancelled_by: 'UTINYINT', changed_by: 'UTINYINT' },
    branches: [
      {
        type: 'order_placed', suffix: 'placed', from: 'orders', s: 'placed_s', seq: '0',
        fields: { amount: 'unit_price * quantity', quantity: 'quantity', dd: 'dispatch_due_s', vd: 'delivery_due_s' },
      },
      { type: 'order_paid', suffix: 'paid', from: 'orders', where: 'paid_s IS NOT NULL', s: 'paid_s', seq: '1', fields: {} },
      {
        type: 'order_cancelled', suffix: 'cancelled', from: 'orders', where: 'cancel_s IS NOT NULL', s: 'cancel_s', seq: '2',
        fields: { cancelled_by: 'cancel_by' },
      },
      {
        type: 'address_changed', suffix: 'address-changed', from: 'orders', where: 'changed_by IS NOT NULL', s: 'changed_s', seq: '3',
        fields: { changed_by: 'changed_by' },
      },
    ],
    columns: {
      order_id: id('O', 'ent', 9),
      amount: 'amount',
      quantity: 'quantity',
      dispatch_due_at: 'TS(dd)',
      delivery_due_at: 'TS(vd)',
      cancelled_by: decode(CANCELLED_BY_CODES, 'cancelled_by'),
      changed_by: decode(CHANGED_BY_CODES, 'changed_by'),
    },
    unknownEnum: [{ column: 'cancelled_by', when: "type = 'order_cancelled'", value: "'robot'" }],
    unknownType: 'order_refunded',
    badNumber: { column: 'amount', when: "type = 'order_placed'", value: '-amount' },
  },
  shipments: {
    prefix: 's',
    raw: { carrier: 'VARCHAR', tracking_no: 'VARCHAR', issue: 'UTINYINT' },
    branches: [
      {
        type: 'dispatched', suffix: 'dispatched', from: 'orders JOIN brands USING (b)', where: 'dispatch_s IS NOT NULL', s: 'dispatch_s', seq: '0',
        fields: { carrier: 'carrier', tracking_no: `lpad(floor(${u('n', 'tracking')} * 1e12)::BIGINT::VARCHAR, 12, '0')` },
      },
      { type: 'delivered', suffix: 'delivered', from: 'orders', where: 'delivered_s IS NOT NULL', s: 'delivered_s', seq: '1', fields: {} },
      {
        type: 'shipping_issue', suffix: 'issue', from: 'orders', where: 'issue_s IS NOT NULL', s: 'issue_s', seq: '2',
        fields: { issue: 'issue_code' },
      },
    ],
    columns: { order_id: id('O', 'ent', 9), carrier: 'carrier', tracking_no: 'tracking_no', issue: decode(ISSUE_CODES, 'issue') },
    unknownEnum: [{ column: 'issue', when: "type = 'shipping_issue'", value: "'stolen'" }],
    unknownType: 'returned_to_sender',
  },
  inquiries: {
    prefix: 'q',
    raw: { channel: 'VARCHAR', category: 'VARCHAR', order_n: 'BIGINT', responder: 'VARCHAR' },
    branches: [
      {
        type: 'inquiry_opened', suffix: 'opened', from: 'inquiries', s: 'opened_s', seq: '0', ent: 'i',
        fields: { channel: 'channel', category: 'category', order_n: 'CASE WHEN slot = 0 THEN n END' },
      },
      {
        type: 'inquiry_answered', suffix: 'answered', from: 'inquiries', where: 'answered_s IS NOT NULL', s: 'answered_s', seq: '1', ent: 'i',
        fields: { responder: 'responder' },
      },
      { type: 'inquiry_closed', suffix: 'closed', from: 'inquiries', where: 'closed_s IS NOT NULL', s: 'closed_s', seq: '2', ent: 'i', fields: {} },
    ],
    columns: {
      inquiry_id: id('Q', 'ent', 10),
      channel: 'channel',
      category: 'category',
      order_id: id('O', 'order_n', 9),
      responder: 'responder',
    },
    unknownEnum: [
      { column: 'channel', when: "type = 'inquiry_opened'", value: "'fax'" },
      { column: 'responder', when: "type = 'inquiry_answered'", value: "'chatbot'" },
    ],
    unknownType: 'inquiry_reopened',
  },
  claims: {
    prefix: 'c',
    raw: { claim_type: 'VARCHAR', reason: 'VARCHAR', stage: 'VARCHAR', handled_by: 'VARCHAR', outcome: 'VARCHAR' },
    branches: [
      {
        type: 'claim_opened', suffix: 'opened', from: 'claims', s: 'opened_s', seq: '0',
        fields: { claim_type: 'claim_type', reason: 'reason' },
      },
      { ...STAGES('takeover')('requested'), s: 'opened_s + 60', seq: '1' },
      { ...STAGES('takeover')('collecting'), where: "claim_type <> 'refund' AND outcome <> 'withdrawn'", s: 't1', seq: '2' },
      { ...STAGES('takeover')('inspecting'), where: "claim_type <> 'refund' AND outcome <> 'withdrawn'", s: 't2', seq: '3' },
      {
        ...STAGES('takeover')('processing'), where: "outcome = 'completed'",
        s: "CASE WHEN claim_type = 'refund' THEN t1 ELSE t3 END", seq: '4',
      },
      {
        ...STAGES('takeover')('completed'), where: "outcome = 'completed'",
        s: "CASE WHEN claim_type = 'refund' THEN t2 ELSE t4 END", seq: '5',
      },
      {
        ...STAGES('takeover')('rejected'), where: "outcome = 'rejected'",
        s: "CASE WHEN claim_type = 'refund' THEN t1 ELSE t3 END", seq: '5',
      },
      { type: 'claim_closed', suffix: 'closed', from: 'claims', s: 'closed_s', seq: '6', fields: { outcome: 'outcome' } },
    ],
    columns: {
      claim_id: id('C', 'ent', 9),
      order_id: id('O', 'ent', 9),
      claim_type: 'claim_type',
      reason: 'reason',
      stage: 'stage',
      handled_by: 'handled_by',
      outcome: 'outcome',
    },
    unknownEnum: [
      { column: 'stage', when: "type = 'claim_stage_changed'", value: "'lost'" },
      { column: 'reason', when: "type = 'claim_opened'", value: "'bad_vibes'" },
    ],
    unknownType: 'claim_escalated',
  },
  contacts: {
    prefix: 'k',
    raw: { channel: 'VARCHAR', purpose: 'VARCHAR' },
    branches: [
      {
        type: 'contact_attempted', suffix: 'attempted', from: 'contacts', s: 'attempted_s', seq: '0',
        fields: { channel: 'channel', purpose: 'purpose' },
      },
      { type: 'contact_answered', suffix: 'answered', from: 'contacts', where: 'answered_s IS NOT NULL', s: 'answered_s', seq: '1', fields: {} },
    ],
    columns: { contact_id: id('K', 'ent', 9), channel: 'channel', purpose: 'purpose' },
    unknownEnum: [{ column: 'channel', when: "type = 'contact_attempted'", value: "'fax'" }],
    unknownType: 'contact_missed',
  },
  reviews: {
    prefix: 'r',
    raw: { score: 'BIGINT' },
    branches: [{ type: 'review_posted', suffix: 'posted', from: 'reviews', s: 'posted_s', seq: '0', fields: { score: 'score' } }],
    columns: { review_id: id('R', 'ent', 9), order_id: id('O', 'ent', 9), score: 'score' },
    unknownEnum: [],
    unknownType: 'review_edited',
    badNumber: { column: 'score', when: "type = 'review_posted'", value: '7' },
  },
};

/** All events of a stream, unsorted, with the raw columns (every instant as seconds). */
export function streamUnionSql(stream: EventStream): string {
  const spec = STREAM_SPECS[stream];
  return spec.branches
    .map((branch) => {
      const raw = Object.entries(spec.raw).map(
        ([name, type]) => `${branch.fields[name] !== undefined ? `(${branch.fields[name]})::${type}` : `NULL::${type}`} AS ${name}`,
      );
      return `SELECT (${branch.s})::INTEGER AS s, (${branch.ent ?? 'n'})::BIGINT AS ent, ${branch.seq} AS seq, b,
        '${branch.type}' AS type, '${branch.suffix}' AS suffix, ${raw.join(', ')}
      FROM ${branch.from}${branch.where ? ` WHERE ${branch.where}` : ''}`;
    })
    .join('\nUNION ALL\n');
}

export interface FileLayout {
  /** Seconds at which each month after the first begins; file k holds events of month k. */
  monthStarts: number[];
  /** End of the period (exclusive), in seconds. */
  end: number;
  /** Share of events delivered one file late. */
  lateRate: number;
}

/** Month file of each event, shifted one file later for the late share (never past the last month). */
export function placedSql(stream: EventStream, layout: FileLayout, dirtyRate: number): string {
  const months = layout.monthStarts.length + 1;
  const monthOf = layout.monthStarts.length
    ? `CASE ${layout.monthStarts.map((start, i) => `WHEN s < ${start} THEN ${i + 1}`).join(' ')} ELSE ${months} END`
    : '1';
  const key = 'ent * 16 + seq';
  return `
SELECT *, month_file + late::INTEGER AS file FROM (
  SELECT *, ${monthOf} AS month_file,
    ${u(key, 'event_late')} < ${layout.lateRate} AND ${monthOf} < ${months} AS late,
    ${dirtyRate > 0 ? `${u(key, 'dirty')} < ${dirtyRate}` : 'false'} AS dirty,
    floor(${u(key, 'dirty_kind')} * 4)::INTEGER AS dirty_kind
  FROM (${streamUnionSql(stream)})
  WHERE s >= 0 AND s < ${layout.end}
)`;
}

export interface Formatting {
  /** Brand id digits. */
  brandWidth: number;
  /** Seconds since the epoch of the period start's local midnight, read as UTC (for strings with +09:00). */
  localEpoch: number;
  /** Whether instants are written as TIMESTAMPTZ (Parquet without dirty rows) or as ISO strings with offset. */
  typedTimestamps: boolean;
}

export const DIRTY_KINDS = ['missing_event_id', 'unparseable_timestamp', 'unknown_enum', 'bad_number_or_missing_field'] as const;
export const BAD_TIMESTAMP = '2024-13-45 99:00';

/** The contract's columns of one file of a stream, in contract order after `event_id` and `type`, sorted stably. */
export function streamFileSql(stream: EventStream, layout: FileLayout, file: number, dirtyRate: number, fmt: Formatting): string {
  const spec = STREAM_SPECS[stream];
  const ts = (column: string) =>
    fmt.typedTimestamps
      ? `to_timestamp(${fmt.localEpoch - 9 * 3600} + ${column})`
      : `strftime(make_timestamp((${fmt.localEpoch}::BIGINT + ${column}) * 1000000), '%Y-%m-%dT%H:%M:%S+09:00')`;
  const expr = (sql: string) => sql.replace(/TS\(([a-z_]+)\)/g, (_, column: string) => ts(column));
  const dirty = (kind: number) => `(dirty AND dirty_kind = ${kind})`;
  const typeExpr = [
    spec.unknownEnum.length ? `WHEN ${dirty(2)} AND NOT (${spec.unknownEnum.map((e) => e.when).join(' OR ')}) THEN '${spec.unknownType}'` : `WHEN ${dirty(2)} THEN '${spec.unknownType}'`,
  ];
  const out: string[] = [
    `CASE WHEN ${dirty(0)} THEN NULL ELSE '${spec.prefix}-' || lpad(ent::VARCHAR, ${spec.prefix === 'q' ? 10 : 9}, '0') || '-' || suffix END AS event_id`,
    `CASE ${typeExpr.join(' ')} ELSE type END AS type`,
    `CASE WHEN ${dirty(3)}${spec.badNumber ? ` AND NOT (${spec.badNumber.when})` : ''} THEN NULL ELSE 'B' || lpad(b::VARCHAR, ${fmt.brandWidth}, '0') END AS brand_id`,
    `CASE WHEN ${dirty(1)} THEN '${BAD_TIMESTAMP}' ELSE ${ts('s')} END AS occurred_at`,
  ];
  if (fmt.typedTimestamps) out[3] = `${ts('s')} AS occurred_at`;
  for (const column of contracts[stream].columns) {
    if (['event_id', 'brand_id', 'occurred_at'].includes(column.name)) continue;
    let sql = expr(spec.columns[column.name] ?? 'NULL');
    const unknown = spec.unknownEnum.find((e) => e.column === column.name);
    if (unknown) sql = `CASE WHEN ${dirty(2)} AND ${unknown.when} THEN ${unknown.value} ELSE ${sql} END`;
    if (spec.badNumber?.column === column.name) sql = `CASE WHEN ${dirty(3)} AND ${spec.badNumber.when} THEN ${spec.badNumber.value} ELSE ${sql} END`;
    out.push(`${sql} AS ${column.name}`);
  }
  // Sorting the compact raw rows and formatting afterwards keeps the sort's memory small; the projection keeps
  // the order (preserve_insertion_order), so the file is still written in (s, ent, seq) order.
  return `SELECT ${out.join(',\n  ')}
FROM (SELECT * FROM (${placedSql(stream, layout, dirtyRate)}) WHERE file = ${file} ORDER BY s, ent, seq)`;
}

/** Counts per stream over all files: rows, late deliveries and dirty rows by kind. */
export function streamStatsSql(stream: EventStream, layout: FileLayout, dirtyRate: number): string {
  return `SELECT count(*) AS rows, count(*) FILTER (WHERE late) AS late,
  ${DIRTY_KINDS.map((kind, i) => `count(*) FILTER (WHERE dirty AND dirty_kind = ${i}) AS ${kind}`).join(', ')}
FROM (${placedSql(stream, layout, dirtyRate)})`;
}
