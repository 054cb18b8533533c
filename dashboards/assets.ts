import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The files pages load, served from this server (no CDN): a fixed list of names, each mapped to one file, so no
 * request path ever reaches the file system. Vega, Vega-Lite and vega-embed are their own UMD builds; the
 * expression interpreter is published only as an ES module importing vega-util, so it is served with that import
 * taken from the global `vega` (which re-exports vega-util) and its export assigned to `window.vegaInterpreter`.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const MODULES = join(HERE, '..', 'node_modules');

export interface Asset {
  contentType: string;
  body: Buffer;
}

const JS = 'text/javascript; charset=utf-8';

const SOURCES: Record<string, { file: string; contentType: string; transform?: (text: string) => string }> = {
  'vega.min.js': { file: join(MODULES, 'vega/build/vega.min.js'), contentType: JS },
  'vega-lite.min.js': { file: join(MODULES, 'vega-lite/build/vega-lite.min.js'), contentType: JS },
  'vega-embed.min.js': { file: join(MODULES, 'vega-embed/build/vega-embed.min.js'), contentType: JS },
  'vega-interpreter.js': { file: join(MODULES, 'vega-interpreter/build/vega-interpreter.js'), contentType: JS, transform: interpreterAsScript },
  'dashboard.js': { file: join(HERE, 'assets/dashboard.js'), contentType: JS },
  'dashboard.css': { file: join(HERE, 'assets/dashboard.css'), contentType: 'text/css; charset=utf-8' },
};

/** The ES module's one import and one export, rewritten for a classic script; fails loudly if the build changes. */
export function interpreterAsScript(source: string): string {
  const importLine = /^import \{ ([\w, ]+) \} from 'vega-util';$/m;
  const exportLine = /^export \{ (\w+) as expressionInterpreter \};$/m;
  const imported = importLine.exec(source);
  const exported = exportLine.exec(source);
  if (!imported || !exported) throw new Error('vega-interpreter build has an unexpected shape: cannot serve it as a script');
  const body = source
    .replace(importLine, `const { ${imported[1]} } = globalThis.vega;`)
    .replace(exportLine, `globalThis.vegaInterpreter = { expressionInterpreter: ${exported[1]} };`);
  return `(function () {\n'use strict';\n${body}\n})();\n`;
}

const cache = new Map<string, Asset>();

/** The asset of that name, or undefined for any name not in the list. */
export function readAsset(name: string): Asset | undefined {
  if (!Object.hasOwn(SOURCES, name)) return undefined;
  let asset = cache.get(name);
  if (!asset) {
    const source = SOURCES[name]!;
    const bytes = readFileSync(source.file);
    asset = { contentType: source.contentType, body: source.transform ? Buffer.from(source.transform(bytes.toString('utf8'))) : bytes };
    cache.set(name, asset);
  }
  return asset;
}
