import { DuckDBConnection, DuckDBInstance, DuckDBTypeId, type DuckDBValue } from '@duckdb/node-api';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_DB_PATH = 'data/brandscore.duckdb';
/**
 * DuckDB's memory limit unless BRANDSCORE_MEMORY_LIMIT says otherwise (DuckDB syntax: '3GB', '512MB'). The process
 * holds more than DuckDB's buffer pool: a full refresh of 10M orders peaked at 3.5 GiB resident with 3GB (3.9 GiB
 * in one benchmark run, against its goal of 4 GiB) and at 2.85 GiB with 2.5GB, in the same 54 s.
 */
export const DEFAULT_MEMORY_LIMIT = '2.5GB';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** A database file that another process holds open. DuckDB allows one writer process per file. */
export class WarehouseLockedError extends Error {
  constructor(
    readonly path: string,
    readonly owner: string,
  ) {
    super(
      `database ${path} is in use by another process (${owner}); stop it, or point --db at another file`,
    );
    this.name = 'WarehouseLockedError';
  }
}

export type Params = Record<string, DuckDBValue> | DuckDBValue[];

/**
 * The warehouse: one DuckDB file, migrated on open. `connect()` hands out extra connections so that readers
 * keep being served while a writer holds a transaction open (DuckDB's MVCC isolates them).
 */
export class Warehouse {
  private readonly locks = new Map<string, Promise<unknown>>();

  private constructor(
    readonly path: string,
    readonly instance: DuckDBInstance,
    readonly db: DuckDBConnection,
  ) {}

  static async open(path: string = DEFAULT_DB_PATH, options: { readOnly?: boolean } = {}): Promise<Warehouse> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, {
        // DuckDB's default is 80 % of the machine's memory; a bound keeps the server well inside it and makes
        // large refreshes spill to <db>.tmp instead.
        memory_limit: process.env.BRANDSCORE_MEMORY_LIMIT ?? DEFAULT_MEMORY_LIMIT,
        ...(options.readOnly ? { access_mode: 'READ_ONLY' } : {}),
      });
    } catch (error) {
      throw translateOpenError(path, error);
    }
    const db = await instance.connect();
    // Business logic never depends on the machine's zone: everything in SQL is UTC unless it says otherwise.
    await db.run(`SET TimeZone = 'UTC'`);
    const warehouse = new Warehouse(path, instance, db);
    if (!options.readOnly) await warehouse.migrate();
    return warehouse;
  }

  async connect(): Promise<DuckDBConnection> {
    const connection = await this.instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    return connection;
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.db.run(sql, params as Record<string, DuckDBValue>);
  }

  /** Rows as plain JSON-friendly objects (BIGINT as number when safe, timestamps as ISO strings). */
  async all<T = Record<string, unknown>>(sql: string, params?: Params, connection = this.db): Promise<T[]> {
    const reader = await connection.runAndReadAll(sql, params as Record<string, DuckDBValue>);
    const dateColumns = reader
      .columnNames()
      .filter((_, index) => reader.columnTypeId(index) === DuckDBTypeId.DATE);
    return reader.getRowObjectsJS().map((row) => {
      const out = normaliseRow(row);
      for (const name of dateColumns) if (typeof out[name] === 'string') out[name] = (out[name] as string).slice(0, 10);
      return out;
    }) as T[];
  }

  async one<T = Record<string, unknown>>(sql: string, params?: Params, connection = this.db): Promise<T | undefined> {
    return (await this.all<T>(sql, params, connection))[0];
  }

  /**
   * Runs `work` inside one transaction on a connection of its own; rolls back on any error. `prepare` runs on the
   * same connection before the transaction begins: the place for temp tables, which DuckDB fills and reads
   * markedly faster outside a transaction (1M CSV rows: 1.9 s → 1.3 s to validate and insert).
   */
  async transaction<T>(
    work: (connection: DuckDBConnection) => Promise<T>,
    options: { prepare?: (connection: DuckDBConnection) => Promise<void> } = {},
  ): Promise<T> {
    const connection = await this.connect();
    try {
      await options.prepare?.(connection);
      await connection.run('BEGIN TRANSACTION');
      try {
        const result = await work(connection);
        await connection.run('COMMIT');
        return result;
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      connection.closeSync();
    }
  }

  /**
   * Runs `work` after every earlier holder of the same named lock in this process. Ingest takes 'ingest' so
   * that batches commit in the order of their ids, which the refresh watermark relies on.
   */
  async exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(work);
    const tail = current.catch(() => undefined);
    this.locks.set(name, tail);
    try {
      return await current;
    } finally {
      if (this.locks.get(name) === tail) this.locks.delete(name);
    }
  }

  async migrate(): Promise<string[]> {
    await this.db.run(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`,
    );
    const applied = new Set(
      (await this.all<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => row.version),
    );
    const newlyApplied: string[] = [];
    for (const migration of listMigrations()) {
      if (applied.has(migration.version)) continue;
      await this.transaction(async (connection) => {
        await connection.run(readFileSync(migration.file, 'utf8'));
        await connection.run(`INSERT INTO schema_migrations VALUES ($version, $name, now())`, {
          version: migration.version,
          name: migration.name,
        });
      });
      newlyApplied.push(migration.name);
    }
    return newlyApplied;
  }

  close(): void {
    this.db.closeSync();
    this.instance.closeSync();
  }
}

interface Migration {
  version: number;
  name: string;
  file: string;
}

/** Migrations are `NNN-what.sql`, applied in order, forward only. */
export function listMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((name) => /^\d{3}-.+\.sql$/.test(name))
    .sort()
    .map((name) => ({ version: Number(name.slice(0, 3)), name, file: join(MIGRATIONS_DIR, name) }));
}

function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = normaliseValue(value);
  return out;
}

function normaliseValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normaliseValue);
  if (value && typeof value === 'object' && value.constructor === Object) return normaliseRow(value as Record<string, unknown>);
  return value;
}

function translateOpenError(path: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/Could not set lock/i.test(message)) {
    const owner = /Conflicting lock is held in (\S+) \(PID (\d+)\)/.exec(message);
    return new WarehouseLockedError(path, owner ? `PID ${owner[2]}, ${owner[1]}` : 'owner unknown');
  }
  return new Error(`cannot open database ${path}: ${message.split('\n')[0]}`);
}
