import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { onboardingChecklist } from '../../metrics/onboarding/checklist.ts';
import type { OnboardingChecklist } from '../../metrics/onboarding/schema.ts';
import { policyOfConfig } from '../../metrics/recommendations/policy.ts';
import { loadConfig } from '../../pipelines/config.ts';
import { dateOption, openWarehouse, type Command } from '../command.ts';

export const onboardingCommand: Command = {
  name: 'onboarding',
  usage: 'brandscore onboarding BRAND [--as-of YYYY-MM-DD] [--json] [--db FILE] [--config FILE]',
  summary: "A brand's onboarding CS checklist over its first 60 days; --json prints the API's object",
  positionals: true,
  options: { 'as-of': { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }) {
    const [brandId, ...extra] = positionals;
    if (!brandId || extra.length > 0) throw new Error('onboarding needs exactly one brand id');
    const config = loadConfig(values.config as string | undefined);
    const policy = policyOfConfig(config);
    const calendar = new BusinessCalendar(config.calendar);
    const warehouse = await openWarehouse(values);
    try {
      const asOfDate = dateOption('as-of', values['as-of']);
      const checklist = await onboardingChecklist(warehouse, brandId, { now: new Date(), calendar, policy, asOfDate });
      if (!checklist) throw new Error(`unknown brand '${brandId}': not in the brands reference data`);
      console.log(values.json ? JSON.stringify(checklist, null, 2) : formatChecklist(checklist));
      return 0;
    } finally {
      warehouse.close();
    }
  },
};

export function formatChecklist(list: OnboardingChecklist): string {
  const { brand, period } = list;
  const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);
  const lines = [
    `${list.brand_id}${brand.name ? ` (${brand.name})` : ''}, ${brand.status}, onboarded ${brand.onboarded_at ?? 'unknown'}`,
    `probation window ${period.from} to ${period.to} (exclusive), day ${period.days_elapsed} of ${period.days}, as of ${period.as_of}`,
    '',
    'profile',
    ...list.profile.map(
      (c) => `  ${c.result.padEnd(17)} ${c.requirement} (${Object.entries(c.evidence).map(([k, v]) => `${k}: ${v ?? '–'}`).join(', ')})`,
    ),
    'performance',
    ...list.performance.map(
      (c) => `  ${c.result.padEnd(17)} ${c.requirement}: ${percent(c.metric.value)} (${c.metric.numerator}/${c.metric.denominator})`,
    ),
    '',
    `verdict: ${list.verdict}${list.reasons.length > 0 ? ` — ${list.reasons.join('; ')}` : ''}`,
  ];
  return lines.join('\n');
}
