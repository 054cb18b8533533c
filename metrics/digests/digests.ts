import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { enqueueMessages, type OutboxMessage } from '../../pipelines/delivery/outbox.ts';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';
import type { BusinessCalendar } from '../calendar/calendar.ts';
import { minutesOfClock, ZonedClock } from '../calendar/zoned-time.ts';
import { DigestSchema, type Digest, type PendingSection } from './schema.ts';

/**
 * Morning digests (DESIGN §1, §8): on each business date, one message per brand with pending work — orders to
 * dispatch, inquiries to answer, claims to handle, contacts to return — counted at the digest time of that date
 * from the facts (pending_work.sql). A brand with nothing pending gets nothing; no date that is not a business
 * day gets any digest.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const PENDING_WORK_SQL = readFileSync(join(HERE, 'pending_work.sql'), 'utf8');
/** Digests per INSERT statement. */
const INSERT_CHUNK = 500;

export class DigestDateError extends Error {
  override name = 'DigestDateError';
}

export interface DigestOptions {
  /** Business date, YYYY-MM-DD in the business time zone. */
  date: string;
  now: Date;
  calendar: BusinessCalendar;
  /** 'HH:MM' local: the digest counts pending work at this time of the date (or now, if earlier). */
  digestTime: string;
  connection?: DuckDBConnection;
  /** One brand only. */
  only?: string | null;
}

export type DigestDay =
  | { date: string; business_day: false; reason: string; as_of: null; digests: [] }
  | { date: string; business_day: true; reason: null; as_of: string; digests: Digest[] };

/** The idempotency key of a brand's digest: the same for the same brand and date, whoever makes it, whenever. */
export function digestMessageId(date: string, brandId: string): string {
  return `digest:${date}:${brandId}`;
}

/** as_of of a date's digests: its digest time, or now if that is earlier; refused for a date after today. */
export function digestAsOf(date: string, calendar: BusinessCalendar, digestTime: string, now: Date): Date {
  const today = calendar.localDateOf(now);
  if (date > today) throw new DigestDateError(`${date} is in the future (today is ${today} in ${calendar.timeZone})`);
  const at = new ZonedClock(calendar.timeZone).instantOf(date, minutesOfClock(digestTime));
  return new Date(Math.min(at, now.getTime()));
}

/** The digests of a date, computed and not stored. */
export async function computeDigests(warehouse: Warehouse, options: DigestOptions): Promise<DigestDay> {
  const { date, calendar } = options;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new DigestDateError(`expected a YYYY-MM-DD date, got '${date}'`);
  }
  if (!calendar.isBusinessDay(date)) {
    return { date, business_day: false, reason: `${date} is not a business day`, as_of: null, digests: [] };
  }
  const asOf = digestAsOf(date, calendar, options.digestTime, options.now);
  const todayClose = calendar.openingHoursOf(date)!.close;
  const rows = await warehouse.all<Record<string, string | number | null>>(
    PENDING_WORK_SQL,
    { as_of: asOf.toISOString(), today_close: todayClose.toISOString(), only: options.only ?? null },
    options.connection,
  );
  const refreshed = await warehouse.one<{ at: string | null }>(`SELECT max(refreshed_at) AS at FROM refresh_state`, undefined, options.connection);
  const format = localFormat(calendar.timeZone);
  const digests = rows.map((row) => {
    const section = (prefix: string): PendingSection => ({
      count: Number(row[`${prefix}_n`]),
      overdue: Number(row[`${prefix}_overdue`]),
      due_today: Number(row[`${prefix}_due_today`]),
      oldest:
        row[`${prefix}_oldest_id`] === null
          ? null
          : {
              id: String(row[`${prefix}_oldest_id`]),
              since: String(row[`${prefix}_oldest_at`]),
              deadline: row[`${prefix}_oldest_deadline`] === null ? null : String(row[`${prefix}_oldest_deadline`]),
            },
    });
    const brandId = String(row.brand_id);
    const digest: Omit<Digest, 'text'> = {
      kind: 'brand_digest',
      message_id: digestMessageId(date, brandId),
      brand_id: brandId,
      brand_name: row.brand_name === null ? null : String(row.brand_name),
      digest_date: date,
      as_of: asOf.toISOString(),
      facts_as_of: refreshed?.at ?? null,
      orders_awaiting_dispatch: section('orders'),
      unanswered_inquiries: section('inquiries'),
      open_claims: section('claims'),
      contacts_awaiting_reply: section('contacts'),
    };
    return DigestSchema.parse({ ...digest, text: digestText(digest, format) });
  });
  return { date, business_day: true, reason: null, as_of: asOf.toISOString(), digests };
}

export interface DigestRunResult {
  date: string;
  business_day: boolean;
  reason: string | null;
  as_of: string | null;
  /** Brands with a digest for the date after this run. */
  brands: number;
  /** Digests made by this run (a rerun of the same date makes only those of brands newly pending). */
  created: number;
}

/**
 * Makes and queues the digests of a date in one transaction: each digest row, its outbox message (its key and
 * body fixed from now on) and the date's digest_runs row commit together, or none does. A digest already made
 * for a brand and date is kept as it was: the key, the body and the file never change once queued.
 */
export async function makeDigests(warehouse: Warehouse, options: Omit<DigestOptions, 'connection'>): Promise<DigestRunResult> {
  return warehouse.transaction(async (connection) => {
    const day = await computeDigests(warehouse, { ...options, connection });
    if (!day.business_day) return { date: day.date, business_day: false, reason: day.reason, as_of: null, brands: 0, created: 0 };
    const now = options.now.toISOString();
    let created = 0;
    for (let start = 0; start < day.digests.length; start += INSERT_CHUNK) {
      const chunk = day.digests.slice(start, start + INSERT_CHUNK);
      const bodies = chunk.map((digest) => JSON.stringify(digest));
      const params: Record<string, string> = { date: day.date, as_of: day.as_of, now };
      const values = chunk.map((digest, i) => {
        params[`brand${i}`] = digest.brand_id;
        params[`id${i}`] = digest.message_id;
        params[`body${i}`] = bodies[i]!;
        return `($date::DATE, $brand${i}, $id${i}, $as_of::TIMESTAMPTZ, $body${i}, $now::TIMESTAMPTZ)`;
      });
      // A brand that has its digest for the date keeps it: only the new ones are queued.
      const inserted = new Set(
        (
          await warehouse.all<{ brand_id: string }>(
            `INSERT INTO digests (digest_date, brand_id, message_id, as_of, body, created_at) VALUES ${values.join(',\n')}
             ON CONFLICT DO NOTHING RETURNING brand_id`,
            params,
            connection,
          )
        ).map((row) => row.brand_id),
      );
      const fresh = chunk.flatMap((digest, i) =>
        inserted.has(digest.brand_id)
          ? [{ messageId: digest.message_id, kind: 'brand_digest' as const, brandId: digest.brand_id, digestDate: day.date, body: bodies[i]! }]
          : [],
      );
      await enqueueMessages(
        warehouse,
        fresh,
        { now: options.now, connection },
      );
      created += fresh.length;
    }
    const total = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM digests WHERE digest_date = $date::DATE`, { date: day.date }, connection);
    await connection.run(
      `INSERT INTO digest_runs (digest_date, as_of, brands, created_at) VALUES ($date::DATE, $as_of::TIMESTAMPTZ, $brands, $now::TIMESTAMPTZ)
       ON CONFLICT (digest_date) DO UPDATE SET brands = excluded.brands`,
      { date: day.date, as_of: day.as_of, brands: total!.n, now },
    );
    return { date: day.date, business_day: true, reason: null, as_of: day.as_of, brands: total!.n, created };
  });
}

/** Whether the digest job has run for a date. */
export async function digestsMadeFor(warehouse: Warehouse, date: string): Promise<boolean> {
  const row = await warehouse.one(`SELECT 1 AS made FROM digest_runs WHERE digest_date = $date::DATE`, { date });
  return row !== undefined;
}

function localFormat(timeZone: string): (iso: string) => string {
  const format = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (iso) => format.format(new Date(iso));
}

/** The digest as plain text, in Korean and in English; a section with nothing pending is left out. */
export function digestText(digest: Omit<Digest, 'text'>, format: (iso: string) => string): { ko: string; en: string } {
  const who = digest.brand_name ? `${digest.brand_name} (${digest.brand_id})` : digest.brand_id;
  const ko = [`[brandscore] ${who} ${digest.digest_date} 처리 대기 현황 (${format(digest.as_of)} 기준)`];
  const en = [`[brandscore] Pending work for ${who} on ${digest.digest_date} (as of ${format(digest.as_of)})`];
  const o = digest.orders_awaiting_dispatch;
  if (o.count > 0) {
    const oldest = o.oldest ? `; 가장 오래된 주문 ${o.oldest.id}, ${format(o.oldest.since)} 주문` : '';
    const oldestEn = o.oldest ? `; oldest ${o.oldest.id}, placed ${format(o.oldest.since)}` : '';
    ko.push(`- 출고 대기 주문 ${o.count}건 (출고 기한 경과 ${o.overdue}건, 오늘 마감 ${o.due_today}건${oldest})`);
    en.push(`- Orders awaiting dispatch: ${o.count} (${o.overdue} past the dispatch deadline, ${o.due_today} due today${oldestEn})`);
  }
  const i = digest.unanswered_inquiries;
  if (i.count > 0) {
    ko.push(`- 미답변 문의 ${i.count}건 (답변 기한 경과 ${i.overdue}건, 오늘 마감 ${i.due_today}건)`);
    en.push(`- Unanswered inquiries: ${i.count} (${i.overdue} overdue, ${i.due_today} due today)`);
  }
  const c = digest.open_claims;
  if (c.count > 0) {
    ko.push(`- 처리 대기 클레임 ${c.count}건 (3영업일 경과 ${c.overdue}건)`);
    en.push(`- Open claims waiting on you: ${c.count} (${c.overdue} older than 3 business days)`);
  }
  const k = digest.contacts_awaiting_reply;
  if (k.count > 0) {
    ko.push(`- 회신 대기 연락 ${k.count}건 (1영업일 경과 ${k.overdue}건)`);
    en.push(`- Contacts awaiting your reply: ${k.count} (${k.overdue} past 1 business day)`);
  }
  return { ko: ko.join('\n'), en: en.join('\n') };
}

export interface StoredDigest {
  digest: Digest;
  delivery: OutboxMessage;
}

/** The digests made for a date with their outbox state, in brand_id order; `only` limits them to one brand. */
export async function listDigests(
  warehouse: Warehouse,
  date: string,
  options: { only?: string | null; connection?: DuckDBConnection } = {},
): Promise<{ run: { as_of: string; brands: number; created_at: string } | null; digests: StoredDigest[] }> {
  const run = await warehouse.one<{ as_of: string; brands: number; created_at: string }>(
    `SELECT as_of, brands, created_at FROM digest_runs WHERE digest_date = $date::DATE`,
    { date },
    options.connection,
  );
  const rows = await warehouse.all<Record<string, unknown> & { digest_body: string }>(
    `SELECT d.body AS digest_body, o.* EXCLUDE (body)
     FROM digests d JOIN outbox o USING (message_id)
     WHERE d.digest_date = $date::DATE AND ($only IS NULL OR d.brand_id = $only)
     ORDER BY d.brand_id`,
    { date, only: options.only ?? null },
    options.connection,
  );
  return {
    run: run ?? null,
    digests: rows.map(({ digest_body, ...delivery }) => ({
      digest: DigestSchema.parse(JSON.parse(digest_body)),
      delivery: delivery as unknown as StoredDigest['delivery'],
    })),
  };
}
