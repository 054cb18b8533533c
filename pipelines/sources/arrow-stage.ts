import { DuckDBDataChunk, type DuckDBConnection, type DuckDBType, BIGINT, BOOLEAN, DOUBLE, VARCHAR, type DuckDBValue } from '@duckdb/node-api';
import { DataType, RecordBatchReader, type Field, type RecordBatch, TimeUnit, DateUnit } from 'apache-arrow';
import { sqlIdent } from './validation-sql.ts';

/**
 * Arrow IPC into a DuckDB temp table. DuckDB reads Arrow only through an extension that would be downloaded at
 * run time, which these machines cannot do, so batches go through DuckDB's appender one column at a time.
 * Timestamps and dates travel as integers and are turned back into SQL types by the view `stage`.
 */

type Landing = { duck: DuckDBType; ddl: string; read: (field: Field) => string; convert: (value: unknown) => DuckDBValue };

const MICROS_PER: Record<number, bigint> = {
  [TimeUnit.SECOND]: 1_000_000n,
  [TimeUnit.MILLISECOND]: 1_000n,
  [TimeUnit.MICROSECOND]: 1n,
  [TimeUnit.NANOSECOND]: 0n,
};

function landingFor(field: Field): Landing {
  const type = field.type;
  const name = sqlIdent(field.name);
  if (DataType.isTimestamp(type)) {
    const unit = type.unit;
    const toMicros = (value: unknown): DuckDBValue => {
      if (value === null || value === undefined) return null;
      const big = typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)));
      return unit === TimeUnit.NANOSECOND ? big / 1000n : big * MICROS_PER[unit]!;
    };
    return {
      duck: BIGINT,
      ddl: 'BIGINT',
      read: () => (type.timezone ? `make_timestamptz(${name})` : `make_timestamp(${name})`),
      convert: toMicros,
    };
  }
  if (DataType.isDate(type)) {
    const days = type.unit === DateUnit.DAY;
    return {
      duck: BIGINT,
      ddl: 'BIGINT',
      read: () => `(DATE '1970-01-01' + CAST(${days ? name : `${name} // 86400000`} AS INTEGER))`,
      convert: (value) => (value === null || value === undefined ? null : BigInt(days ? Number(value) : Math.trunc((value as Date).valueOf?.() ?? Number(value)))),
    };
  }
  if (DataType.isInt(type))
    return { duck: BIGINT, ddl: 'BIGINT', read: () => name, convert: (v) => (v === null || v === undefined ? null : BigInt(v as number)) };
  if (DataType.isFloat(type)) return { duck: DOUBLE, ddl: 'DOUBLE', read: () => name, convert: (v) => (v ?? null) as DuckDBValue };
  if (DataType.isBool(type)) return { duck: BOOLEAN, ddl: 'BOOLEAN', read: () => name, convert: (v) => (v ?? null) as DuckDBValue };
  return {
    duck: VARCHAR,
    ddl: 'VARCHAR',
    read: () => name,
    convert: (v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v)),
  };
}

const CHUNK_ROWS = 2048;

/**
 * Reads an Arrow IPC stream or file (`source`: bytes, or an async iterable of bytes) into temp table
 * `<stage>_arrow` and creates view `<stage>` with `_line` (1-based row) and SQL-typed columns. Returns rows read.
 */
export async function stageArrow(
  connection: DuckDBConnection,
  source: Uint8Array | AsyncIterable<Uint8Array>,
  stage: string,
): Promise<number> {
  const reader = await RecordBatchReader.from(source as AsyncIterable<Uint8Array>);
  await reader.open();
  const fields = reader.schema.fields;
  if (fields.length === 0) throw new Error('Arrow stream has no columns');
  const landings = fields.map(landingFor);
  const table = `${stage}_arrow`;
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${table} (_line BIGINT, ${fields.map((f, i) => `${sqlIdent(f.name)} ${landings[i]!.ddl}`).join(', ')})`,
  );
  const appender = await connection.createAppender(table, 'main', 'temp');
  const types = [BIGINT, ...landings.map((l) => l.duck)];
  let line = 0;
  try {
    for await (const batch of reader as AsyncIterable<RecordBatch>) {
      for (let offset = 0; offset < batch.numRows; offset += CHUNK_ROWS) {
        const size = Math.min(CHUNK_ROWS, batch.numRows - offset);
        const chunk = DuckDBDataChunk.create(types, size);
        const lines: DuckDBValue[] = new Array(size);
        for (let i = 0; i < size; i++) lines[i] = BigInt(line + offset + i + 1);
        chunk.setColumnValues(0, lines);
        landings.forEach(({ convert }, column) => {
          const vector = batch.getChildAt(column)!;
          const values: DuckDBValue[] = new Array(size);
          for (let i = 0; i < size; i++) values[i] = convert(vector.get(offset + i));
          chunk.setColumnValues(column + 1, values);
        });
        appender.appendDataChunk(chunk);
        // Conversion and appending are synchronous: let a server answer other requests between chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
      line += batch.numRows;
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  await connection.run(
    `CREATE OR REPLACE TEMP VIEW ${stage} AS SELECT _line, ${fields.map((f, i) => `${landings[i]!.read(f)} AS ${sqlIdent(f.name)}`).join(', ')} FROM ${table}`,
  );
  return line;
}
