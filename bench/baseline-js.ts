import { createReadStream, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BusinessCalendar } from '../metrics/calendar/calendar.ts';

/**
 * The baseline a user might write instead of brandscore: one plain JavaScript program that streams the event
 * CSV files (line by line with node:readline, no database) and computes, per brand, the late-dispatch and SLA
 * figures of one window [from, to) judged at as_of, by DESIGN §5. Business-day deadlines come from the same
 * BusinessCalendar class brandscore uses, cached per minute. Run by bench/baselines.ts in its own process, so
 * its time and peak memory are its own.
 *
 * node bin/run-ts.js bench/baseline-js.ts --files DIR --from DATE --to DATE --as-of ISO --out FILE.json
 * DIR holds orders.csv, shipments.csv, inquiries.csv and brands.csv (header row, instants as ISO strings).
 */
const { values } = parseArgs({
  options: {
    files: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'as-of': { type: 'string' },
    out: { type: 'string' },
  },
});
if (!values.files || !values.from || !values.to || !values['as-of'] || !values.out) {
  throw new Error('usage: baseline-js.ts --files DIR --from DATE --to DATE --as-of ISO --out FILE.json');
}
const dir = values.files;
const calendar = BusinessCalendar.fromSettings();
const fromMs = calendar.calendarDayOf(values.from).dayStart;
const toMs = calendar.calendarDayOf(values.to).dayStart;
const asOf = Date.parse(values['as-of']);

/** Splits one CSV line; quoted fields (RFC 4180) only when the line has a quote, which event ids never need. */
function split(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  fields.push(field);
  return fields;
}

/** Streams a CSV file, calling `row` with its fields and a column-index lookup from the header. */
async function eachRow(file: string, row: (fields: string[], col: Record<string, number>) => void): Promise<void> {
  const lines = createInterface({ input: createReadStream(join(dir, file)), crlfDelay: Infinity });
  let col: Record<string, number> | undefined;
  for await (const line of lines) {
    if (line === '') continue;
    const fields = split(line);
    if (!col) {
      col = Object.fromEntries(fields.map((name, i) => [name, i]));
      continue;
    }
    row(fields, col);
  }
}

const time = (text: string | undefined) => (text ? Date.parse(text) : NaN);
const minOf = (a: number, b: number) => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b));

/** Closing time of the n-th business day after t's business date (DESIGN §4), cached per minute and n. */
const deadlines = new Map<number, number>();
function deadlineAfter(t: number, n: number): number {
  const key = Math.floor(t / 60_000) * 16 + n;
  let deadline = deadlines.get(key);
  if (deadline === undefined) {
    deadline = calendar.deadlineAfter(new Date(t), n).getTime();
    deadlines.set(key, deadline);
  }
  return deadline;
}

interface Order {
  brand: string;
  placed: number;
  dueAt: number;
  paid: number;
  cancelled: number;
  dispatched: number;
}
interface Inquiry {
  brand: string;
  opened: number;
  brandAnswer: number;
}
interface Figures {
  late_dispatch_numerator: number;
  late_dispatch_denominator: number;
  sla_numerator: number;
  sla_denominator: number;
}

const started = performance.now();
const dispatchDays = new Map<string, number>();
await eachRow('brands.csv', (f, c) => {
  const days = f[c.dispatch_days!];
  if (days) dispatchDays.set(f[c.brand_id!]!, Number(days));
});

// Orders belong to the window by their placement: a first pass finds them, a second folds their other events
// (events arrive out of order, so a payment may precede its placement in the files).
const orders = new Map<string, Order>();
await eachRow('orders.csv', (f, c) => {
  if (f[c.type!] !== 'order_placed') return;
  const placed = time(f[c.occurred_at!]);
  const id = f[c.order_id!]!;
  const known = orders.get(id);
  if (known && known.placed <= placed) return;
  if (placed < fromMs || placed >= toMs) {
    if (known) orders.delete(id);
    return;
  }
  orders.set(id, { brand: f[c.brand_id!]!, placed, dueAt: time(f[c.dispatch_due_at!]), paid: NaN, cancelled: NaN, dispatched: NaN });
});
await eachRow('orders.csv', (f, c) => {
  const type = f[c.type!];
  if (type !== 'order_paid' && type !== 'order_cancelled') return;
  const order = orders.get(f[c.order_id!]!);
  if (!order) return;
  const at = time(f[c.occurred_at!]);
  if (type === 'order_paid') order.paid = minOf(order.paid, at);
  else order.cancelled = minOf(order.cancelled, at);
});
await eachRow('shipments.csv', (f, c) => {
  if (f[c.type!] !== 'dispatched') return;
  const order = orders.get(f[c.order_id!]!);
  if (order) order.dispatched = minOf(order.dispatched, time(f[c.occurred_at!]));
});

const inquiries = new Map<string, Inquiry>();
await eachRow('inquiries.csv', (f, c) => {
  if (f[c.type!] !== 'inquiry_opened') return;
  const opened = time(f[c.occurred_at!]);
  const id = f[c.inquiry_id!]!;
  const known = inquiries.get(id);
  if (known && known.opened <= opened) return;
  if (opened < fromMs || opened >= toMs) {
    if (known) inquiries.delete(id);
    return;
  }
  inquiries.set(id, { brand: f[c.brand_id!]!, opened, brandAnswer: NaN });
});
await eachRow('inquiries.csv', (f, c) => {
  if (f[c.type!] !== 'inquiry_answered' || f[c.responder!] !== 'brand') return;
  const inquiry = inquiries.get(f[c.inquiry_id!]!);
  if (inquiry) inquiry.brandAnswer = minOf(inquiry.brandAnswer, time(f[c.occurred_at!]));
});

const figures = new Map<string, Figures>();
const of = (brand: string) => {
  let f = figures.get(brand);
  if (!f) figures.set(brand, (f = { late_dispatch_numerator: 0, late_dispatch_denominator: 0, sla_numerator: 0, sla_denominator: 0 }));
  return f;
};
for (const o of orders.values()) {
  // The clock starts at payment, or at placement when there is no payment event.
  const deadline = Number.isNaN(o.dueAt) ? deadlineAfter(Number.isNaN(o.paid) ? o.placed : o.paid, dispatchDays.get(o.brand) ?? 2) : o.dueAt;
  const dispatched = o.dispatched <= asOf;
  const cancelledBeforeDispatch = o.cancelled <= asOf && o.cancelled < (Number.isNaN(o.dispatched) ? Infinity : o.dispatched);
  const deadlinePassed = deadline <= asOf;
  if (cancelledBeforeDispatch || !(dispatched || deadlinePassed)) continue;
  const f = of(o.brand);
  f.late_dispatch_denominator++;
  if ((dispatched && o.dispatched > deadline) || (!dispatched && deadlinePassed)) f.late_dispatch_numerator++;
}
for (const q of inquiries.values()) {
  const deadline = deadlineAfter(q.opened, 2);
  const answered = q.brandAnswer <= asOf;
  if (!answered && deadline > asOf) continue;
  const f = of(q.brand);
  f.sla_denominator++;
  if (answered && q.brandAnswer <= deadline) f.sla_numerator++;
}
const seconds = (performance.now() - started) / 1000;
writeFileSync(values.out, JSON.stringify({ seconds, orders: orders.size, inquiries: inquiries.size, brands: Object.fromEntries(figures) }));
process.stderr.write(`  plain JavaScript: ${seconds.toFixed(1)} s, ${orders.size} orders and ${inquiries.size} inquiries in the window\n`);
