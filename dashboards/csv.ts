import { RANKED_KEYS, type Scorecard } from '../metrics/scorecards/schema.ts';
import { loadScorecards, type DashboardContext, type Viewer } from './data.ts';

/**
 * The scorecards page as CSV: one row per brand the viewer may see, each ranked metric's value, interval and
 * volume, and its value in the previous window. Read a page at a time, so the export of 20,000 brands does not
 * hold every scorecard at once.
 */

const PAGE = 1000;

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // Quoted when needed (RFC 4180); a leading = + - @ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const columns = RANKED_KEYS.flatMap((key) => [`${key}`, `${key}_low`, `${key}_high`, `${key}_volume`, `${key}_previous`]);

function figures(card: Scorecard): (number | null)[] {
  return RANKED_KEYS.flatMap((key) => {
    const metric = card.metrics[key];
    const before = card.previous.metrics[key];
    if ('denominator' in metric && 'denominator' in before) return [metric.value, metric.wilson_low, metric.wilson_high, metric.denominator, before.value];
    if ('p50' in metric && 'p50' in before) return [metric.p50, null, metric.p90, metric.n, before.p50];
    const mean = metric as { value: number | null; n: number };
    return [mean.value, null, null, mean.n, (before as { value: number | null }).value];
  });
}

export async function scorecardsCsv(ctx: DashboardContext, viewer: Viewer, dates: { from: string; to: string }): Promise<string> {
  const lines = [['brand_id', 'name', 'status', 'window_from', 'window_to', 'as_of', 'orders_placed', ...columns].join(',')];
  for (let offset = 0; ; offset += PAGE) {
    const page = await loadScorecards(ctx, viewer, dates, { offset, limit: PAGE });
    for (const card of page.scorecards) {
      lines.push(
        [card.brand_id, card.brand.name, card.brand.status, card.window.from, card.window.to, card.window.as_of, card.metrics.orders_placed.value, ...figures(card)]
          .map(cell)
          .join(','),
      );
    }
    if (page.scorecards.length < PAGE) break;
  }
  return `${lines.join('\r\n')}\r\n`;
}
