import type { TopLevelSpec } from 'vega-lite';

/**
 * What every chart builder returns: a Vega-Lite spec with its data inline, so the same object is embedded in a page
 * (vega-embed) and rendered to SVG on the server (render.ts). Builders are pure functions of query results.
 */
export type ChartSpec = TopLevelSpec;

export const CHART_WIDTH = 520;
export const CHART_HEIGHT = 200;

const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", "Noto Sans KR", sans-serif',
  background: 'white',
  title: { fontSize: 14, anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e5e7eb' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom' },
  view: { stroke: null },
} as const;

/** The frame every chart shares: schema, size, fonts and a title. */
export function frame(title: string, body: Record<string, unknown>): ChartSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    padding: 8,
    config: CONFIG,
    ...body,
  } as ChartSpec;
}

/** A chart with nothing to plot still draws its title and says why, rather than an empty frame. */
export function emptyChart(title: string, message: string): ChartSpec {
  return frame(title, {
    height: 60,
    data: { values: [{ message }] },
    mark: { type: 'text', align: 'left', x: 0, y: 30, fontSize: 13, color: '#6b7280' },
    encoding: { text: { field: 'message', type: 'nominal' } },
  });
}
