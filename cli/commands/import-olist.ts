import { checkOlistFolder, importOlist, OLIST_TIME_ZONE } from '../../pipelines/sources/olist/olist-import.ts';
import { loadConfig } from '../../pipelines/config.ts';
import { openWarehouse, progress, type Command } from '../command.ts';

export const importOlistCommand: Command = {
  name: 'import-olist',
  usage: 'brandscore import-olist DIR [--tz America/Sao_Paulo] [--out DIR] [--db FILE]',
  summary: 'Import the public Olist dataset (sellers as brands, orders, shipments, reviews) through the ordinary ingest',
  positionals: true,
  options: { tz: { type: 'string' }, out: { type: 'string' } },
  async run({ values, positionals }) {
    const [dir, ...extra] = positionals;
    if (!dir || extra.length > 0) throw new Error('import-olist needs exactly one folder (the one holding olist_orders_dataset.csv)');
    const config = loadConfig(values.config as string | undefined);
    const timeZone = (values.tz as string | undefined) ?? OLIST_TIME_ZONE;
    try {
      new Intl.DateTimeFormat('en', { timeZone });
    } catch {
      throw new Error(`unknown time zone '${timeZone}'`);
    }
    checkOlistFolder(dir);
    const warehouse = await openWarehouse(values);
    try {
      const result = await importOlist(warehouse, dir, { timeZone, outDir: values.out as string | undefined, onProgress: progress });
      let failed = 0;
      for (const file of result.files) {
        if (file.outcome === 'failed') {
          failed++;
          console.log(`FAILED  ${file.stream ?? file.path}: ${file.error}`);
        } else if (file.outcome === 'already_ingested') {
          console.log(`same    ${file.stream}: already ingested (same content), nothing to do`);
        } else {
          console.log(
            `ok      ${file.stream}: ${file.accepted} accepted, ${file.duplicate} duplicate, ${file.rejected} rejected (${file.seconds.toFixed(1)} s)`,
          );
          for (const reject of file.rejects) console.log(`          row ${reject.line ?? '?'}: ${reject.field ?? 'row'}: ${reject.reason}`);
        }
      }
      console.log(
        `${result.sellerOrders} orders (one per Olist order and seller) from ${result.source.olist_orders} Olist orders; ${result.ordersWithoutItems} orders without items left out (no seller); ${result.seconds.toFixed(1)} s`,
      );
      if (config.calendar.timeZone !== timeZone) {
        console.log(
          `note: the business calendar's zone is ${config.calendar.timeZone}; for this data set calendar.timeZone "${timeZone}" and koreanHolidays false in brandscore.config.json (see README, "Real data: Olist")`,
        );
      }
      console.log('run `brandscore refresh` to compute facts and scorecards');
      if (failed > 0) {
        console.error(`brandscore: ${failed} of ${result.files.length} event files could not be ingested`);
        return 1;
      }
      return 0;
    } finally {
      warehouse.close();
    }
  },
};
