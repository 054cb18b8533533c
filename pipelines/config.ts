import { z } from 'zod';
import { describeFirstIssue, readSettingsJson } from './settings-file.ts';

/**
 * Settings of a brandscore installation. Every field has the DESIGN default, so an absent file means "the
 * defaults"; a file that is present is validated and refused with the path of the offending field.
 */

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour)');
const openHours = z.object({ open: clock, close: clock }).refine((h) => h.open < h.close, {
  message: 'open must be before close',
});
const isoDate = z.iso.date({ message: 'expected a YYYY-MM-DD date' });

export const CalendarSettingsSchema = z.object({
  /** IANA zone in which business days, opening hours and dates of the API are read. */
  timeZone: z.string().default('Asia/Seoul'),
  /** Opening hours per ISO weekday (1 = Monday … 7 = Sunday); a missing day is closed. */
  hours: z
    .partialRecord(z.enum(['1', '2', '3', '4', '5', '6', '7']), openHours)
    .default({
      '1': { open: '09:00', close: '18:00' },
      '2': { open: '09:00', close: '18:00' },
      '3': { open: '09:00', close: '18:00' },
      '4': { open: '09:00', close: '18:00' },
      '5': { open: '09:00', close: '18:00' },
    }),
  /** Use Korean public holidays from @hyunbinseo/holidays-kr (2018–2027). */
  koreanHolidays: z.boolean().default(true),
  extraHolidays: z.array(isoDate).default([]),
  extraWorkingDays: z.array(isoDate).default([]),
});
export type CalendarSettings = z.infer<typeof CalendarSettingsSchema>;

/** Peak load, surge detection, forecast and CS staffing (metrics/load, metrics/forecast, metrics/staffing). */
export const PeakLoadSettingsSchema = z.object({
  surge: z
    .object({
      /** A surge starts on a day whose trailing mean of orders over `recentDays` is at least `factor` times … */
      factor: z.number().gt(1).default(1.5),
      recentDays: z.int().min(1).max(28).default(7),
      /** … the mean of the `baselineDays` before those days. */
      baselineDays: z.int().min(7).max(91).default(28),
    })
    .prefault({}),
  /** Days of the busiest-days list (`peaks`). */
  peakDays: z.int().min(1).max(31).default(5),
  staffing: z
    .object({
      /** Agent minutes per inquiry of any channel (reading, looking up the order, asking the brand, answering). */
      handlingMinutes: z.number().positive().default(8),
      /** Inquiries are answered within this many business days of their business date (DESIGN §5: 2). */
      answerWithinBusinessDays: z.int().min(0).max(10).default(2),
      /** Productive hours of one agent's business day (a 9-hour day less lunch). */
      productiveHours: z.number().positive().max(24).default(8),
      /** Share of paid time lost to breaks, training, meetings and absence. */
      shrinkage: z.number().min(0).lt(1).default(0.3),
      /** Phone: average handling time of a call, seconds (talk + hold + wrap-up). */
      phoneHandlingSeconds: z.number().positive().default(300),
      /** Phone: share of calls to answer within `phoneAnswerSeconds` (Erlang C). */
      phoneServiceLevel: z.number().gt(0).lt(1).default(0.8),
      phoneAnswerSeconds: z.number().positive().default(20),
      /** CS headcount on a business day (DESIGN §1: CS headcount was to grow to 10). */
      agents: z.int().min(0).default(10),
      /** Of them, on the phones in every open hour. */
      phoneAgents: z.int().min(0).default(2),
    })
    .prefault({}),
});
export type PeakLoadSettings = z.infer<typeof PeakLoadSettingsSchema>;
/** Morning digests, staff alerts and their delivery (README "Digests, alerts and delivery"). */
export const DeliveryConfigSchema = z.object({
  /** Local time (business zone) of the brand digests, on business days only. */
  digestTime: clock.default('08:00'),
  /** Every message is also written under DIR/YYYY-MM-DD/. */
  outboxDir: z.string().default('data/outbox'),
  webhook: z
    .object({
      /** POST target; none means the outbox is the only channel. BRANDSCORE_WEBHOOK_URL overrides it. */
      url: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).nullable().default(null),
      /** HMAC-SHA256 key of the signature header; better set by BRANDSCORE_WEBHOOK_SECRET than in the file. */
      secret: z.string().min(16, 'expected at least 16 characters').nullable().default(null),
      timeoutMs: z.int().min(1).default(10_000),
      maxAttempts: z.int().min(1).max(100).default(8),
      /** Full-jitter exponential backoff: attempt n waits a random time in [0, min(max, base × 2^(n-1))). */
      backoffBaseMs: z.int().min(0).default(30_000),
      backoffMaxMs: z.int().min(0).default(30 * 60_000),
    })
    .prefault({}),
});
export type DeliveryConfig = z.infer<typeof DeliveryConfigSchema>;

export const ConfigSchema = z.object({
  calendar: CalendarSettingsSchema.prefault({}),
  /** Zone in which source timestamps without an offset are read. */
  sourceTimeZone: z.string().default('Asia/Seoul'),
  inbox: z.string().default('data/inbox'),
  /** Delisting and onboarding policy file (metrics/recommendations/policy.ts); default ./brandscore.policy.json if present. */
  policy: z.string().optional(),
  peakLoad: PeakLoadSettingsSchema.prefault({}),
  delivery: DeliveryConfigSchema.prefault({}),
});
export type Config = z.infer<typeof ConfigSchema>;

export const DEFAULT_CONFIG_PATH = 'brandscore.config.json';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(input: unknown, source = 'config'): Config {
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(describeFirstIssue(parsed.error, source));
  for (const zone of [parsed.data.calendar.timeZone, parsed.data.sourceTimeZone]) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
    } catch {
      throw new ConfigError(`${source}: unknown time zone '${zone}'`);
    }
  }
  return parsed.data;
}

/** Reads the config file when there is one (`--config`, else ./brandscore.config.json), else the defaults. */
export function loadConfig(path?: string): Config {
  const file = path ?? DEFAULT_CONFIG_PATH;
  const json = readSettingsJson(file, { required: path !== undefined, what: 'config', fail: (message) => new ConfigError(message) });
  return parseConfig(json, file);
}
