import { HIGHER_IS_BETTER } from '../../metrics/scorecards/scorecards.ts';
import type { MetricKey, Metrics, RankedKey, Scorecard } from '../../metrics/scorecards/schema.ts';
import type { Labeller } from '../i18n.ts';
import { formatNumber, formatRate, html, type Html } from './html.ts';

/** How a metric is shown in tables and cards: its value, its interval and volume, and its trend arrow. */

/** Volumes: more or fewer is neither better nor worse, so their arrows stay grey. */
const NEUTRAL: ReadonlySet<MetricKey> = new Set(['orders_placed', 'inquiries_opened', 'contacts_attempted', 'claims_opened', 'reviews_count']);

export interface Shown {
  /** Sort key: the value, or null when there is none. */
  value: number | null;
  text: string;
  /** Interval and volume under the value. */
  detail: string;
  /** The same, short, for table cells. */
  compact: string;
  trend: Html;
}

/**
 * Arrow versus the previous window: up or down by the change in value, green when better and red when worse (by
 * the metric's direction). A rate whose previous value lies inside this window's 95% interval is shown grey:
 * the change is within what chance alone would give.
 */
export function trendArrow(t: Labeller, key: MetricKey, current: number | null, previous: number | null, interval?: [number | null, number | null]): Html {
  if (current === null || previous === null) return html`<span class="trend none" title="${t('trend.none')}">·</span>`;
  if (NEUTRAL.has(key)) return html`<span class="trend same" title="${formatValue(key, previous)}">${current > previous ? '▲' : current < previous ? '▼' : '→'}</span>`;
  if (current === previous) return html`<span class="trend same" title="${t('trend.same')}">→</span>`;
  const up = current > previous;
  const better = HIGHER_IS_BETTER.has(key as RankedKey) ? up : !up;
  const [low, high] = interval ?? [null, null];
  const noise = low !== null && high !== null && previous >= low && previous <= high;
  const title = `${t(better ? 'trend.better' : 'trend.worse')} (${formatValue(key, previous)})`;
  return html`<span class="trend ${noise ? 'noise' : better ? 'better' : 'worse'}" data-trend="${better ? 'better' : 'worse'}" title="${title}">${up ? '▲' : '▼'}</span>`;
}

function formatValue(key: MetricKey, value: number | null): string {
  if (key.endsWith('_rate')) return formatRate(value);
  if (key.endsWith('_bh')) return `${formatNumber(value)} h`;
  if (key === 'avg_review_score') return formatNumber(value, 2);
  return value === null ? '–' : String(value);
}

export function showMetric(t: Labeller, scorecard: Scorecard, key: MetricKey): Shown {
  const metric = scorecard.metrics[key] as Metrics[MetricKey];
  const before = scorecard.previous.metrics[key] as Metrics[MetricKey];
  if ('denominator' in metric && 'denominator' in before) {
    return {
      value: metric.value,
      text: formatRate(metric.value),
      detail:
        metric.value === null
          ? t('card.no_data')
          : `${t('card.interval', { low: formatRate(metric.wilson_low), high: formatRate(metric.wilson_high) })} · ${t('card.of', { numerator: metric.numerator, denominator: metric.denominator })}`,
      compact: metric.value === null ? '' : `${formatRate(metric.wilson_low)}–${formatRate(metric.wilson_high)} · ${metric.numerator}/${metric.denominator}`,
      trend: trendArrow(t, key, metric.value, before.value, [metric.wilson_low, metric.wilson_high]),
    };
  }
  if ('p50' in metric && 'p50' in before) {
    return {
      value: metric.p50,
      text: metric.p50 === null ? '–' : `${formatNumber(metric.p50)} h`,
      detail: metric.p50 === null ? t('card.no_data') : `p90 ${formatNumber(metric.p90)} h · ${t('card.n', { n: metric.n })}`,
      compact: metric.p50 === null ? '' : `p90 ${formatNumber(metric.p90)} h · n ${metric.n}`,
      trend: trendArrow(t, key, metric.p50, before.p50),
    };
  }
  if ('n' in metric && 'n' in before && 'value' in metric && 'value' in before) {
    return {
      value: metric.value,
      text: formatNumber(metric.value, 2),
      detail: metric.value === null ? t('card.no_data') : t('card.n', { n: metric.n }),
      compact: metric.value === null ? '' : `n ${metric.n}`,
      trend: trendArrow(t, key, metric.value, before.value),
    };
  }
  const count = metric as { value: number };
  return { value: count.value, text: String(count.value), detail: '', compact: '', trend: trendArrow(t, key, count.value, (before as { value: number }).value) };
}
