import type { DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { contracts, type Stream } from '../contracts/index.ts';
import type { Warehouse } from '../warehouse/database.ts';
import { stageArrow } from './arrow-stage.ts';
import { detectFile, type FileFormat } from './detect.ts';
import { cellEndsTest, checkedSelect, fastSelect, sqlIdent, type SourceTypes } from './validation-sql.ts';

export type FileOutcome = 'ingested' | 'already_ingested' | 'failed';

export interface QuarantineSample {
  line: number | null;
  field: string | null;
  reason: string;
}

export interface FileIngestResult {
  path: string;
  stream: Stream | null;
  format: FileFormat | null;
  outcome: FileOutcome;
  rowsRead: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  /** Up to ten rejected rows, for the report; all of them are in the quarantine table. */
  rejects: QuarantineSample[];
  error?: string;
  movedTo?: string;
  seconds: number;
}

export interface IngestOptions {
  /** Zone in which timestamps without an offset are read. */
  sourceTimeZone: string;
  /** Files below this folder are inbox files: moved to done/ or failed/ after their transaction. */
  inboxDir?: string;
  onProgress?: (message: string) => void;
}

const STAGE = 'ingest_stage';
/**
 * Longest line a CSV or NDJSON file may have (DuckDB's default is 2 MB): a longer cell is the contract's to
 * reject, row by row, instead of failing the whole file and its good rows with it.
 */
const MAX_LINE_BYTES = 64 * 1024 * 1024;
const CHECKED = 'ingest_checked';
/** A CSV file (`$path`) as text, cell by cell, for both paths: the same rows whichever path reads them. */
const CSV_AS_TEXT = `read_csv($path, header = true, all_varchar = true, strict_mode = false, null_padding = true)`;

/** Expands folders into their files, in path order; the inbox's own done/ and failed/ folders are skipped. */
export function listIngestFiles(paths: string[]): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry === 'done' || entry === 'failed' || entry.startsWith('.')) continue;
        walk(join(path, entry));
      }
    } else if (stat.isFile() && !path.endsWith('.error.txt') && !basename(path).startsWith('.')) files.push(path);
  };
  for (const path of paths) {
    if (!existsSync(path)) throw new Error(`${path}: no such file or folder`);
    walk(path);
  }
  // Brands first, so that events of a file delivered together with its brands find them known.
  const brandsFirst = files.map((path) => ({ path, events: !isBrandsFile(path) }));
  brandsFirst.sort((a, b) => Number(a.events) - Number(b.events) || a.path.localeCompare(b.path));
  return brandsFirst.map((file) => file.path);
}

function isBrandsFile(path: string): boolean {
  try {
    return detectFile(path).stream === 'brands';
  } catch {
    return false;
  }
}

/**
 * Bytes that begin, or are, a character JavaScript's trim() strips (tab, line tabulation, form feed, carriage
 * return, space; the lead bytes of U+00A0, U+1680, U+2000–U+205F, U+3000 and U+FEFF), and the two quote
 * characters, inside which a cell could hold a line feed.
 */
const EDGE_BYTES = [0x09, 0x0b, 0x0c, 0x0d, 0x20, 0x22, 0x27, 0xc2, 0xe1, 0xe2, 0xe3, 0xef];
const hasEdgeByte = (bytes: Buffer) => EDGE_BYTES.some((byte) => bytes.includes(byte));

export interface FileDigest {
  sha256: string;
  /**
   * Whether the file's cells, read as CSV, are bare: no byte of it can be part of whitespace or quoting, so no
   * cell starts or ends with a character the contract's trim would strip (fastSelect's `bareCells`). False for
   * any doubt.
   */
  bareCells: boolean;
}

/** The file's sha256 and whether its cells are bare, from one read (a plain search for each edge byte: 0.04 s for 335 MiB). */
export async function digestFile(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bareCells = true;
  // 1 MiB reads: with the default 64 KiB, hashing a 335 MiB CSV took twice as long (0.49 s against 0.26 s).
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    if (bareCells && hasEdgeByte(chunk as Buffer)) bareCells = false;
  }
  return { sha256: hash.digest('hex'), bareCells };
}

/** The part of a file the fast path looks at before it decides how to test the cells' ends. */
const HEAD_BYTES = 1 << 20;

/** Whether the first HEAD_BYTES of a file are bare (FileDigest.bareCells), read at once. */
function headBare(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.allocUnsafe(HEAD_BYTES);
    return !hasEdgeByte(head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, 0)));
  } finally {
    closeSync(fd);
  }
}

export async function ingestFiles(warehouse: Warehouse, paths: string[], options: IngestOptions): Promise<FileIngestResult[]> {
  const results: FileIngestResult[] = [];
  const files = listIngestFiles(paths);
  for (const [index, file] of files.entries()) {
    options.onProgress?.(`[${index + 1}/${files.length}] ${file}`);
    results.push(await ingestFile(warehouse, file, options));
  }
  return results;
}

/**
 * Ingests one file in one transaction: raw rows, quarantined rows and the ingested_files record commit together
 * or not at all. A file whose sha256 was already ingested is a no-op. Inbox files are moved afterwards; a crash
 * between commit and move leaves the file in the inbox, where the next run sees its sha256 and moves it.
 */
export async function ingestFile(warehouse: Warehouse, path: string, options: IngestOptions): Promise<FileIngestResult> {
  return warehouse.exclusive(INGEST_LOCK, () => ingestFileNow(warehouse, path, options));
}

/** Every writer of raw rows takes this lock: batches then commit in id order (see Warehouse.exclusive). */
export const INGEST_LOCK = 'ingest';

async function ingestFileNow(warehouse: Warehouse, path: string, options: IngestOptions): Promise<FileIngestResult> {
  const started = Date.now();
  const startedAt = new Date(started);
  const size = statSync(path).size;
  const digest = digestFile(path);
  digest.catch(() => undefined); // awaited wherever the digest is needed; a read error surfaces there
  const sha256 = async () => (await digest).sha256;
  // The same content has the same size: when a file of this size was ingested before, the sha256 decides first, so
  // that a repeated delivery stays a cheap no-op. Otherwise the content cannot have been ingested, and the file is
  // hashed while DuckDB loads it (on the main thread, which waits for DuckDB anyway).
  const sameSize = await warehouse.one(`SELECT 1 AS found FROM ingested_files WHERE size_bytes = $size AND outcome = 'ingested' LIMIT 1`, {
    size,
  });
  const base: FileIngestResult = {
    path,
    stream: null,
    format: null,
    outcome: 'failed',
    rowsRead: 0,
    accepted: 0,
    duplicate: 0,
    rejected: 0,
    rejects: [],
    seconds: 0,
  };

  const previous =
    sameSize &&
    (await warehouse.one<{ batch_id: number }>(
      `SELECT batch_id FROM ingested_files WHERE sha256 = $sha256 AND outcome = 'ingested' LIMIT 1`,
      { sha256: await sha256() },
    ));
  let result: FileIngestResult;
  if (previous) {
    result = { ...base, outcome: 'already_ingested' };
    try {
      Object.assign(result, detectFile(path));
    } catch {
      // Content already ingested under another name: the name does not matter any more.
    }
    await recordFile(warehouse, { ...result, size, sha256: await sha256(), startedAt, batch: await nextBatch(warehouse) });
  } else {
    // Taken under the ingest lock, so batches still commit in the order of their ids.
    const batch = await nextBatch(warehouse);
    try {
      const { stream, format } = detectFile(path);
      base.stream = stream;
      base.format = format;
      const request = { path, stream, format, batch, timeZone: options.sourceTimeZone, digest };
      const store = (load: (connection: DuckDBConnection) => Promise<LoadCounts | null>) => async (connection: DuckDBConnection) => {
        const counts = await load(connection);
        if (!counts) return null;
        const outcome = { ...base, ...counts, outcome: 'ingested' as const };
        await recordFile(warehouse, { ...outcome, size, sha256: await sha256(), startedAt, batch }, connection);
        return outcome;
      };
      // The fast path first; whatever it cannot do (a rejected or repeated row, a stored id, a file it cannot read)
      // rolls its transaction back and the careful path does the file, with its quarantine and its errors.
      const fast = await warehouse.transaction(store((connection) => loadFast(connection, request))).catch(() => null);
      result =
        fast ??
        (await warehouse.transaction(store((connection) => loadFile(connection, request)), {
          prepare: (connection) => stageFile(connection, request),
        }))!;
    } catch (error) {
      const message = describeError(error);
      result = { ...base, outcome: 'failed', error: message };
      await recordFile(warehouse, { ...result, size, sha256: await sha256(), startedAt, batch });
    }
  }
  result.seconds = (Date.now() - started) / 1000;
  if (options.inboxDir && isInside(path, options.inboxDir)) result.movedTo = moveInboxFile(path, options.inboxDir, result);
  return result;
}

/** A new batch id; raw rows, quarantined rows and the file or request record of one ingest share it. */
export async function nextBatch(warehouse: Warehouse, connection?: DuckDBConnection): Promise<number> {
  const row = await warehouse.one<{ batch: number }>(`SELECT nextval('ingest_batch_seq') AS batch`, undefined, connection);
  return row!.batch;
}

interface LoadRequest {
  path: string;
  stream: Stream;
  format: FileFormat;
  batch: number;
  timeZone: string;
  /** The file's digest, read while DuckDB reads the file (ingestFileNow). */
  digest: Promise<FileDigest>;
}

type LoadCounts = Pick<FileIngestResult, 'rowsRead' | 'accepted' | 'duplicate' | 'rejected' | 'rejects'>;

/**
 * The fast path for CSV and Parquet event files: one INSERT straight from the file (no staging copy, no line
 * numbers) with fastSelect's tests, then one look at the inserted ids for repeats (in the file, or already
 * stored). Returns null when the fast path does not apply; throws when the file needs the careful path, whose
 * results it then gives exactly: it only ever stores a file in which every row is valid and new.
 */
async function loadFast(connection: DuckDBConnection, request: LoadRequest): Promise<LoadCounts | null> {
  if (request.stream === 'brands' || (request.format !== 'csv' && request.format !== 'parquet')) return null;
  const source = request.format === 'csv' ? CSV_AS_TEXT : `read_parquet(${sqlLiteralPath(request.path)})`;
  const path: Record<string, string> = request.format === 'csv' ? { path: request.path } : {};
  // Bare cells need no test of their ends (a third of the INSERT's CPU on a file of 5M orders). Whether the whole
  // file is bare is known only once it has been read, with its sha256, while DuckDB loads it: the INSERT trusts
  // a bare head, and the few files bare only at their head have their cells' ends tested after it.
  const bareCells = request.format === 'csv' && headBare(request.path);
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`, path);
  const sourceTypes: SourceTypes = new Map(described.getRowObjectsJS().map((row) => [String(row.column_name), String(row.column_type)]));
  const select = fastSelect(contracts[request.stream], sourceTypes, source, { bareCells });
  if (!select) return null;
  const table = `raw_${request.stream}`;
  const hadRows = (await connection.runAndReadAll(`SELECT EXISTS (SELECT 1 FROM ${table}) AS stored`)).getRowObjectsJS()[0]?.stored === true;
  const columns = ['"type"', ...contracts[request.stream].columns.map((c) => sqlIdent(c.name)), 'ingest_batch'];
  const inserted = await connection.runAndReadAll(`INSERT INTO ${table} (${columns.join(', ')}) ${select}`, {
    ...path,
    batch: request.batch,
    ...(select.includes('$tz') ? { tz: request.timeZone } : {}),
  });
  const accepted = Number(inserted.getRowObjectsJS()[0]?.Count ?? 0);
  // Distinct 64-bit hashes prove distinct ids (a collision only sends the file to the careful path). Sorting the
  // hashes and comparing neighbours took 0.7 CPU seconds for 5M ids, a hash table of them (count DISTINCT,
  // GROUP BY … HAVING) 1.3 to 2.5. DuckDB compares the neighbours of one sort on one thread: two halves of the
  // hash range (equal hashes fall in the same half) use both cores.
  const batchRows = hadRows ? ' WHERE ingest_batch = $batch' : '';
  const neighbours = (half: string) =>
    `SELECT count(*) FILTER (h = previous) AS n FROM (SELECT h, lag(h) OVER (ORDER BY h) AS previous
       FROM (SELECT hash(event_id) AS h FROM ${table}${batchRows}) WHERE ${half})`;
  const repeats = await connection.runAndReadAll(
    `SELECT (SELECT sum(n) FROM (${neighbours('h < 9223372036854775808::UBIGINT')} UNION ALL ${neighbours('h >= 9223372036854775808::UBIGINT')})) AS repeated,
       ${hadRows ? `(SELECT count(*) FROM ${table} WHERE ingest_batch <> $batch AND event_id IN (SELECT event_id FROM ${table} WHERE ingest_batch = $batch))` : '0'} AS stored`,
    hadRows ? { batch: request.batch } : {},
  );
  const found = repeats.getRowObjectsJS()[0];
  if (Number(found?.repeated ?? 0) > 0 || Number(found?.stored ?? 0) > 0) throw new Error('repeated or stored event ids: the careful path');
  const untestedEnds = bareCells && !(await request.digest).bareCells ? cellEndsTest(contracts[request.stream], sourceTypes) : null;
  if (untestedEnds) {
    const untrimmed = await connection.runAndReadAll(
      `SELECT count(*) AS n FROM ${table} WHERE ingest_batch = $batch AND NOT (${untestedEnds})`,
      { batch: request.batch },
    );
    if (Number(untrimmed.getRowObjectsJS()[0]?.n ?? 0) > 0) throw new Error('cells to trim: the careful path');
  }
  return { rowsRead: accepted, accepted, duplicate: 0, rejected: 0, rejects: [] };
}

/** Inside the file's transaction: what `stageFile` read is validated and stored. */
async function loadFile(connection: DuckDBConnection, request: LoadRequest) {
  const ndjson = request.format === 'ndjson';
  const rejectedWhileStaging = ndjson
    ? await stageJsonLines(connection, { batch: request.batch, stream: request.stream, source: request.path })
    : 0;
  return loadStaged(connection, {
    stream: request.stream,
    batch: request.batch,
    source: request.path,
    timeZone: request.timeZone,
    rawSource: ndjson ? JSON_LINE_RAW_SOURCE : undefined,
    rejectedWhileStaging,
  });
}

/** Creates `ingest_stage` (with `_line`) for a file; for NDJSON, non-JSON lines are quarantined here. */
/** Before the transaction: reads the file into temp tables and views of this connection; writes nothing else. */
async function stageFile(connection: DuckDBConnection, request: LoadRequest): Promise<void> {
  const { path, format } = request;
  await connection.run(`DROP VIEW IF EXISTS ${STAGE}`).catch(() => undefined);
  await connection.run(`DROP TABLE IF EXISTS ${STAGE}`);
  switch (format) {
    case 'csv':
      // Everything as text: types are the contract's business, and a bad cell must not fail the whole file.
      // A fresh table's rowids follow the file's order (insertion order is preserved); they may start at an
      // offset, hence firstRowId.
      await runAllowingLongLines(connection, (lineSize) =>
        connection.run(`CREATE OR REPLACE TEMP TABLE ${STAGE}_rows AS SELECT * FROM ${CSV_AS_TEXT.replace(/\)$/, `${lineSize})`)}`, { path }),
      );
      await connection.run(
        `CREATE OR REPLACE TEMP VIEW ${STAGE} AS SELECT rowid - ${await firstRowId(connection, `${STAGE}_rows`)} + 2 AS _line, * FROM ${STAGE}_rows`,
      );
      return;
    case 'parquet':
      await connection.run(
        `CREATE OR REPLACE TEMP VIEW ${STAGE} AS SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS _line FROM read_parquet(${sqlLiteralPath(path)}, file_row_number = true)`,
      );
      return;
    case 'ndjson': {
      // One text column per line (unit separator and no quoting never split valid JSON), so that every line
      // keeps its number and a malformed line is quarantined instead of failing the file.
      await runAllowingLongLines(connection, (lineSize) =>
        connection.run(
          `CREATE OR REPLACE TEMP TABLE ${STAGE}_text AS SELECT line, ${JSON_OBJECT_OK} AS _ok
           FROM read_csv($path, columns = {'line': 'VARCHAR'}, header = false, delim = E'\\x1F', quote = '', escape = '', auto_detect = false, strict_mode = false${lineSize})`,
          { path },
        ),
      );
      await connection.run(
        `CREATE OR REPLACE TEMP VIEW ${STAGE}_lines AS SELECT rowid - ${await firstRowId(connection, `${STAGE}_text`)} + 1 AS _line, * FROM ${STAGE}_text`,
      );
      return;
    }
    case 'arrow':
      await stageArrow(connection, createReadStream(path) as AsyncIterable<Uint8Array>, STAGE);
      return;
  }
}

/**
 * From `ingest_stage_lines` (`_line`, `line` text, `_ok` whether it is a JSON object): quarantines the lines that
 * are not JSON objects (blank lines are not rows) and creates view `ingest_stage` of the stream's fields; returns how
 * many lines it quarantined. Shared by NDJSON files and NDJSON request bodies so that both read JSON the same way.
 */
export async function stageJsonLines(
  connection: DuckDBConnection,
  load: { batch: number; stream: Stream; source: string },
): Promise<number> {
  const quarantined = await connection.runAndReadAll(
    `INSERT INTO quarantine SELECT $batch, $stream, $source, _line, NULL, 'not a JSON object', left(line, 10000), now()
     FROM ${STAGE}_lines WHERE NOT _ok AND trim(coalesce(line, '')) <> ''`,
    { batch: load.batch, stream: load.stream, source: load.source },
  );
  const names = ['type', ...contracts[load.stream].columns.map((c) => c.name)];
  await connection.run(
    `CREATE OR REPLACE TEMP VIEW ${STAGE} AS SELECT _line, ${names
      .map((name) => `line->>${sqlLiteralJsonPath(name)} AS ${sqlIdent(name)}`)
      .join(', ')} FROM ${STAGE}_lines WHERE _ok`,
  );
  return Number(quarantined.getRowObjectsJS()[0]?.Count ?? 0);
}

/** `_ok` of a staged `line` for stageJsonLines: whether it is a JSON object (NDJSON files and request bodies alike). */
export const JSON_OBJECT_OK = `coalesce(json_valid(line) AND starts_with(ltrim(line), '{'), false)`;

/** `rawSource` for loadStaged after stageJsonLines: a rejected row is quarantined with its original line. */
export const JSON_LINE_RAW_SOURCE = `(SELECT line FROM ${STAGE}_lines l WHERE l._line = c._line)`;

/**
 * Reads with DuckDB's default line limit (its larger buffers slow every ordinary file down) and, only when a line
 * is longer, again with MAX_LINE_BYTES.
 */
async function runAllowingLongLines(connection: DuckDBConnection, read: (lineSizeOption: string) => Promise<unknown>): Promise<void> {
  try {
    await read('');
  } catch (error) {
    if (!/maximum line size/i.test(error instanceof Error ? error.message : String(error))) throw error;
    await read(`, max_line_size = ${MAX_LINE_BYTES}`);
  }
}

/** The rowid of a fresh temp table's first row: 0, or a large offset inside a transaction. */
async function firstRowId(connection: DuckDBConnection, table: string): Promise<number> {
  const row = (await connection.runAndReadAll(`SELECT coalesce(min(rowid), 0) AS first FROM ${table}`)).getRowObjectsJS()[0];
  return Number(row?.first ?? 0);
}

// read_parquet's file argument must be a constant at bind time; the path is quoted as a literal, never spliced raw.
function sqlLiteralPath(path: string): string {
  return `'${path.replaceAll("'", "''")}'`;
}

function sqlLiteralJsonPath(name: string): string {
  return `'$.${name.replaceAll("'", "''")}'`;
}

export interface StagedLoad {
  stream: Stream;
  batch: number;
  source: string;
  timeZone: string;
  /** SQL giving the original text of rejected row `c` (default: the staged row as JSON). */
  rawSource?: string;
  /** Rows already quarantined while staging (NDJSON lines that are not JSON objects), counted as read and rejected. */
  rejectedWhileStaging?: number;
}

/**
 * Validates `ingest_stage` against the contract and stores it: rejects to quarantine, the first occurrence of
 * each new event_id to the raw table (an event_id already stored, or seen earlier in the same file, counts as a
 * duplicate). Brands are upserted instead. Runs on the caller's connection, inside the caller's transaction.
 */
export async function loadStaged(connection: DuckDBConnection, load: StagedLoad) {
  // DuckDB would push `_reason IS NULL` below the projections, inlining every check into the filter and then
  // computing it again for the output: a 6x slowdown measured on 1M rows. The checks are meant to run once.
  await connection.run(`SET disabled_optimizers = 'filter_pushdown'`);
  try {
    return await loadValidated(connection, load);
  } finally {
    await connection.run(`RESET disabled_optimizers`);
  }
}

async function loadValidated(connection: DuckDBConnection, load: StagedLoad) {
  const contract = contracts[load.stream];
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${STAGE}`);
  const sourceTypes: SourceTypes = new Map(
    described.getRowObjectsJS().map((row) => [String(row.column_name), String(row.column_type)]),
  );
  const checkSql = checkedSelect(contract, sourceTypes, STAGE);
  // DuckDB refuses a bound parameter that the statement does not use; brands have no timestamps.
  const tz: Record<string, string> = checkSql.includes('$tz') ? { tz: load.timeZone } : {};
  const columns = contract.columns.map((c) => sqlIdent(c.name));
  const typed = contract.types.length > 0 ? ['"type"', ...columns] : columns;
  const batch = { batch: load.batch };
  const count = async (sql: string, params?: Record<string, string | number>) =>
    Number((await connection.runAndReadAll(sql, params)).getRowObjectsJS()[0]?.n ?? 0);
  /** Rows written by an INSERT. */
  const written = async (sql: string, params: Record<string, string | number>) =>
    Number((await connection.runAndReadAll(sql, params)).getRowObjectsJS()[0]?.Count ?? 0);

  const jsonRejects = load.rejectedWhileStaging ?? 0;
  const staged = await count(`SELECT count(*) AS n FROM ${STAGE}`);
  await connection.run(`DROP TABLE IF EXISTS ${CHECKED}`);
  // Stored event_ids are found by a semi-join that hashes the file's ids, not the history's (the history grows;
  // a file does not).
  const storedIds = (ids: string) =>
    `stored AS (SELECT r.event_id FROM raw_${load.stream} r SEMI JOIN (${ids}) f ON r.event_id = f.event_id)`;
  const stageId = `NULLIF(trim(CAST(event_id AS VARCHAR)), '')`;

  let accepted: number;
  let rejected: number;
  if (load.stream === 'brands') {
    await connection.run(`CREATE TEMP TABLE ${CHECKED} AS ${checkSql}`, tz);
    rejected = await quarantineRejects(connection, load);
    // Upsert: the last row of a brand in the file wins.
    accepted = await written(
      `INSERT OR REPLACE INTO brands (${columns.join(', ')}, ingest_batch, updated_at)
       SELECT ${columns.map((c) => (c === '"dispatch_days"' ? 'coalesce("dispatch_days", 2)' : c)).join(', ')}, $batch, now() FROM ${CHECKED}
       WHERE _reason IS NULL QUALIFY row_number() OVER (PARTITION BY brand_id ORDER BY _line DESC) = 1`,
      batch,
    );
  } else if (
    sourceTypes.has('event_id') &&
    (await count(`SELECT count(*) AS n FROM (SELECT ${stageId} FROM ${STAGE} GROUP BY 1 HAVING count(*) > 1)`)) === 0
  ) {
    // The common case, a file without repeated ids: validate and insert in one pass, and go back over the file
    // for rejects only when the counts say there are some.
    accepted = await written(
      `INSERT INTO raw_${load.stream} (${typed.join(', ')}, ingest_batch)
       WITH checked AS (${checkSql}), ${storedIds(`SELECT ${stageId} AS event_id FROM ${STAGE}`)}
       SELECT ${typed.map((c) => `c.${c}`).join(', ')}, $batch FROM checked c
       ANTI JOIN stored ON stored.event_id = c.event_id
       WHERE c._reason IS NULL`,
      { ...batch, ...tz },
    );
    rejected = 0;
    if (accepted < staged) {
      await connection.run(`CREATE TEMP TABLE ${CHECKED} AS SELECT * FROM (${checkSql}) WHERE _reason IS NOT NULL`, tz);
      rejected = await quarantineRejects(connection, load);
    }
  } else {
    // Ids repeated in the file: the first valid occurrence is kept, so validity must be known before dedup.
    await connection.run(`CREATE TEMP TABLE ${CHECKED} AS ${checkSql}`, tz);
    rejected = await quarantineRejects(connection, load);
    accepted = await written(
      `INSERT INTO raw_${load.stream} (${typed.join(', ')}, ingest_batch)
       WITH ${storedIds(`SELECT event_id FROM ${CHECKED}`)}
       SELECT ${typed.map((c) => `c.${c}`).join(', ')}, $batch FROM ${CHECKED} c
       ANTI JOIN stored ON stored.event_id = c.event_id
       ANTI JOIN (SELECT event_id, min(_line) AS first_line FROM ${CHECKED} WHERE _reason IS NULL
                  GROUP BY event_id HAVING count(*) > 1) repeated
         ON repeated.event_id = c.event_id AND repeated.first_line <> c._line
       WHERE c._reason IS NULL`,
      batch,
    );
  }
  await connection.run(`DROP TABLE IF EXISTS ${CHECKED}`);
  const rejects = (
    await connection.runAndReadAll(`SELECT line, field, reason FROM quarantine WHERE batch_id = $batch ORDER BY line LIMIT 10`, batch)
  )
    .getRowObjectsJS()
    .map((row) => ({ line: row.line === null ? null : Number(row.line), field: row.field as string | null, reason: String(row.reason) }));
  const rowsRead = staged + jsonRejects;
  rejected += jsonRejects;
  return { rowsRead, accepted, rejected, duplicate: load.stream === 'brands' ? 0 : rowsRead - rejected - accepted, rejects };
}

/** Moves the rejected rows of `ingest_checked` to quarantine, with the row as it came; returns how many. */
async function quarantineRejects(connection: DuckDBConnection, load: StagedLoad): Promise<number> {
  const result = await connection.runAndReadAll(
    `INSERT INTO quarantine SELECT $batch, $stream, $source, c._line, c._field, c._reason,
       ${load.rawSource ?? `(SELECT CAST(to_json(struct_pack(*COLUMNS(* EXCLUDE (_line)))) AS VARCHAR) FROM ${STAGE} s WHERE s._line = c._line)`}, now()
     FROM ${CHECKED} c WHERE c._reason IS NOT NULL`,
    { batch: load.batch, stream: load.stream, source: load.source },
  );
  return Number(result.getRowObjectsJS()[0]?.Count ?? 0);
}

async function recordFile(
  warehouse: Warehouse,
  file: FileIngestResult & { size: number; sha256: string; startedAt: Date; batch: number },
  connection?: DuckDBConnection,
): Promise<void> {
  const sql = `INSERT INTO ingested_files VALUES ($batch, $path, $stream, $format, $size, $sha256, $rows_read, $accepted,
    $duplicate, $rejected, $outcome, $error, $started_at, now())`;
  const params = {
    batch: file.batch,
    path: resolve(file.path),
    stream: file.stream,
    format: file.format,
    size: file.size,
    sha256: file.sha256,
    rows_read: file.rowsRead,
    accepted: file.accepted,
    duplicate: file.duplicate,
    rejected: file.rejected,
    outcome: file.outcome,
    error: file.error ?? null,
    started_at: file.startedAt.toISOString(),
  };
  if (connection) await connection.run(sql, params);
  else await warehouse.run(sql, params);
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
}

/** Moves an inbox file to done/ (ingested or already ingested) or failed/ (with its error beside it). */
function moveInboxFile(path: string, inboxDir: string, result: FileIngestResult): string {
  const target = join(inboxDir, result.outcome === 'failed' ? 'failed' : 'done', relative(resolve(inboxDir), resolve(path)));
  mkdirSync(resolve(target, '..'), { recursive: true });
  let destination = target;
  for (let n = 1; existsSync(destination); n++) destination = `${target}.${n}`;
  renameSync(path, destination);
  if (result.outcome === 'failed') writeFileSync(`${destination}.error.txt`, `${result.error}\n`);
  return destination;
}

/** The first line of an error's message, at most `max` characters (DuckDB's messages run on over many lines). */
export function firstLine(error: unknown, max = 300): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, max);
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = firstLine(error, 500);
  // DuckDB names the encoding problem only further down its multi-line message.
  return /not utf-8 encoded/i.test(message) ? `${first}: the file is not UTF-8 text (save it as UTF-8)` : first;
}
