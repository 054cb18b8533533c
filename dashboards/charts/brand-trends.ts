import type { ClaimStageDuration, WeekTrend } from '../../metrics/evidence/schema.ts';
import type { Labeller } from '../i18n.ts';
import { emptyChart, frame, type ChartSpec } from './spec.ts';

/** Weekly charts of one brand (brand detail page): two rates with their intervals, answer time, claim stages. */

export type WeeklyRateKey = 'late_dispatch_rate' | 'sla_rate';

const WEEK_AXIS = { field: 'week', type: 'ordinal', axis: { labelAngle: -40 } } as const;

export function weeklyRateChart(weeks: readonly WeekTrend[], key: WeeklyRateKey, t: Labeller): ChartSpec {
  const title = t(key === 'late_dispatch_rate' ? 'chart.late_dispatch_title' : 'chart.sla_title');
  const rows = weeks
    .filter((week) => week[key].value !== null)
    .map((week) => ({
      week: week.from,
      value: week[key].value,
      low: week[key].wilson_low,
      high: week[key].wilson_high,
      numerator: week[key].numerator,
      denominator: week[key].denominator,
    }));
  if (rows.length === 0) return emptyChart(title, t('chart.empty'));
  const x = { ...WEEK_AXIS, title: t('chart.week') };
  const colour = key === 'late_dispatch_rate' ? '#b91c1c' : '#1d4ed8';
  return frame(title, {
    data: { values: rows },
    encoding: { x },
    layer: [
      {
        mark: { type: 'area', opacity: 0.18, color: colour },
        encoding: {
          y: { field: 'low', type: 'quantitative', title: t('chart.rate'), axis: { format: '%', tickCount: 6 }, scale: key === 'sla_rate' ? { domain: [0, 1] } : { zero: true, nice: true } },
          y2: { field: 'high' },
        },
      },
      {
        mark: { type: 'line', point: true, color: colour },
        encoding: {
          y: { field: 'value', type: 'quantitative' },
          tooltip: [
            { field: 'week', type: 'ordinal', title: t('chart.week') },
            { field: 'value', type: 'quantitative', format: '.1%', title: t('chart.rate') },
            { field: 'low', type: 'quantitative', format: '.1%', title: `${t('chart.interval')} ↓` },
            { field: 'high', type: 'quantitative', format: '.1%', title: `${t('chart.interval')} ↑` },
            { field: 'numerator', type: 'quantitative', title: '#' },
            { field: 'denominator', type: 'quantitative', title: 'n' },
          ],
        },
      },
    ],
  });
}

export function weeklyAnswerTimeChart(weeks: readonly WeekTrend[], t: Labeller): ChartSpec {
  const title = t('chart.answer_time_title');
  const rows = weeks.flatMap((week) =>
    (['p50', 'p90'] as const)
      .filter((p) => week.answer_time_bh[p] !== null)
      .map((p) => ({ week: week.from, percentile: t(p === 'p50' ? 'chart.p50' : 'chart.p90'), hours: week.answer_time_bh[p], n: week.answer_time_bh.n })),
  );
  if (rows.length === 0) return emptyChart(title, t('chart.empty'));
  return frame(title, {
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { ...WEEK_AXIS, title: t('chart.week') },
      y: { field: 'hours', type: 'quantitative', title: t('chart.hours') },
      color: {
        field: 'percentile',
        type: 'nominal',
        title: null,
        scale: { domain: [t('chart.p50'), t('chart.p90')], range: ['#1d4ed8', '#93c5fd'] },
      },
      tooltip: [
        { field: 'week', type: 'ordinal', title: t('chart.week') },
        { field: 'percentile', type: 'nominal', title: ' ' },
        { field: 'hours', type: 'quantitative', format: '.1f', title: t('chart.hours') },
        { field: 'n', type: 'quantitative', title: 'n' },
      ],
    },
  });
}

export function claimStagesChart(stages: readonly ClaimStageDuration[], t: Labeller): ChartSpec {
  const title = t('chart.claim_stages_title');
  const rows = stages.flatMap((stage) =>
    (['p50', 'p90'] as const)
      .filter((p) => stage[p] !== null)
      .map((p) => ({ stage: stage.stage, percentile: t(p === 'p50' ? 'chart.p50' : 'chart.p90'), hours: stage[p], n: stage.n })),
  );
  if (rows.length === 0) return emptyChart(title, t('chart.empty'));
  return frame(title, {
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'stage', type: 'nominal', title: t('chart.stage'), sort: stages.map((stage) => stage.stage), axis: { labelAngle: 0 } },
      xOffset: { field: 'percentile', type: 'nominal', sort: [t('chart.p50'), t('chart.p90')] },
      y: { field: 'hours', type: 'quantitative', title: t('chart.hours') },
      color: {
        field: 'percentile',
        type: 'nominal',
        title: null,
        scale: { domain: [t('chart.p50'), t('chart.p90')], range: ['#0f766e', '#99f6e4'] },
      },
      tooltip: [
        { field: 'stage', type: 'nominal', title: t('chart.stage') },
        { field: 'percentile', type: 'nominal', title: ' ' },
        { field: 'hours', type: 'quantitative', format: '.1f', title: t('chart.hours') },
        { field: 'n', type: 'quantitative', title: 'n' },
      ],
    },
  });
}
