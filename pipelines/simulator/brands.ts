import { addDays, uniform } from './calendar.ts';
import { ARCHETYPE_MIX, ARCHETYPE_PARAMS, ARCHETYPES, DAY_PARAMS, type Archetype, type BehaviourParams } from './archetypes.ts';

/** One simulated brand: its reference data (DESIGN §3 `brands`) plus the hidden behaviour that drives its events. */
export interface SimBrand {
  /** 1-based index used inside SQL. */
  index: number;
  brand_id: string;
  name: string;
  status: 'active' | 'probation';
  onboarded_at: string;
  dispatch_days: number;
  cs_phone: string | null;
  cs_email: string | null;
  return_address: string | null;
  category: string;
  archetype: Archetype;
  /** First day (from the period start) on which the brand takes orders. */
  onboard_day: number;
  /** Relative order volume (Zipf by size rank). */
  weight: number;
  /** Share of the brand's orders sold with express dispatch (dispatch_due_at one business day after payment). */
  express_share: number;
  /** Share of the brand's orders carrying a promised delivery date (delivery_due_at). */
  delivery_due_share: number;
  carrier: string;
  /** Multiplier on the marketplace's median item price. */
  price_level: number;
  params: BehaviourParams;
}

const CATEGORIES = ['outer', 'knit', 'denim', 'shoes', 'bags', 'accessories', 'dresses', 'sportswear', 'kids', 'homewear'];
const CARRIERS = ['cj', 'cj', 'cj', 'hanjin', 'lotte', 'lotte', 'logen', 'epost'];
const KO_FIRST = ['무드', '한결', '바람', '소나무', '하늘', '달빛', '온기', '숲결', '누리', '새벽', '담장', '보라', '모노', '들꽃', '가을'];
const KO_SECOND = ['서울', '상회', '공방', '스튜디오', '아뜰리에', '옷장', '니트', '슈즈', '마켓', '하우스', '잡화점', '테일러'];
const EN_FIRST = ['Northwind', 'Modest', 'Urban', 'Slow', 'Blue', 'Common', 'Quiet', 'Field', 'Harbor', 'Linen', 'Stone', 'Maple', 'Paper', 'Cedar'];
const EN_SECOND = ['Atelier', 'Studio', 'Supply', 'Goods', 'Works', 'Label', 'Club', 'Store', 'Lab', 'House', 'Tailors', 'Knitwear'];
const DISTRICTS = [
  '서울특별시 성동구 성수이로',
  '서울특별시 마포구 와우산로',
  '서울특별시 강남구 논현로',
  '서울특별시 중구 을지로',
  '서울특별시 동대문구 장한로',
  '부산광역시 부산진구 중앙대로',
  '경기도 수원시 팔달구 정조로',
];

function pick<T>(list: readonly T[], u: number): T {
  return list[Math.min(list.length - 1, Math.floor(u * list.length))]!;
}

/** Brand ids are `B` and at least four digits, wider when there are more brands. */
export function brandIdWidth(count: number): number {
  return Math.max(4, String(count).length);
}

function archetypeCounts(count: number): Archetype[] {
  const list: Archetype[] = [];
  if (count < ARCHETYPES.length) {
    for (let i = 0; i < count; i++) list.push(ARCHETYPES[i]!);
    return list;
  }
  for (const archetype of ARCHETYPES) {
    if (archetype === 'average') continue;
    const n = Math.max(1, Math.round(ARCHETYPE_MIX[archetype] * count));
    for (let i = 0; i < n; i++) list.push(archetype);
  }
  while (list.length < count) list.push('average');
  return list.slice(0, count);
}

function jitter(params: BehaviourParams, seed: number, index: number): BehaviourParams {
  const out = { ...params };
  for (const key of Object.keys(out) as (keyof BehaviourParams)[]) {
    if (DAY_PARAMS.has(key)) continue;
    const value = out[key] * (0.85 + 0.3 * uniform(seed, 'jitter', index, key));
    out[key] = Math.round(Math.min(0.995, value) * 10_000) / 10_000;
  }
  return out;
}

/**
 * Brands for a period of `periodDays` days from `start`. Sizes follow a Zipf law over a shuffled rank so that a
 * few brands are large and most are small, independently of their archetype; struggling_new brands and a few
 * others join during the period in probation.
 */
export function buildBrands(count: number, start: string, periodDays: number, seed: number): SimBrand[] {
  const archetypes = archetypeCounts(count)
    .map((archetype, i) => ({ archetype, key: uniform(seed, 'archetype-order', i) }))
    .sort((a, b) => a.key - b.key)
    .map((entry) => entry.archetype);
  const ranks = archetypes
    .map((_, i) => ({ i, key: uniform(seed, 'size-rank', i) }))
    .sort((a, b) => a.key - b.key)
    .map((entry, rank) => ({ i: entry.i, rank: rank + 1 }))
    .sort((a, b) => a.i - b.i)
    .map((entry) => entry.rank);
  const width = brandIdWidth(count);
  const names = new Set<string>();
  return archetypes.map((archetype, i) => {
    const index = i + 1;
    const u = (purpose: string) => uniform(seed, 'brand', index, purpose);
    const isNew = archetype === 'struggling_new' || ((archetype === 'reliable' || archetype === 'average') && u('new') < 0.06);
    const onboardDay = isNew ? Math.floor(periodDays * (0.1 + 0.5 * u('onboard-day'))) : 0;
    const onboardedAt = isNew ? addDays(start, onboardDay) : addDays(start, -(30 + Math.floor(u('tenure') * 1500)));
    const korean = u('name-lang') < 0.4;
    let name = korean
      ? `${pick(KO_FIRST, u('name-1'))}${pick(KO_SECOND, u('name-2'))}`
      : `${pick(EN_FIRST, u('name-1'))} ${pick(EN_SECOND, u('name-2'))}`;
    if (names.has(name)) name = korean ? `${name} ${index}호점` : `${name} No.${index}`;
    names.add(name);
    const careless = archetype === 'struggling_new' || archetype === 'unreachable';
    const dispatchDays =
      archetype === 'reliable' && u('dispatch-days') < 0.2 ? 1 : archetype === 'average' && u('dispatch-days') < 0.1 ? 3 : 2;
    const weight = (1 / Math.pow(ranks[i]!, 0.9)) * (archetype === 'struggling_new' ? 0.4 : 1);
    return {
      index,
      brand_id: `B${String(index).padStart(width, '0')}`,
      name,
      status: isNew ? 'probation' : 'active',
      onboarded_at: onboardedAt,
      dispatch_days: dispatchDays,
      cs_phone: careless && u('phone') < 0.3 ? null : `02-${3000 + Math.floor(u('phone-1') * 6000)}-${1000 + Math.floor(u('phone-2') * 9000)}`,
      cs_email: careless && u('email') < 0.3 ? null : `cs@${brandIdWidth(count) > 4 ? 'b' : 'brand'}${index}.example.kr`,
      return_address:
        archetype === 'struggling_new' && u('address') < 0.3
          ? null
          : `${pick(DISTRICTS, u('district'))} ${1 + Math.floor(u('street') * 120)}, ${1 + Math.floor(u('floor') * 5)}층`,
      category: pick(CATEGORIES, u('category')),
      archetype,
      onboard_day: onboardDay,
      weight,
      express_share: u('express') < 0.25 ? Math.round((0.15 + 0.15 * u('express-share')) * 100) / 100 : 0,
      delivery_due_share: u('delivery-due') < 0.3 ? 0.5 : 0,
      carrier: pick(CARRIERS, u('carrier')),
      price_level: Math.round((0.6 + 1.2 * u('price')) * 100) / 100,
      params: jitter(ARCHETYPE_PARAMS[archetype], seed, index),
    } satisfies SimBrand;
  });
}
