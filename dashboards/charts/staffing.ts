import type { TopLevelSpec } from 'vega-lite';
import type { Staffing } from '../../metrics/staffing/staffing.ts';

/** Vega-Lite specs of the staffing part of the peak-load page, built from `GET /api/staffing`. */

const WIDTH = 900;

/** Both charts: one column per date of the forecast window, and the date first in the tooltip. */
const DAY_AXIS = {
  field: 't',
  type: 'ordinal' as const,
  title: null,
  timeUnit: 'utcyearmonthdate' as const,
  axis: { format: '%a %m-%d', labelAngle: -50 },
};
const DATE_TOOLTIP = { field: 't', type: 'temporal' as const, title: 'date', format: '%Y-%m-%d (%a)', formatType: 'utc' };

/**
 * Agents needed per business day (bars: actual days grey-blue, forecast days purple, with a tick at the need for
 * the upper end of the forecast's interval) against the configured headcount (red rule); shortfalls labelled.
 */
export function agentsNeededChart(staffing: Staffing): TopLevelSpec {
  const rows = staffing.days
    .filter((d) => d.business_day)
    .map((d) => ({
      t: d.date,
      source: d.source,
      needed: d.agents_needed,
      high: d.agents_needed_high,
      configured: d.agents_configured,
      shortfall: d.shortfall > 0 ? `+${d.shortfall}` : '',
      inquiries: Math.round(d.workload_inquiries),
      hours: Math.round(d.workload_hours * 10) / 10,
    }));
  const s = staffing.settings;
  const x = DAY_AXIS;
  const y = { type: 'quantitative' as const, title: 'agents' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'CS agents needed per business day',
      subtitle: `${s.handling_minutes} min per inquiry, ${s.productive_hours} productive h per agent, ${Math.round(s.shrinkage * 100)}% shrinkage; red line: ${s.agents} agents configured; ticks: upper end of the forecast`,
      anchor: 'start',
    },
    width: WIDTH,
    height: 280,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x,
          y: { ...y, field: 'needed' },
          color: { field: 'source', type: 'nominal', title: null, scale: { domain: ['actual', 'forecast'], range: ['#64748b', '#7c3aed'] } },
          tooltip: [
            DATE_TOOLTIP,
            { field: 'source' },
            { field: 'inquiries', type: 'quantitative', title: 'inquiries to answer' },
            { field: 'hours', type: 'quantitative', title: 'workload (h)' },
            { field: 'needed', type: 'quantitative', title: 'agents needed' },
            { field: 'high', type: 'quantitative', title: 'agents needed (interval high)' },
            { field: 'configured', type: 'quantitative', title: 'configured' },
          ],
        },
      },
      { mark: { type: 'tick', color: '#312e81', thickness: 2 }, encoding: { x, y: { ...y, field: 'high' } } },
      { mark: { type: 'rule', color: '#b91c1c', strokeWidth: 2 }, encoding: { y: { ...y, field: 'configured', aggregate: 'max' } } },
      {
        mark: { type: 'text', color: '#b91c1c', dy: -8, fontWeight: 'bold' },
        encoding: { x, y: { ...y, field: 'needed' }, text: { field: 'shortfall' } },
      },
    ],
    config: { font: 'sans-serif', legend: { orient: 'top' } },
  } as TopLevelSpec;
}

/** Phone agents to schedule per open hour (Erlang C), as a date × hour grid, red where above the configured staff. */
export function phoneAgentsChart(staffing: Staffing): TopLevelSpec {
  const s = staffing.settings;
  const rows = staffing.phone_hours.map((h) => ({
    t: h.date,
    hour: h.hour,
    agents: h.agents_scheduled,
    on_phone: h.agents_on_phone,
    calls: Math.round(h.calls * 10) / 10,
    erlangs: Math.round(h.erlangs * 100) / 100,
    service_level: h.service_level,
    short: h.shortfall > 0,
  }));
  const x = DAY_AXIS;
  const y = { field: 'hour', type: 'ordinal' as const, title: 'hour', sort: 'ascending' as const };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Phone agents to schedule per hour (Erlang C)',
      subtitle: `${Math.round(s.phone_service_level * 100)}% answered within ${s.phone_answer_seconds} s, ${s.phone_handling_seconds} s per call, ${Math.round(s.shrinkage * 100)}% shrinkage; ${s.phone_agents} configured; red: more needed`,
      anchor: 'start',
    },
    width: WIDTH,
    height: 240,
    data: { values: rows },
    encoding: { x, y },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white' },
        encoding: {
          color: {
            condition: { test: 'datum.short', value: '#fca5a5' },
            field: 'agents',
            type: 'quantitative',
            title: 'agents',
            scale: { scheme: 'blues' },
            // Whole agents: a single-valued domain would otherwise be labelled 2.000000.
            legend: { format: 'd', tickMinStep: 1 },
          },
          tooltip: [
            DATE_TOOLTIP,
            { field: 'hour' },
            { field: 'calls', type: 'quantitative', title: 'expected calls' },
            { field: 'erlangs', type: 'quantitative', title: 'Erlangs' },
            { field: 'on_phone', type: 'quantitative', title: 'agents on the phone' },
            { field: 'agents', type: 'quantitative', title: 'agents to schedule' },
            { field: 'service_level', type: 'quantitative', format: '.1%', title: 'service level' },
          ],
        },
      },
      { mark: { type: 'text', fontSize: 10 }, encoding: { text: { field: 'agents', type: 'quantitative' } } },
    ],
    config: { font: 'sans-serif', legend: { orient: 'right' } },
  } as TopLevelSpec;
}
