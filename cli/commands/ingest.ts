import { loadConfig } from '../../pipelines/config.ts';
import { ingestFiles } from '../../pipelines/sources/file-ingest.ts';
import { summariseIngest } from '../../pipelines/sources/inbox.ts';
import { openWarehouse, progress, type Command } from '../command.ts';

export const ingestCommand: Command = {
  name: 'ingest',
  usage: 'brandscore ingest PATH… [--db FILE] [--tz ZONE]',
  summary: 'Ingest event and brand files (CSV, NDJSON, Parquet, Arrow IPC) or folders of them',
  positionals: true,
  options: { tz: { type: 'string' } },
  async run({ values, positionals }) {
    if (positionals.length === 0) throw new Error('ingest needs at least one file or folder');
    const config = loadConfig(values.config as string | undefined);
    const warehouse = await openWarehouse(values);
    try {
      const results = await ingestFiles(warehouse, positionals, {
        sourceTimeZone: (values.tz as string | undefined) ?? config.sourceTimeZone,
        inboxDir: config.inbox,
        onProgress: progress,
      });
      for (const result of results) {
        const name = result.path;
        if (result.outcome === 'failed') {
          console.log(`FAILED  ${name}: ${result.error}`);
          continue;
        }
        if (result.outcome === 'already_ingested') {
          console.log(`same    ${name}: already ingested (same sha256), nothing to do`);
          continue;
        }
        console.log(
          `ok      ${name} [${result.stream}, ${result.format}]: ${result.accepted} accepted, ${result.duplicate} duplicate, ${result.rejected} rejected (${result.seconds.toFixed(1)} s)`,
        );
        for (const reject of result.rejects) {
          console.log(`          line ${reject.line ?? '?'}: ${reject.field ?? 'row'}: ${reject.reason}`);
        }
        if (result.rejected > result.rejects.length) console.log(`          … ${result.rejected - result.rejects.length} more in the quarantine table`);
      }
      const summary = summariseIngest(results);
      console.log('');
      for (const [stream, counts] of Object.entries(summary.byStream)) {
        console.log(`${stream.padEnd(10)} ${counts.accepted} accepted, ${counts.duplicate} duplicate, ${counts.rejected} rejected`);
      }
      if (summary.failedFiles > 0) {
        console.error(`brandscore: ${summary.failedFiles} of ${summary.files} files could not be ingested`);
        return 1;
      }
      return 0;
    } finally {
      warehouse.close();
    }
  },
};
