import type { BusinessCalendar } from '../metrics/calendar/calendar.ts';
import type { PeakLoadSettings } from '../pipelines/config.ts';
import type { Warehouse } from '../pipelines/warehouse/database.ts';
import type { Credentials } from './auth/credentials.ts';
import type { ConnectionPool } from './connection-pool.ts';

/** What the routes work with, passed in by buildApp (STYLE §5: effects such as the clock are parameters). */
export interface Services {
  warehouse: Warehouse;
  /** Read connections, one per request. */
  pool: ConnectionPool;
  credentials: Credentials;
  calendar: BusinessCalendar;
  now: () => Date;
  /** Zone in which ingested timestamps without an offset are read. */
  sourceTimeZone: string;
  /** Largest ingest body, bytes. */
  ingestBodyLimit: number;
  /** Ingest requests per rate-limit window and credential; null when rate limiting is off. */
  ingestRateLimit: { max: number; windowMs: number } | null;
  /** Surge thresholds and staffing parameters (config `peakLoad`). */
  peakLoad: PeakLoadSettings;
}
