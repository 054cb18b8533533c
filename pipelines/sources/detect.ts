import { basename, dirname } from 'node:path';
import { isStream, STREAMS, type Stream } from '../contracts/index.ts';

export type FileFormat = 'csv' | 'ndjson' | 'parquet' | 'arrow';

const FORMAT_BY_EXTENSION: [RegExp, FileFormat][] = [
  [/\.csv(\.gz|\.zst)?$/i, 'csv'],
  [/\.(ndjson|jsonl|json)(\.gz|\.zst)?$/i, 'ndjson'],
  [/\.parquet$/i, 'parquet'],
  [/\.(arrow|arrows|ipc|feather)$/i, 'arrow'],
];

export class UnrecognisedFileError extends Error {
  override name = 'UnrecognisedFileError';
}

/** The stream of a file comes from its folder (`inbox/orders/…`) or its name (`orders-2024-12-01.csv`). */
export function detectFile(path: string): { stream: Stream; format: FileFormat } {
  const name = basename(path);
  const format = FORMAT_BY_EXTENSION.find(([pattern]) => pattern.test(name))?.[1];
  if (!format) throw new UnrecognisedFileError(`${name}: unknown file type (expected .csv, .ndjson, .jsonl, .parquet or .arrow)`);
  const folder = basename(dirname(path));
  if (isStream(folder)) return { stream: folder, format };
  const prefix = /^([a-z]+)(?=[-_.])/i.exec(name)?.[1]?.toLowerCase();
  if (prefix && isStream(prefix)) return { stream: prefix, format };
  throw new UnrecognisedFileError(
    `${name}: cannot tell which stream it holds; put it in a folder named after its stream or start its name with it (${STREAMS.join(', ')})`,
  );
}
