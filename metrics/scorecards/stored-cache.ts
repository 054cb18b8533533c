import type { Warehouse } from '../../pipelines/warehouse/database.ts';

/**
 * The materialised scorecards as the API sends them (JSON text), kept in memory per warehouse so
 * that the common request — a brand's scorecard for a standard window — is a map lookup, with no connection, no
 * query, no parsing and no re-serialisation (DESIGN goal: p99 ≤ 50 ms at 50 connections; a DuckDB read per
 * request capped the server at a few hundred requests a second on two cores).
 *
 * Only a refresh writes `scorecards`, and only the process that holds the database file can refresh it (DuckDB
 * allows one writer process), so the refresh tells the cache when it has committed (storedScorecardsChanged).
 * Each entry is filed under the generation current when its read started: a read that overlaps a refresh's
 * commit is not kept, so a superseded scorecard is never served after the refresh has returned.
 */

/** Entries kept per warehouse (about 5 KB each): the standard windows of some 20,000 brands, bounded. */
const MAX_ENTRIES = 50_000;

interface Cache {
  generation: number;
  entries: Map<string, string>;
}

const caches = new WeakMap<Warehouse, Cache>();

function cacheOf(warehouse: Warehouse): Cache {
  let cache = caches.get(warehouse);
  if (!cache) caches.set(warehouse, (cache = { generation: 0, entries: new Map() }));
  return cache;
}

const keyOf = (brandId: string, window: { from: string; to: string }) => `${window.from}/${window.to}/${brandId}`;

/** Forgets every cached scorecard of `warehouse`: called by refresh after it has committed. */
export function storedScorecardsChanged(warehouse: Warehouse): void {
  const cache = cacheOf(warehouse);
  cache.generation += 1;
  cache.entries.clear();
}

/** The cached JSON text of the stored scorecard of exactly this window, if a read has cached it. */
export function cachedScorecardJson(warehouse: Warehouse, brandId: string, window: { from: string; to: string }): string | undefined {
  return cacheOf(warehouse).entries.get(keyOf(brandId, window));
}

/**
 * The JSON text of the scorecard materialised for exactly [from, to), from the cache or else from `load` (which
 * reads `scorecards`; then cached); undefined when none is stored for that window.
 */
export async function storedScorecardJson(
  warehouse: Warehouse,
  brandId: string,
  window: { from: string; to: string },
  load: () => Promise<string | undefined>,
): Promise<string | undefined> {
  const cache = cacheOf(warehouse);
  const key = keyOf(brandId, window);
  const hit = cache.entries.get(key);
  if (hit !== undefined) return hit;
  const generation = cache.generation;
  const json = await load();
  if (json === undefined) return undefined;
  if (cache.generation === generation) {
    if (cache.entries.size >= MAX_ENTRIES) cache.entries.clear();
    cache.entries.set(key, json);
  }
  return json;
}
