import type { TopLevelSpec } from 'vega-lite';
import type { SeriesForecast } from '../../metrics/forecast/forecast.ts';
import type { Load, LoadBucket } from '../../metrics/load/load.ts';

/**
 * Vega-Lite specs of the peak-load page, built from `GET /api/load` (and, for the forecast band, the forecast of
 * `GET /api/staffing`). Times are drawn on a UTC scale fed with local wall-clock readings, so the axis shows the
 * business zone's dates and hours wherever the chart is rendered.
 */

const WIDTH = 900;
const COLOURS = { orders: '#1d4ed8', inquiries: '#c2410c', forecast: '#7c3aed', surge: '#b91c1c', backlog: '#0f766e' };
const CHANNELS = ['product_qna', 'one_to_one', 'phone', 'board', 'chat'] as const;

/** The bucket as a local wall-clock reading on a UTC axis: days as they are, hours without their offset. */
export function wallClock(bucket: string): string {
  return bucket.length === 10 ? bucket : `${bucket.slice(0, 16)}:00Z`;
}

function timeAxis(load: Pick<Load, 'window'>) {
  const hourly = load.window.grain === 'hour';
  return {
    field: 't',
    type: 'temporal' as const,
    scale: { type: 'utc' as const },
    title: null,
    axis: { format: hourly ? '%m-%d %H:%M' : '%b %d', labelAngle: 0, labelOverlap: true as const, grid: false },
  };
}

function tooltipTime(load: Pick<Load, 'window'>) {
  return { field: 't', type: 'temporal' as const, scale: { type: 'utc' as const }, title: load.window.grain === 'hour' ? 'hour' : 'date', format: load.window.grain === 'hour' ? '%Y-%m-%d %H:%M' : '%Y-%m-%d (%a)', formatType: 'utc' as const };
}

function frame(title: string, subtitle: string | undefined, spec: Record<string, unknown>): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: subtitle ? { text: title, subtitle, anchor: 'start' } : { text: title, anchor: 'start' },
    width: WIDTH,
    height: 300,
    config: { font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { orient: 'top' } },
    ...spec,
  } as TopLevelSpec;
}

/**
 * Daily or hourly volume of one measure with the order surges marked (a red rule at each start, labelled with its
 * factor) and, when given, a forecast continuing the line as a dashed median inside its prediction band.
 */
export function loadVolumeChart(
  load: Load,
  options: { measure: 'orders_placed' | 'inquiries_opened'; forecast?: SeriesForecast; interval?: number },
): TopLevelSpec {
  const name = options.measure === 'orders_placed' ? 'Orders placed' : 'Inquiries opened';
  const colour = options.measure === 'orders_placed' ? COLOURS.orders : COLOURS.inquiries;
  const actual = load.series.map((b) => ({ t: wallClock(b.bucket), value: b[options.measure], kind: 'actual' }));
  const forecast = (options.forecast?.days ?? []).map((d) => ({
    t: d.date,
    value: Math.round(d.value),
    low: Math.round(d.low),
    high: Math.round(d.high),
    kind: 'forecast',
    holiday: d.holiday ? 'holiday' : '',
  }));
  const surges = options.measure === 'orders_placed' || load.window.grain === 'day' ? load.surges : [];
  const surgeMarks = surges.map((s) => ({
    t: s.start,
    label: `surge from ${s.start}: ×${s.start_factor.toFixed(2)} (peak ${s.peak}, ${s.peak_orders} orders; up to ×${s.factor.toFixed(2)})`,
  }));
  const x = timeAxis(load);
  const interval = Math.round((options.interval ?? 0.95) * 100);
  const backtest = options.forecast?.backtest;
  const subtitle = [
    `${load.window.from} to ${load.window.to} (exclusive), per ${load.window.grain}, ${load.window.time_zone}`,
    options.forecast
      ? `forecast: ${interval}% prediction band; backtest MAPE ${pct(backtest?.mape)} vs seasonal naive ${pct(backtest?.seasonal_naive_mape)}`
      : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const layers: Record<string, unknown>[] = [
    {
      data: { values: actual },
      mark: { type: 'line', color: colour, strokeWidth: 2, point: load.window.grain === 'day' ? { size: 18, color: colour } : false },
      encoding: {
        x,
        y: { field: 'value', type: 'quantitative', title: name },
        tooltip: [tooltipTime(load), { field: 'value', type: 'quantitative', title: name }],
      },
    },
  ];
  if (forecast.length) {
    layers.push(
      {
        data: { values: forecast },
        mark: { type: 'area', color: COLOURS.forecast, opacity: 0.18 },
        encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      },
      {
        data: { values: forecast },
        mark: { type: 'line', color: COLOURS.forecast, strokeDash: [6, 3], strokeWidth: 2, point: { size: 14, filled: true } },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative' },
          tooltip: [
            { field: 't', type: 'temporal', title: 'date', format: '%Y-%m-%d (%a)', formatType: 'utc' },
            { field: 'value', type: 'quantitative', title: `${name} (forecast)` },
            { field: 'low', type: 'quantitative', title: `${interval}% low` },
            { field: 'high', type: 'quantitative', title: `${interval}% high` },
            { field: 'holiday', type: 'nominal', title: 'holiday' },
          ],
        },
      },
      {
        data: { values: [{ t: forecast[0]!.t, label: 'forecast →' }] },
        layer: [
          { mark: { type: 'rule', color: COLOURS.forecast, strokeDash: [2, 2] }, encoding: { x } },
          {
            mark: { type: 'text', color: COLOURS.forecast, align: 'left', dx: 4, y: 8, fontSize: 11 },
            encoding: { x, text: { field: 'label' } },
          },
        ],
      },
    );
  }
  if (surgeMarks.length) {
    layers.push({
      data: { values: surgeMarks },
      layer: [
        { mark: { type: 'rule', color: COLOURS.surge, strokeWidth: 2 }, encoding: { x, tooltip: [{ field: 'label', title: 'surge' }] } },
        {
          mark: { type: 'text', color: COLOURS.surge, align: 'left', dx: 4, y: 20, fontSize: 11, fontWeight: 'bold' },
          encoding: { x, text: { field: 'label' } },
        },
      ],
    });
  }
  return frame(`${name} per ${load.window.grain}`, subtitle, { layer: layers });
}

/** Inquiries per bucket stacked by channel. */
export function inquiryChannelsChart(load: Load): TopLevelSpec {
  const rows = load.series.flatMap((b) =>
    CHANNELS.map((channel) => ({ t: wallClock(b.bucket), channel, inquiries: b.inquiries_by_channel[channel] })),
  );
  return frame('Inquiries opened by channel', `per ${load.window.grain}, ${load.window.time_zone}`, {
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      x: { ...timeAxis(load), timeUnit: load.window.grain === 'hour' ? 'utcyearmonthdatehours' : 'utcyearmonthdate' },
      y: { field: 'inquiries', type: 'quantitative', stack: 'zero', title: 'inquiries' },
      color: { field: 'channel', type: 'nominal', title: null, scale: { domain: [...CHANNELS], scheme: 'tableau10' } },
      tooltip: [tooltipTime(load), { field: 'channel' }, { field: 'inquiries', type: 'quantitative' }],
    },
  });
}

/** Open-inquiry backlog at the end of each bucket, with the SLA rate of the inquiries opened in it. */
export function backlogChart(load: Load): TopLevelSpec {
  const rows = load.series
    .filter((b) => b.backlog_open_inquiries !== null)
    .map((b) => ({ t: wallClock(b.bucket), backlog: b.backlog_open_inquiries, sla_rate: b.sla_rate, p90: b.answer_time_p90_bh }));
  const x = timeAxis(load);
  return frame('Open-inquiry backlog and SLA', 'backlog: inquiries with no answer and not closed at the end of the bucket; SLA rate of the inquiries opened in it (brand answer within 2 business days)', {
    data: { values: rows },
    layer: [
      {
        mark: { type: 'area', color: COLOURS.backlog, opacity: 0.35, line: { color: COLOURS.backlog } },
        encoding: { x, y: { field: 'backlog', type: 'quantitative', title: 'open inquiries', axis: { titleColor: COLOURS.backlog } } },
      },
      {
        mark: { type: 'line', color: '#334155', strokeWidth: 1.5 },
        encoding: {
          x,
          y: { field: 'sla_rate', type: 'quantitative', title: 'SLA rate', scale: { domain: [0, 1] }, axis: { format: '%' } },
          tooltip: [
            tooltipTime(load),
            { field: 'backlog', type: 'quantitative', title: 'open inquiries' },
            { field: 'sla_rate', type: 'quantitative', format: '.1%', title: 'SLA rate' },
            { field: 'p90', type: 'quantitative', format: '.1f', title: 'answer time p90 (business hours)' },
          ],
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  });
}

/** Address changes and cancellations: done by customers themselves versus by CS (and cancellations by brands). */
export function selfServiceChart(load: Load): TopLevelSpec {
  const kinds = [
    ['address_changes_self_service', 'address change', 'self-service'],
    ['address_changes_by_cs', 'address change', 'by CS'],
    ['cancellations_self_service', 'cancellation', 'self-service'],
    ['cancellations_by_cs', 'cancellation', 'by CS'],
    ['cancellations_by_brand', 'cancellation', 'by brand'],
  ] as const;
  const rows = load.series.flatMap((b: LoadBucket) =>
    kinds.map(([key, what, who]) => ({ t: wallClock(b.bucket), what, who, n: b[key] })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Self-service versus CS', subtitle: `per ${load.window.grain}, ${load.window.time_zone}`, anchor: 'start' },
    data: { values: rows },
    facet: { row: { field: 'what', type: 'nominal', title: null } },
    spec: {
      width: WIDTH,
      height: 140,
      mark: { type: 'bar' },
      encoding: {
        x: { ...timeAxis(load), timeUnit: load.window.grain === 'hour' ? 'utcyearmonthdatehours' : 'utcyearmonthdate' },
        y: { field: 'n', type: 'quantitative', title: 'count' },
        color: { field: 'who', type: 'nominal', title: null, scale: { domain: ['self-service', 'by CS', 'by brand'], range: ['#15803d', '#b45309', '#64748b'] } },
        tooltip: [tooltipTime(load), { field: 'who' }, { field: 'n', type: 'quantitative', title: 'count' }],
      },
    },
    resolve: { scale: { y: 'independent' } },
    config: { font: 'sans-serif', legend: { orient: 'top' } },
  } as TopLevelSpec;
}

function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}
