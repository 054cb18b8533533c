import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { backlogChart, inquiryChannelsChart, loadVolumeChart, selfServiceChart, wallClock } from '../../dashboards/charts/load.ts';
import { agentsNeededChart, phoneAgentsChart } from '../../dashboards/charts/staffing.ts';
import type { SeriesForecast } from '../../metrics/forecast/forecast.ts';
import type { Load, LoadBucket } from '../../metrics/load/load.ts';
import { staffingParameters, type Staffing } from '../../metrics/staffing/staffing.ts';
import { parseConfig } from '../../pipelines/config.ts';

/** The chart builders on a small load and staffing object: each spec compiles and renders to SVG with its labels. */

const bucket = (day: string, orders: number): LoadBucket => ({
  bucket: day,
  bucket_start: `${day}T00:00:00.000Z`,
  orders_placed: orders,
  inquiries_opened: orders / 10,
  inquiries_by_channel: { product_qna: 1, one_to_one: 1, phone: 1, board: 0, chat: 0 },
  claims_opened: 1,
  contacts_attempted: 1,
  backlog_open_inquiries: 5,
  sla_numerator: 1,
  sla_denominator: 2,
  sla_rate: 0.5,
  answer_time_p90_bh: 12,
  answer_time_n: 1,
  address_changes_self_service: 1,
  address_changes_by_cs: 0,
  cancellations_self_service: 1,
  cancellations_by_cs: 1,
  cancellations_by_brand: 0,
});

const load: Load = {
  window: { from: '2024-12-01', to: '2024-12-04', as_of: '2024-12-03T15:00:00.000Z', grain: 'day', time_zone: 'Asia/Seoul' },
  series: [bucket('2024-12-01', 500), bucket('2024-12-02', 900), bucket('2024-12-03', 1100)],
  peaks: [],
  surges: [{ start: '2024-12-03', end: null, peak: '2024-12-03', peak_orders: 1100, start_factor: 1.52, factor: 1.52, baseline_mean: 500 }],
};

const forecast: SeriesForecast = {
  model: 'test',
  parameters: { alpha: 0.5, beta: 0.1, gamma: 0.1, phi: 0.9 },
  holiday_factor: 0.75,
  backtest: { from: '2024-11-05', to: '2024-12-03', mape: 0.031, seasonal_naive_mape: 0.149 },
  days: [{ date: '2024-12-04', holiday: false, value: 1000, low: 900, high: 1150 }],
};

const staffing = {
  window: { from: '2024-12-02', to: '2024-12-04', time_zone: 'Asia/Seoul' },
  settings: staffingParameters(parseConfig({}).peakLoad.staffing),
  days: [
    { date: '2024-12-02', business_day: true, source: 'actual', orders: 900, inquiries: 90, inquiries_high: null, workload_inquiries: 90, workload_hours: 12, agents_needed: 3, agents_needed_high: null, agents_configured: 10, shortfall: 0 },
    { date: '2024-12-03', business_day: true, source: 'forecast', orders: 1100, inquiries: 500, inquiries_high: 600, workload_inquiries: 500, workload_hours: 66.7, agents_needed: 12, agents_needed_high: 15, agents_configured: 10, shortfall: 2 },
  ],
  phone_hours: [
    { date: '2024-12-03', hour: '09:00', calls: 3, erlangs: 0.25, agents_on_phone: 1, agents_scheduled: 2, service_level: 0.8, agents_configured: 2, shortfall: 0 },
    { date: '2024-12-03', hour: '10:00', calls: 30, erlangs: 2.5, agents_on_phone: 4, agents_scheduled: 6, service_level: 0.85, agents_configured: 2, shortfall: 4 },
  ],
} as unknown as Staffing;

async function svgOf(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

describe('peak-load chart builders', () => {
  it('draws orders with the surge marked and the forecast band', async () => {
    const svg = await svgOf(loadVolumeChart(load, { measure: 'orders_placed', forecast, interval: 0.95 }));
    expect(svg).toContain('Orders placed per day');
    expect(svg).toContain('surge from 2024-12-03: ×1.52');
    expect(svg).toContain('forecast →');
    expect(svg).toContain('backtest MAPE 3.1% vs seasonal naive 14.9%');
  });

  it('renders channels, backlog, self-service, agents and phone charts', async () => {
    expect(await svgOf(inquiryChannelsChart(load))).toContain('Inquiries opened by channel');
    expect(await svgOf(backlogChart(load))).toContain('Open-inquiry backlog and SLA');
    expect(await svgOf(selfServiceChart(load))).toContain('Self-service versus CS');
    const agents = await svgOf(agentsNeededChart(staffing));
    expect(agents).toContain('CS agents needed per business day');
    expect(agents).toContain('+2');
    expect(await svgOf(phoneAgentsChart(staffing))).toContain('Phone agents to schedule per hour (Erlang C)');
  });

  it('puts hours on the axis as local wall-clock readings', () => {
    expect(wallClock('2024-12-02')).toBe('2024-12-02');
    expect(wallClock('2024-12-02T10:00+09:00')).toBe('2024-12-02T10:00:00Z');
  });
});
