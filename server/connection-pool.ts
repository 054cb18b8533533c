import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../pipelines/warehouse/database.ts';

/**
 * Connections for reads. Each request reads on a connection of its own, so that reads run in parallel and see a
 * committed snapshot (DuckDB MVCC) while an ingest or a refresh holds its transaction open on another.
 */
export class ConnectionPool {
  private readonly idle: DuckDBConnection[] = [];
  private closed = false;

  constructor(
    private readonly warehouse: Warehouse,
    /** Connections kept open between requests; more are opened under load and closed afterwards. */
    private readonly keep = 8,
  ) {}

  async use<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = this.idle.pop() ?? (await this.warehouse.connect());
    try {
      return await work(connection);
    } finally {
      if (!this.closed && this.idle.length < this.keep) this.idle.push(connection);
      else connection.closeSync();
    }
  }

  close(): void {
    this.closed = true;
    for (const connection of this.idle.splice(0)) connection.closeSync();
  }
}
