import { describe, expect, it } from 'vitest';
import { claimStagesChart, weeklyRateChart } from '../../dashboards/charts/brand-trends.ts';
import { ingestRowsChart, jobRunsChart } from '../../dashboards/charts/jobs.ts';
import { highestRates, scorecardRatesChart } from '../../dashboards/charts/scorecards.ts';
import { labeller } from '../../dashboards/i18n.ts';
import { renderSvg } from '../../dashboards/render.ts';
import { interpreterAsScript } from '../../dashboards/assets.ts';
import { rateMetric } from '../../metrics/scorecards/scorecards.ts';
import type { Scorecard } from '../../metrics/scorecards/schema.ts';
import type { WeekTrend } from '../../metrics/evidence/schema.ts';

/** Chart builders: small explicit inputs, the data they put in the spec, and the SVG the server renders from it. */

const en = labeller('en');
const ko = labeller('ko');

function card(brandId: string, numerator: number, denominator: number): Scorecard {
  return { brand_id: brandId, brand: { name: null, status: 'active' }, metrics: { late_dispatch_rate: rateMetric(numerator, denominator) } } as unknown as Scorecard;
}

const dataOf = (spec: object) => (spec as { data: { values: Record<string, unknown>[] } }).data.values;

describe('chart builders', () => {
  it('ranks brands by rate, ties by volume, and leaves out brands without a denominator', () => {
    // B1 3/10 = 0.3, B2 6/20 = 0.3 (more volume, so first), B3 1/10 = 0.1, B4 0/0 (no rate).
    const rows = highestRates([card('B1', 3, 10), card('B2', 6, 20), card('B3', 1, 10), card('B4', 0, 0)], 'late_dispatch_rate', 2);
    expect(rows.map((row) => [row.brand, row.value, row.denominator])).toEqual([
      ['B2', 0.3, 20],
      ['B1', 0.3, 10],
    ]);
    // Wilson interval of 6/20 at 95%: centre (0.3 + 1.9208/20) / 1.19208 = 0.3322, half-width 0.1867 → [0.1455, 0.5190].
    expect(rows[0]!.low).toBeCloseTo(0.1455, 3);
    expect(rows[0]!.high).toBeCloseTo(0.519, 3);
  });

  it('labels charts in the page language and says when there is nothing to plot', async () => {
    const spec = scorecardRatesChart(highestRates([card('B1', 0, 0)], 'late_dispatch_rate', 15), 'late_dispatch_rate', ko);
    expect(spec.title).toBe('출고 지연율: 상위 15개, 95% 구간 포함');
    expect(dataOf(spec)).toEqual([{ message: '이 기간에 데이터가 없습니다.' }]);
    const svg = await renderSvg(spec);
    expect(svg).toContain('이 기간에 데이터가 없습니다.');
  });

  it('plots weekly rates without the weeks that have no denominator, with their intervals', async () => {
    const week = (from: string, numerator: number, denominator: number): WeekTrend => ({
      from,
      to: from,
      late_dispatch_rate: rateMetric(numerator, denominator),
      sla_rate: rateMetric(0, 0),
      answer_time_bh: { p50: null, p90: null, n: 0 },
    });
    const spec = weeklyRateChart([week('2024-03-04', 1, 4), week('2024-03-11', 0, 0), week('2024-03-18', 0, 5)], 'late_dispatch_rate', en);
    expect(dataOf(spec).map((row) => [row.week, row.value, row.denominator])).toEqual([
      ['2024-03-04', 0.25, 4],
      ['2024-03-18', 0, 5],
    ]);
    const svg = await renderSvg(spec);
    expect(svg).toContain('Late dispatch rate by week');
    // The line, its two points and the interval band.
    expect(svg).toMatch(/class="mark-line role-mark/);
    expect(svg).toMatch(/class="mark-area role-mark/);
  });

  it('puts both percentiles of each claim stage side by side and counts job runs by outcome', () => {
    const stages = claimStagesChart([{ stage: 'requested', n: 3, p50: 2, p90: 5 }], en);
    expect(dataOf(stages)).toEqual([
      { stage: 'requested', percentile: 'median', hours: 2, n: 3 },
      { stage: 'requested', percentile: '90th percentile', hours: 5, n: 3 },
    ]);
    const runs = jobRunsChart([{ job: 'refresh', outcome: 'ok' }, { job: 'refresh', outcome: 'ok' }, { job: 'inbox', outcome: 'failed' }], en);
    expect(dataOf(runs)).toEqual([
      { job: 'refresh', outcome: 'ok', runs: 2 },
      { job: 'inbox', outcome: 'failed', runs: 1 },
    ]);
    const rows = ingestRowsChart([{ batch_id: 7, stream: 'orders', rows_accepted: 10, rows_duplicate: 0, rows_rejected: 2 }], en);
    expect(dataOf(rows)).toEqual([
      { batch: '#7 orders', kind: 'Accepted', rows: 10 },
      { batch: '#7 orders', kind: 'Rejected', rows: 2 },
    ]);
  });

  it('serves the expression interpreter as a classic script that takes vega-util from the global vega', () => {
    const script = interpreterAsScript(
      "import { ascending, isString, DisallowedObjectProperties } from 'vega-util';\nconst expression = {};\nexport { expression as expressionInterpreter };\n",
    );
    expect(script).toContain('const { ascending, isString, DisallowedObjectProperties } = globalThis.vega;');
    expect(script).toContain('globalThis.vegaInterpreter = { expressionInterpreter: expression };');
    expect(script).not.toMatch(/^\s*(import|export)\b/m);
    expect(() => interpreterAsScript('export default 1;')).toThrow(/unexpected shape/);
  });
});
