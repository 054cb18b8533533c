import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { refresh } from '../../metrics/refresh.ts';
import { loadConfig } from '../../pipelines/config.ts';
import { openWarehouse, progress, type Command } from '../command.ts';

export const refreshCommand: Command = {
  name: 'refresh',
  usage: 'brandscore refresh [--db FILE] [--config FILE]',
  summary: 'Fold new raw events into facts, daily rollups and the standard scorecards',
  async run({ values }) {
    const config = loadConfig(values.config as string | undefined);
    const calendar = new BusinessCalendar(config.calendar, { onWarning: (message) => progress(`warning: ${message}`) });
    const warehouse = await openWarehouse(values);
    try {
      progress('refreshing facts, rollups and scorecards…');
      const result = await refresh(warehouse, { now: new Date(), calendar });
      if (result.toBatch === result.fromBatch) {
        console.log(`no new events since batch ${result.fromBatch}; facts and rollups unchanged`);
      } else {
        console.log(`folded in ingest batches ${result.fromBatch + 1}–${result.toBatch}`);
      }
      const touched = Object.entries(result.touched)
        .map(([entity, count]) => `${count} ${entity}`)
        .join(', ');
      console.log(`facts rebuilt:        ${touched}`);
      console.log(`brand-day rows:       ${result.rollupRows}`);
      console.log(`scorecards:           ${result.scorecards} (trailing 7, 28 and 90 days)`);
      console.log(`business calendar:    ${result.calendar.from} to ${result.calendar.to}`);
      console.log(`took ${result.seconds.toFixed(2)} s`);
      const phases = Object.entries(result.phases).map(([phase, seconds]) => `${phase} ${seconds.toFixed(2)}`);
      console.log(`phases (s): ${phases.join(', ')}`);
      return 0;
    } finally {
      warehouse.close();
    }
  },
};
