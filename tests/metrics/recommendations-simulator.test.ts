import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { evaluateRecommendations } from '../../metrics/recommendations/evaluate.ts';
import { parsePolicy, type BadRate } from '../../metrics/recommendations/policy.ts';
import type { StoredRecommendation } from '../../metrics/recommendations/schema.ts';
import { refresh } from '../../metrics/refresh.ts';
import { parseConfig } from '../../pipelines/config.ts';
import type { BehaviourParams } from '../../pipelines/simulator/archetypes.ts';
import { generateMarketplace } from '../../pipelines/simulator/generate.ts';
import { ingestFiles } from '../../pipelines/sources/file-ingest.ts';
import { Warehouse } from '../../pipelines/warehouse/database.ts';
import { tempDir } from '../helpers/event-files.ts';

/**
 * The default policy on a simulated marketplace (70 brands, 120 days from 2024-09-01, seed 11), evaluated on the
 * four Mondays of December. The simulator's ground truth gives every brand's behaviour, from which its true bad
 * rates follow; a warn or delist on a rate whose true value is within the warn threshold is a false positive.
 */

/** A brand's true bad rates, from its simulator parameters (approximately: the metrics count slightly differently). */
function trueRates(p: BehaviourParams): Record<BadRate, number> {
  return {
    late_dispatch_rate: p.late_dispatch,
    shipping_issue_rate: p.shipping_issue,
    // The brand answers first for brand_answer of its inquiries, answer_late of those after the deadline.
    sla_miss_rate: 1 - p.brand_answer * (1 - p.answer_late),
    contact_failure_rate: 1 - p.contact_answer,
    brand_cancel_rate: p.brand_cancel,
    // 60 % of the reviews after a shipping issue are negative (simulator README).
    negative_review_rate: p.negative_review * (1 - p.shipping_issue) + 0.6 * p.shipping_issue,
  };
}

const MONDAYS = ['2024-12-02', '2024-12-09', '2024-12-16', '2024-12-23'];

describe('recommendations on simulated brands', () => {
  it('delists late shippers and unreachable brands, never reliable ones, and does not flag on noise', async () => {
    const out = join(tempDir(), 'gen');
    const generated = await generateMarketplace({ out, start: '2024-09-01', days: 120, brands: 70, seed: 11, baseDailyOrders: 400 });
    const truth = JSON.parse(readFileSync(generated.groundTruthPath, 'utf8')) as {
      brands: { brand_id: string; archetype: string; params: BehaviourParams }[];
    };
    const brands = new Map(truth.brands.map((b) => [b.brand_id, b]));
    const warehouse = await Warehouse.open(':memory:');
    await ingestFiles(warehouse, [out], { sourceTimeZone: 'Asia/Seoul' });
    const calendar = new BusinessCalendar(parseConfig({}).calendar);
    const now = new Date('2024-12-30T00:00:00+09:00');
    await refresh(warehouse, { now, calendar });
    const policy = parsePolicy({});

    const byDate = new Map<string, StoredRecommendation[]>();
    for (const date of MONDAYS) {
      const evaluation = await evaluateRecommendations(warehouse, { asOfDate: date, now, calendar, policy, triggeredBy: 'test' });
      const rows = await warehouse.all<{ detail: string }>('SELECT detail FROM recommendations WHERE evaluation_id = $id', {
        id: evaluation.evaluation_id,
      });
      byDate.set(date, rows.map((row) => JSON.parse(row.detail) as StoredRecommendation));
    }
    warehouse.close();

    const all = [...byDate.values()].flat();
    const last = byDate.get(MONDAYS.at(-1)!)!;
    const ofArchetype = (list: StoredRecommendation[], archetype: string) => list.filter((r) => brands.get(r.brand_id)?.archetype === archetype);
    const everDelisted = (archetype: string) => new Set(ofArchetype(all, archetype).filter((r) => r.action === 'delist').map((r) => r.brand_id));
    const count = (archetype: string) => truth.brands.filter((b) => b.archetype === archetype).length;

    // False positives: warn or delist level on a rate whose true value is within its warn threshold.
    const falsePositives = all.flatMap((r) =>
      r.metrics
        .filter((m) => (m.level === 'warn' || m.level === 'delist') && trueRates(brands.get(r.brand_id)!.params)[m.rate] <= m.warn)
        .map((m) => `${r.as_of_date} ${r.brand_id} ${brands.get(r.brand_id)!.archetype} ${m.rate} ${m.numerator}/${m.denominator} ${m.level}`),
    );
    const reliableFlagged = ofArchetype(all, 'reliable').filter((r) => r.action === 'warn' || r.action === 'delist');
    const summary = {
      late_shipper: `${ofArchetype(last, 'late_shipper').filter((r) => r.action === 'delist').length} of ${count('late_shipper')} delist on ${MONDAYS.at(-1)}`,
      unreachable: `${everDelisted('unreachable').size} of ${count('unreachable')} delist in some evaluation`,
      reliable: `${everDelisted('reliable').size} delist, ${reliableFlagged.length} warn or delist of ${count('reliable')} × 4 evaluations`,
      reliable_on_watch: MONDAYS.map((date) => ofArchetype(byDate.get(date)!, 'reliable').filter((r) => r.action === 'watch').length),
      false_positives: falsePositives,
      rate_judgements: all.length * 6,
    };
    console.log(JSON.stringify(summary, null, 2));

    // Measured with seed 11: 5 of 6 late shippers delisted on 23 December (B0006 stays at warn); 2 of 3 unreachable brands delisted (B0063 has 1–3 contacts a window, too few to judge).
    expect(ofArchetype(last, 'late_shipper').filter((r) => r.action === 'delist').length, JSON.stringify(summary)).toBeGreaterThanOrEqual(5);
    expect(everDelisted('unreachable').size, JSON.stringify(summary)).toBeGreaterThanOrEqual(2);
    expect(everDelisted('reliable').size).toBe(0);
    expect(reliableFlagged).toEqual([]);
    // Measured: 1 false positive in 1,680 rate judgements (70 brands × 4 evaluations × 6 rates): B0056 (average, true
    // negative-review rate about 8.8 %) had 5 negative of 21 reviews on 9 December, Wilson low 10.6 % > 10 %: a warn.
    // About what a 95 % interval lets through; none at the delist level, and none became a delist.
    expect(falsePositives.length, JSON.stringify(summary)).toBeLessThanOrEqual(1);
    expect(falsePositives.filter((line) => line.endsWith('delist')), JSON.stringify(summary)).toEqual([]);
  }, 120_000);
});
