import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { makeDigests } from '../../metrics/digests/digests.ts';
import { refresh } from '../../metrics/refresh.ts';
import { loadConfig } from '../../pipelines/config.ts';
import { deliverUntilSettled } from '../../pipelines/delivery/deliver.ts';
import { resolveDeliverySettings, webhookForLogs } from '../../pipelines/delivery/settings.ts';
import { dateOption, openWarehouse, progress, type Command } from '../command.ts';

export const digestCommand: Command = {
  name: 'digest',
  usage: 'brandscore digest [--date YYYY-MM-DD] [--db FILE] [--config FILE]',
  summary: "Make the brands' morning digests of a business date (default today) and deliver the outbox",
  options: { date: { type: 'string' } },
  async run({ values }) {
    const config = loadConfig(values.config as string | undefined);
    const calendar = new BusinessCalendar(config.calendar, { onWarning: (message) => progress(`warning: ${message}`) });
    const settings = resolveDeliverySettings(config.delivery, config.calendar.timeZone);
    const now = new Date();
    const date = dateOption('date', values.date) ?? calendar.localDateOf(now);
    const warehouse = await openWarehouse(values);
    try {
      progress('refreshing facts…');
      await refresh(warehouse, { now, calendar });
      const result = await makeDigests(warehouse, { date, now, calendar, digestTime: config.delivery.digestTime });
      if (!result.business_day) {
        console.log(`${result.reason}: no digests`);
      } else {
        console.log(`digests of ${date} (pending work as of ${result.as_of}): ${result.brands} brand(s), ${result.created} new`);
      }
      // Also resumes whatever an earlier run left pending.
      progress(settings.webhook ? `delivering to ${webhookForLogs(settings.webhook.url)}…` : `no webhook configured; writing ${settings.outboxDir}`);
      const delivery = await deliverUntilSettled(warehouse, settings, { now: () => new Date(), log: progress });
      console.log(
        `outbox: ${delivery.filed} filed under ${settings.outboxDir}, ${delivery.delivered} delivered, ${delivery.dead} dead, ${delivery.pending} still pending`,
      );
      if (delivery.dead > 0) throw new Error(`${delivery.dead} message(s) became dead letters (GET /api/deliveries/dead-letters)`);
      return 0;
    } finally {
      warehouse.close();
    }
  },
};
