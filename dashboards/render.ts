import { compile } from 'vega-lite';
import { parse, View } from 'vega';
import type { ChartSpec } from './charts/spec.ts';

/**
 * Server-side rendering of a chart to SVG (exports, digests, `GET /api/charts/:name.svg`): Vega-Lite compiled to
 * Vega, run in a headless View with no renderer and serialised with toSVG — no canvas, no browser. Without a
 * canvas Vega estimates text widths, which is close enough for labels of this size.
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const vega = compile(spec).spec;
  const view = new View(parse(vega), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
