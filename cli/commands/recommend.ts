import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { listRecommendations } from '../../metrics/recommendations/decisions.ts';
import { evaluateRecommendations } from '../../metrics/recommendations/evaluate.ts';
import { policyOfConfig } from '../../metrics/recommendations/policy.ts';
import type { RecommendationList } from '../../metrics/recommendations/schema.ts';
import { refresh } from '../../metrics/refresh.ts';
import { loadConfig } from '../../pipelines/config.ts';
import { dateOption, openWarehouse, progress, type Command } from '../command.ts';

export const recommendCommand: Command = {
  name: 'recommend',
  usage: 'brandscore recommend [--as-of YYYY-MM-DD] [--json] [--db FILE] [--config FILE]',
  summary: 'Refresh, then evaluate every brand against the delisting policy and store the recommendations (default: as of today)',
  options: { 'as-of': { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }) {
    const config = loadConfig(values.config as string | undefined);
    const policy = policyOfConfig(config);
    const calendar = new BusinessCalendar(config.calendar, { onWarning: (message) => progress(`warning: ${message}`) });
    const warehouse = await openWarehouse(values);
    try {
      const now = new Date();
      const asOfDate = dateOption('as-of', values['as-of']);
      progress('refreshing facts…');
      await refresh(warehouse, { now, calendar });
      progress('evaluating brands…');
      const evaluation = await evaluateRecommendations(warehouse, {
        now,
        calendar,
        policy,
        asOfDate,
        triggeredBy: 'cli',
      });
      const list = await listRecommendations(warehouse, { asOfDate: evaluation.as_of_date });
      // The evaluation just stored, even when an earlier run of the same date exists.
      const mine: RecommendationList = {
        evaluation,
        recommendations: list.recommendations.filter((r) => r.evaluation_id === evaluation.evaluation_id),
      };
      console.log(values.json ? JSON.stringify(mine, null, 2) : formatRecommendations(mine));
      return 0;
    } finally {
      warehouse.close();
    }
  },
};

/** The evaluation as lines of text: a header, then one line per recommended brand, most severe first. */
export function formatRecommendations(list: RecommendationList): string {
  const { evaluation, recommendations } = list;
  if (!evaluation) return 'no evaluation yet';
  const { counts } = evaluation;
  const lines = [
    `evaluation ${evaluation.evaluation_id} as of ${evaluation.as_of_date} (window ${evaluation.window.from} to ${evaluation.window.to}, exclusive), ` +
      `policy ${evaluation.policy_version} #${evaluation.policy_hash}`,
    `${evaluation.brands_evaluated} brands: ${counts.delist} delist, ${counts.warn} warn, ${counts.retrain} retrain, ${counts.watch} watch`,
  ];
  if (recommendations.length > 0) lines.push('');
  for (const rec of recommendations) {
    const name = rec.brand.name ? ` (${rec.brand.name})` : '';
    lines.push(`${rec.action.padEnd(7)} ${rec.brand_id}${name} [#${rec.recommendation_id}, ${rec.status}]: ${rec.reasons.join('; ')}`);
  }
  return lines.join('\n');
}
