import type { Labeller } from '../i18n.ts';
import type { RateMetric, Scorecard } from '../../metrics/scorecards/schema.ts';
import { emptyChart, frame, type ChartSpec } from './spec.ts';

/** Rate metrics the scorecards chart can show. */
export const SCORECARD_CHART_METRICS = [
  'late_dispatch_rate',
  'sla_rate',
  'contact_failure_rate',
  'claim_rate',
  'on_time_delivery_rate',
  'brand_cancel_rate',
] as const;
export type ScorecardChartMetric = (typeof SCORECARD_CHART_METRICS)[number];

export interface RateRow {
  brand: string;
  value: number;
  low: number;
  high: number;
  numerator: number;
  denominator: number;
}

/** The `n` brands with the highest value of a rate (ties by volume), each with its 95% Wilson interval. */
export function highestRates(scorecards: readonly Scorecard[], metric: ScorecardChartMetric, n: number): RateRow[] {
  return rankRates(scorecards.map((card) => rateRow(card.brand_id, card.brand.name, card.metrics[metric])), n);
}

/** A brand's rate as the chart draws it, or null when it has no value or interval (an empty denominator). */
export function rateRow(brandId: string, name: string | null, rate: RateMetric): RateRow | null {
  if (rate.value === null || rate.wilson_low === null || rate.wilson_high === null) return null;
  const brand = name ? `${name} (${brandId})` : brandId;
  return { brand, value: rate.value, low: rate.wilson_low, high: rate.wilson_high, numerator: rate.numerator, denominator: rate.denominator };
}

/** The `n` highest rates, ties by volume, then by name. */
export function rankRates(candidates: readonly (RateRow | null)[], n: number): RateRow[] {
  const rows = candidates.filter((row): row is RateRow => row !== null);
  rows.sort((a, b) => b.value - a.value || b.denominator - a.denominator || a.brand.localeCompare(b.brand));
  return rows.slice(0, n);
}

/** Brands the scorecards chart shows. */
export const SCORECARD_CHART_BRANDS = 15;

/** Dot-and-whisker chart of one rate across brands (rows from highestRates): the value, and the interval that says how sure it is. */
export function scorecardRatesChart(rows: readonly RateRow[], metric: ScorecardChartMetric, t: Labeller): ChartSpec {
  const title = t('chart.scorecard_rates_title', { metric: t(`metric.${metric}`), n: SCORECARD_CHART_BRANDS });
  if (rows.length === 0) return emptyChart(title, t('chart.empty'));
  const y = { field: 'brand', type: 'nominal', title: t('chart.brand'), sort: { field: 'value', order: 'descending' } };
  return frame(title, {
    height: { step: 18 },
    data: { values: rows },
    encoding: { y },
    layer: [
      {
        mark: { type: 'rule', color: '#9ca3af', strokeWidth: 2 },
        encoding: {
          x: { field: 'low', type: 'quantitative', title: t(`metric.${metric}`), axis: { format: '%', tickCount: 6 }, scale: { zero: true, nice: true } },
          x2: { field: 'high' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 60, color: '#b91c1c' },
        encoding: {
          x: { field: 'value', type: 'quantitative' },
          tooltip: [
            { field: 'brand', type: 'nominal', title: t('chart.brand') },
            { field: 'value', type: 'quantitative', format: '.1%', title: t('chart.rate') },
            { field: 'low', type: 'quantitative', format: '.1%', title: `${t('chart.interval')} ↓` },
            { field: 'high', type: 'quantitative', format: '.1%', title: `${t('chart.interval')} ↑` },
            { field: 'denominator', type: 'quantitative', title: 'n' },
          ],
        },
      },
    ],
  });
}
