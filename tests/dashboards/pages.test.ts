import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/demo.ts';
import { CHART_NAMES } from '../../dashboards/charts/registry.ts';
import { highestRates } from '../../dashboards/charts/scorecards.ts';
import { loadHighestRates, loadScorecards, pickedWindow } from '../../dashboards/data.ts';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { addDays } from '../../metrics/calendar/zoned-time.ts';
import { evaluateRecommendations } from '../../metrics/recommendations/evaluate.ts';
import { parsePolicy } from '../../metrics/recommendations/policy.ts';
import type { RecommendationList } from '../../metrics/recommendations/schema.ts';
import { trailingWindow } from '../../metrics/scorecards/scorecards.ts';
import { enqueueMessage } from '../../pipelines/delivery/outbox.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { recordJobRun } from '../../pipelines/scheduler/job-runs.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { buildApp } from '../../server/app.ts';
import { tempDir } from '../helpers/event-files.ts';

/**
 * The dashboards in a real browser (Debian's Chromium, driven by playwright-core) against a real listening server
 * on a small simulated marketplace: every page loads without console errors or CSP violations, every chart draws
 * marks, sorting, filtering and the window picker change what is shown, the language switch works, and a brand
 * user cannot reach another brand. One browser for the whole file.
 */

/**
 * The real clock, fixed at the start: the browser drops a session cookie whose expiry (12 hours after the server's
 * "now") is already past, so a made-up date would sign nobody in. The demo data ends yesterday either way.
 */
const NOW = new Date();
const calendar = new BusinessCalendar(parseConfig({}).calendar);
const trailing = (days: number) => trailingWindow(calendar, NOW, days);

let warehouse: Warehouse;
let app: FastifyInstance;
let url: string;
let browser: Browser;
let admin: string;
let brandToken: string;
let ownBrand: string;
let otherBrand: string;
let probationBrand: string;
let manager: string;
let onboardingToken: string;

/**
 * A strict policy, so that 6 brands give the queue actions to decide on: any late dispatch warns, a quarter delists
 * (DESIGN §6's thresholds would leave a small simulated marketplace with watch only).
 */
const policy = parsePolicy({
  version: 'dashboards-test',
  delisting: { rules: { late_dispatch_rate: { warn: 0, delist: 0.25, min_denominator: 1 } } },
});

beforeAll(async () => {
  const dir = tempDir('brandscore-dashboards-');
  warehouse = await Warehouse.open(join(dir, 'brandscore.duckdb'));
  const config = parseConfig({ inbox: join(dir, 'inbox') });
  await runDemo(warehouse, config, { days: 63, brands: 6, seed: 5, now: NOW, recommendations: false, progress: () => undefined });
  await recordJobRun(warehouse, 'refresh', 'schedule', async () => ({ rowsIn: 120, accepted: 120 }));
  await recordJobRun(warehouse, 'inbox', 'schedule', async () => {
    throw new Error('inbox folder is not readable');
  });
  // One evaluation for the recommendations queue; a brand in probation for the onboarding checklist; a dead
  // letter for the jobs page's retry button. 63 days of orders are more than the 28 the forecast needs.
  await evaluateRecommendations(warehouse, { now: NOW, calendar, policy, triggeredBy: 'test' });
  const brandIds = await warehouse.all<{ brand_id: string }>('SELECT brand_id FROM brands ORDER BY brand_id');
  probationBrand = brandIds[2]!.brand_id;
  await warehouse.run(`UPDATE brands SET status = 'probation' WHERE brand_id = $brand`, { brand: probationBrand });
  await enqueueMessage(warehouse, { messageId: 'alert-dead-1', kind: 'staff_alert', brandId: null, digestDate: null, body: '{"text":"test"}' }, { now: NOW });
  await warehouse.run(`UPDATE outbox SET status = 'dead', dead_at = now(), attempts = 5, last_http_status = 500, last_error = 'server error' WHERE message_id = 'alert-dead-1'`);
  app = await buildApp({ warehouse, config, policy, now: () => NOW, log: () => undefined, rateLimit: false });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  const brands = await warehouse.all<{ brand_id: string }>('SELECT brand_id FROM brands ORDER BY brand_id');
  [ownBrand, otherBrand] = [brands[0]!.brand_id, brands[1]!.brand_id];
  admin = await app.credentials.createToken({ role: 'admin' });
  brandToken = await app.credentials.createToken({ role: 'brand', brandId: ownBrand });
  manager = await app.credentials.createToken({ role: 'manager' });
  onboardingToken = await app.credentials.createToken({ role: 'onboarding' });
  // A row that fails its contract, so the jobs page has a quarantine example.
  const ingest = await app.credentials.createToken({ role: 'ingest' });
  await fetch(`${url}/api/ingest/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/x-ndjson' },
    body: `${JSON.stringify({ event_id: 'bad-1', type: 'order_placed', brand_id: ownBrand, occurred_at: 'yesterday', order_id: 'OX' })}\n`,
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  warehouse?.close();
});

interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
}

async function signIn(token: string): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  // Through the login form, as a person would.
  await page.goto(`${url}/scorecards`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.fill('input[name=token]', token);
  await Promise.all([page.waitForURL(`${url}/`), page.click('button[type=submit]')]);
  return { context, page, problems };
}

/** Waits until every chart on the page has been drawn (or failed), then counts each one's marks. */
async function chartMarks(page: Page): Promise<Record<string, { rendered: string | null; marks: number }>> {
  await page.waitForFunction(() => Array.from(document.querySelectorAll('figure.chart')).every((figure) => figure.hasAttribute('data-rendered')), null, {
    timeout: 20_000,
  });
  return page.evaluate(() =>
    Object.fromEntries(
      Array.from(document.querySelectorAll('figure.chart')).map((figure) => [
        figure.getAttribute('data-chart')!,
        { rendered: figure.getAttribute('data-rendered'), marks: figure.querySelectorAll('svg .role-mark > *').length },
      ]),
    ),
  );
}

const lateDispatchColumn = (page: Page) =>
  page.$$eval('#scorecards tbody tr:not([hidden]) td[data-metric=late_dispatch_rate]', (cells) => cells.map((cell) => cell.getAttribute('data-sort-value')));
const brandColumn = (page: Page) => page.$$eval('#scorecards tbody tr:not([hidden]) td:first-child', (cells) => cells.map((cell) => cell.getAttribute('data-sort-value')));

describe('dashboards in a browser', () => {
  let staff: Session;
  beforeAll(async () => {
    staff = await signIn(admin);
  });
  afterAll(async () => staff.context.close());

  it('loads every page without console errors or CSP violations, and every chart draws its marks', async () => {
    const expectedCharts: Record<string, string[]> = {
      '/': [],
      '/scorecards': ['scorecard-rates'],
      [`/brands/${ownBrand}`]: ['brand-late-dispatch', 'brand-sla', 'brand-answer-time', 'brand-claim-stages'],
      '/jobs': ['jobs-runs', 'jobs-ingest-rows'],
      '/recommendations': [],
      '/onboarding': [],
      '/load': [
        'load-orders',
        'load-inquiries',
        'load-hourly',
        'load-channels',
        'load-backlog',
        'load-self-service',
        'forecast-orders',
        'forecast-inquiries',
        'staffing-agents',
        'staffing-phone',
      ],
    };
    const home = await staff.page.goto(`${url}/`);
    expect(home!.status()).toBe(200);
    const links = await staff.page.$$eval('ul.page-links a', (anchors) => anchors.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['/scorecards', '/recommendations', '/onboarding', '/load', '/jobs', '/scorecards']);
    const csp = home!.headers()['content-security-policy']!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
    for (const [path, charts] of Object.entries(expectedCharts)) {
      const response = await staff.page.goto(`${url}${path}`);
      expect(response!.status(), path).toBe(200);
      const marks = await chartMarks(staff.page);
      expect(Object.keys(marks).sort(), path).toEqual([...charts].sort());
      for (const [chart, drawn] of Object.entries(marks)) {
        expect(drawn.rendered, chart).toBe('true');
        expect(drawn.marks, chart).toBeGreaterThan(0);
      }
    }
    // Every chart of the registry is on some page.
    expect(Object.values(expectedCharts).flat().sort()).toEqual([...CHART_NAMES].sort());
    // The brand page shows its evidence with entity ids.
    await staff.page.goto(`${url}/brands/${ownBrand}`);
    const evidenceIds = await staff.page.$$eval('section.evidence td:first-child code', (cells) => cells.map((cell) => cell.textContent));
    expect(evidenceIds.length).toBeGreaterThan(0);
    expect(await staff.page.$$eval('.card[data-metric]', (cards) => cards.length)).toBe(12);
    await staff.page.goto(`${url}/jobs`);
    expect(await staff.page.textContent('#quarantine')).toContain('occurred_at');
    expect(await staff.page.textContent('#job-runs')).toContain('inbox folder is not readable');
    expect(await staff.page.textContent('#delivery-counts')).toContain('dead: 1');
    // The onboarding checklist: the brand in probation with every criterion and its verdict.
    await staff.page.goto(`${url}/onboarding`);
    const checklist = await staff.page.$$eval('article.checklist', (articles) =>
      articles.map((article) => ({
        brand: article.getAttribute('data-brand-id'),
        verdict: article.getAttribute('data-verdict'),
        results: Array.from(article.querySelectorAll('tr[data-result]')).map((row) => row.getAttribute('data-result')),
      })),
    );
    expect(checklist.map((c) => c.brand)).toEqual([probationBrand]);
    expect(checklist[0]!.verdict).toMatch(/^(ready_to_graduate|retraining_recommended|extend_probation|profile_incomplete)$/);
    expect(checklist[0]!.results).toHaveLength(7);
    checklist[0]!.results.forEach((result) => expect(['pass', 'fail', 'insufficient_data']).toContain(result));
    expect(await staff.page.getAttribute(`#onb-${probationBrand} h2 a`, 'href')).toBe(`/brands/${probationBrand}`);
    // The peak-load page shows the busiest days of the window and follows the picker.
    await staff.page.goto(`${url}/load?days=7`);
    expect(await staff.page.$$eval('#peaks tbody tr', (rows) => rows.length)).toBeGreaterThan(0);
    expect(await staff.page.getAttribute('.window-line', 'data-window-from')).toBe(trailing(7).from);
    expect(staff.problems).toEqual([]);
  });

  it('records a decision submitted in the recommendations queue, and shows it in the history', async () => {
    await staff.page.goto(`${url}/recommendations`);
    const cards = await staff.page.$$eval('article.recommendation', (articles) =>
      articles.map((article) => ({ id: Number(article.getAttribute('data-recommendation-id')), action: article.getAttribute('data-action') })),
    );
    expect(cards.length).toBeGreaterThan(0);
    cards.forEach((card) => expect(['delist', 'warn', 'retrain']).toContain(card.action));
    // Evidence: the judged rates with their denominators and thresholds, and entity ids linking to the brand page.
    const first = staff.page.locator(`#rec-${cards[0]!.id}`);
    expect(await first.locator('tr[data-rate=late_dispatch_rate]').textContent()).toMatch(/\d+ \/ \d+/);
    const example = first.locator('dl.examples a').first();
    expect(await example.getAttribute('href')).toMatch(/^\/brands\//);
    const form = first.locator('form.decision-form');
    await form.locator('select[name=decision]').selectOption('defer');
    await form.locator('input[name=reason]').fill('Brand promised a new courier from Monday');
    await form.locator('input[name=decided_by]').fill('Kim Min-ji');
    await Promise.all([staff.page.waitForEvent('load'), form.locator('button[type=submit]').click()]);
    // Stored: the API (another client) lists it as the recommendation's latest decision.
    const list = (await (await fetch(`${url}/api/recommendations`, { headers: { authorization: `Bearer ${manager}` } })).json()) as RecommendationList;
    const decided = list.recommendations.find((r) => r.recommendation_id === cards[0]!.id)!;
    expect(decided.status).toBe('deferred');
    expect(decided.decisions[0]).toMatchObject({ decision: 'defer', reason: 'Brand promised a new courier from Monday', decided_by: 'Kim Min-ji', role: 'admin' });
    // And the reloaded page shows it in the history.
    expect(await staff.page.getAttribute(`#rec-${cards[0]!.id}`, 'data-status')).toBe('deferred');
    expect(await staff.page.textContent(`#rec-${cards[0]!.id} table.decisions`)).toContain('Kim Min-ji');
    // A decision without a reason is refused and says why, and nothing is stored.
    const second = staff.page.locator(`#rec-${cards[0]!.id} form.decision-form`);
    await second.locator('input[name=reason]').fill('   ');
    await second.locator('input[name=decided_by]').fill('Kim Min-ji');
    await second.locator('button[type=submit]').click();
    await staff.page.waitForSelector(`#rec-${cards[0]!.id} form[data-submitted=error]`);
    expect(await second.locator('.form-status').textContent()).toContain('reason');
    const count = await warehouse.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM recommendation_decisions WHERE recommendation_id = $id', { id: cards[0]!.id });
    expect(count!.n).toBe(1);
    // Watch is collapsed apart from the actions.
    expect(await staff.page.getAttribute('details#watch', 'open')).toBeNull();
    // The only console error is the refused request itself.
    expect(staff.problems).toEqual(['console error: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    staff.problems.length = 0;
  });

  it('retries a dead letter from the jobs page', async () => {
    await staff.page.goto(`${url}/jobs`);
    await Promise.all([staff.page.waitForEvent('load'), staff.page.click('#dead-letters form button[type=submit]')]);
    const row = await warehouse.one<{ status: string }>(`SELECT status FROM outbox WHERE message_id = 'alert-dead-1'`);
    expect(row!.status).toBe('pending');
    expect(await staff.page.textContent('#dead-letters')).not.toContain('alert-dead-1');
    expect(staff.problems).toEqual([]);
  });

  it('sorts the scorecards by a column and filters them by brand and status', async () => {
    await staff.page.goto(`${url}/scorecards`);
    const byBrand = await brandColumn(staff.page);
    expect(byBrand.length).toBe(6);
    expect(byBrand).toEqual([...byBrand].sort());
    await staff.page.click('th[data-metric=late_dispatch_rate] button');
    const descending = (await lateDispatchColumn(staff.page)).map(Number);
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    expect(await brandColumn(staff.page)).not.toEqual(byBrand);
    await staff.page.click('th[data-metric=late_dispatch_rate] button');
    const ascending = (await lateDispatchColumn(staff.page)).map(Number);
    expect(ascending).toEqual([...descending].reverse());

    await staff.page.fill('[data-filter-text=scorecards]', otherBrand.toLowerCase());
    expect(await brandColumn(staff.page)).toEqual([otherBrand]);
    expect(await staff.page.textContent('[data-count-for=scorecards]')).toContain('1 of 6');
    await staff.page.fill('[data-filter-text=scorecards]', '');
    await staff.page.selectOption('[data-filter-status=scorecards]', 'suspended');
    const statuses = await staff.page.$$eval('#scorecards tbody tr:not([hidden])', (rows) => rows.map((row) => row.getAttribute('data-status')));
    expect(statuses.every((status) => status === 'suspended')).toBe(true);
    expect(staff.problems).toEqual([]);
  });

  it('changes the window with the picker: 7 days, then custom dates', async () => {
    await staff.page.goto(`${url}/scorecards`);
    const window = () => staff.page.$eval('.window-line', (line) => [line.getAttribute('data-window-from'), line.getAttribute('data-window-to')]);
    const orders = () => staff.page.$$eval('#scorecards td[data-metric=orders_placed]', (cells) => cells.map((cell) => cell.getAttribute('data-sort-value')));
    // 28 days ending (exclusive) at the business date of NOW.
    expect(await window()).toEqual([trailing(28).from, trailing(28).to]);
    const before = await orders();
    expect(await staff.page.isHidden('[data-custom-dates]')).toBe(true);
    await Promise.all([staff.page.waitForURL(/days=7/), staff.page.selectOption('[data-window-days]', '7')]);
    expect(await window()).toEqual([trailing(7).from, trailing(7).to]);
    const after = await orders();
    expect(after).not.toEqual(before);
    // Fewer days, fewer orders for every brand with orders.
    after.forEach((count, i) => expect(Number(count)).toBeLessThanOrEqual(Number(before[i])));
    await staff.page.selectOption('[data-window-days]', 'custom');
    expect(await staff.page.isVisible('[data-custom-dates]')).toBe(true);
    const custom = [addDays(trailing(28).to, -42), addDays(trailing(28).to, -28)] as const;
    await staff.page.fill('input[name=from]', custom[0]);
    await staff.page.fill('input[name=to]', custom[1]);
    await Promise.all([staff.page.waitForURL(/days=custom/), staff.page.click('.window-picker button[type=submit]')]);
    expect(await window()).toEqual([...custom]);
    expect((await chartMarks(staff.page))['scorecard-rates']!.marks).toBeGreaterThan(0);
    // The CSV export is of the window shown, one row per brand.
    const csvHref = await staff.page.getAttribute('a[href^="/scorecards.csv"]', 'href');
    const csv = await staff.page.request.get(`${url}${csvHref}`);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(/^brand_id,name,status,window_from,window_to,as_of,orders_placed,late_dispatch_rate,/);
    expect(lines[1]).toContain(`,${custom[0]},${custom[1]},`);
    expect(staff.problems).toEqual([]);
  });

  it('switches to Korean and remembers it', async () => {
    await staff.page.goto(`${url}/scorecards?lang=ko`);
    expect(await staff.page.textContent('h1')).toBe('스코어카드');
    expect(await staff.page.getAttribute('html', 'lang')).toBe('ko');
    await staff.page.goto(`${url}/jobs`);
    expect(await staff.page.textContent('h1')).toBe('작업');
    expect(Object.values(await chartMarks(staff.page)).every((chart) => chart.marks > 0)).toBe(true);
    await staff.page.click('[data-lang-switch]');
    expect(await staff.page.textContent('h1')).toBe('Jobs');
    expect(staff.problems).toEqual([]);
  });
});

describe('a brand user', () => {
  it('sees only its own brand and cannot reach another brand', async () => {
    const brand = await signIn(brandToken);
    const { page } = brand;
    expect(await page.$$eval('ul.page-links a', (anchors) => anchors.map((a) => a.getAttribute('href')))).toEqual([
      '/scorecards',
      `/brands/${ownBrand}`,
      '/onboarding',
    ]);
    // Its own onboarding checklist, whatever its status.
    await page.goto(`${url}/onboarding`);
    expect(await page.$$eval('article.checklist', (articles) => articles.map((article) => article.getAttribute('data-brand-id')))).toEqual([ownBrand]);
    await page.goto(`${url}/scorecards`);
    expect(await brandColumn(page)).toEqual([ownBrand]);
    const own = await page.goto(`${url}/brands/${ownBrand}`);
    expect(own!.status()).toBe(200);
    expect(Object.values(await chartMarks(page)).every((chart) => chart.rendered === 'true' && chart.marks > 0)).toBe(true);
    const other = await page.goto(`${url}/brands/${otherBrand}`);
    expect(other!.status()).toBe(403);
    expect(await page.textContent('main')).toContain(`may see brand ${ownBrand} only`);
    expect((await page.goto(`${url}/jobs`))!.status()).toBe(403);
    expect((await page.goto(`${url}/recommendations`))!.status()).toBe(403);
    expect((await page.goto(`${url}/load`))!.status()).toBe(403);
    expect((await page.request.get(`${url}/api/charts/load-orders.svg`)).status()).toBe(403);
    for (const name of ['brand-late-dispatch', 'brand-claim-stages']) {
      expect((await page.request.get(`${url}/api/charts/${name}.svg?brand_id=${otherBrand}`)).status()).toBe(403);
      expect((await page.request.get(`${url}/api/charts/${name}.svg?brand_id=${ownBrand}`)).status()).toBe(200);
    }
    expect((await page.request.get(`${url}/api/charts/jobs-runs.svg`)).status()).toBe(403);
    const csv = (await (await page.request.get(`${url}/scorecards.csv`)).text()).trim().split('\r\n');
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual([ownBrand]);
    // The 403 pages render in the same layout; the only console errors are the refused documents themselves.
    expect(brand.problems.filter((problem) => !/status of 403/.test(problem))).toEqual([]);
    await brand.context.close();
  });
});

describe('roles on the new pages', () => {
  it('shows staffing to a manager only, and the decision form to those who may decide', async () => {
    const other = await signIn(onboardingToken);
    expect(await other.page.$$eval('ul.page-links a', (anchors) => anchors.map((a) => a.getAttribute('href')))).toEqual([
      '/scorecards',
      '/recommendations',
      '/onboarding',
      '/load',
      '/jobs',
      '/scorecards',
    ]);
    await other.page.goto(`${url}/load`);
    expect(Object.keys(await chartMarks(other.page))).not.toContain('staffing-agents');
    expect((await other.page.request.get(`${url}/api/charts/staffing-agents.svg`)).status()).toBe(403);
    await other.page.goto(`${url}/recommendations`);
    expect(await other.page.$$eval('form.decision-form', (forms) => forms.length)).toBe(0);
    expect(await other.page.$$eval('article.recommendation', (articles) => articles.length)).toBeGreaterThan(0);
    await other.page.goto(`${url}/jobs`);
    expect(await other.page.$$eval('#dead-letters form', (forms) => forms.length)).toBe(0);
    expect(other.problems).toEqual([]);
    await other.context.close();
    const boss = await signIn(manager);
    await boss.page.goto(`${url}/load`);
    expect(Object.keys(await chartMarks(boss.page))).toContain('staffing-phone');
    expect(boss.problems).toEqual([]);
    await boss.context.close();
  });
});

describe('server-rendered charts', () => {
  const get = (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${admin}` } });

  it('renders every chart of the registry to SVG with marks', async () => {
    for (const name of CHART_NAMES) {
      const query = name.startsWith('brand-') ? `?brand_id=${ownBrand}&lang=ko` : '?lang=ko';
      const response = await get(`/api/charts/${name}.svg${query}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      const svg = await response.text();
      expect(svg.startsWith('<svg'), name).toBe(true);
      expect(svg, name).toMatch(/class="mark-\w+ role-mark/);
    }
  });

  it('ranks the highest rates in SQL on stored scorecards exactly as from the scorecards themselves', async () => {
    const ctx = { warehouse, pool: { use: <T>(work: (connection: typeof warehouse.db) => Promise<T>) => work(warehouse.db) }, calendar, now: () => NOW };
    const staffViewer = { role: 'admin', brandId: null };
    for (const metric of ['late_dispatch_rate', 'sla_rate', 'claim_rate'] as const) {
      // As the chart asks: the picker's window, which also says how many days.
      const dates = pickedWindow(ctx, { days: '28' });
      expect([dates.from, dates.to]).toEqual([trailing(28).from, trailing(28).to]);
      const fromStored = await loadHighestRates(ctx, staffViewer, dates, metric, 4);
      const { scorecards } = await loadScorecards(ctx, staffViewer, dates, { offset: 0 });
      expect(fromStored.length, metric).toBeGreaterThan(0);
      expect(fromStored, metric).toEqual(highestRates(scorecards, metric, 4));
    }
  });

  it('answers unknown charts and paths with 404 problems and bad parameters with 400', async () => {
    for (const path of ['/api/charts/nope.svg', '/api/charts/..%2F..%2Fpackage.json.svg', '/api/charts/__proto__.svg', '/api/charts/constructor.svg']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    for (const path of ['/assets/..%2F..%2Fpackage.json', '/assets/%2Fetc%2Fpasswd', '/assets/toString', '/assets/vega.js']) {
      expect((await fetch(`${url}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${url}/assets/vega-interpreter.js`)).status).toBe(200);
    expect((await get('/api/charts/brand-sla.svg?brand_id=NOPE')).status).toBe(404);
    const missingBrand = await get('/api/charts/brand-sla.svg');
    expect(missingBrand.status).toBe(400);
    const extra = await get(`/api/charts/jobs-runs.svg?brand_id=${ownBrand}`);
    expect(extra.status).toBe(400);
    expect(((await extra.json()) as { detail: string }).detail).toContain('brand_id');
    expect((await get('/api/charts/scorecard-rates.svg?metric=nonsense')).status).toBe(400);
    // Longer than the load takes (732 days): a 400, not a failure.
    expect((await get('/api/charts/load-orders.svg?days=custom&from=2020-01-01&to=2024-01-01')).status).toBe(400);
  });
});
