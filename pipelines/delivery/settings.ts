import type { DeliveryConfig } from '../config.ts';
import { ConfigError } from '../config.ts';

export interface WebhookSettings {
  url: string;
  secret: string;
  timeoutMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** Where messages go: always the outbox folder (and table); the webhook when a URL is configured. */
export interface DeliverySettings {
  outboxDir: string;
  /** Zone of the dates that name the outbox folders (the business time zone). */
  timeZone: string;
  webhook: WebhookSettings | null;
}

/**
 * The delivery settings in force: the config file's `delivery` section, with BRANDSCORE_WEBHOOK_URL and
 * BRANDSCORE_WEBHOOK_SECRET taking precedence. A URL without a secret is refused: an unsigned digest could be
 * forged by anyone who can reach the receiver.
 */
export function resolveDeliverySettings(
  config: DeliveryConfig,
  timeZone: string,
  env: NodeJS.ProcessEnv = process.env,
): DeliverySettings {
  const url = env.BRANDSCORE_WEBHOOK_URL || config.webhook.url;
  const secret = env.BRANDSCORE_WEBHOOK_SECRET || config.webhook.secret;
  if (url && !/^https?:\/\//.test(url)) throw new ConfigError(`BRANDSCORE_WEBHOOK_URL: expected an http(s) URL, got '${url}'`);
  if (secret && secret.length < 16) throw new ConfigError('BRANDSCORE_WEBHOOK_SECRET: expected at least 16 characters');
  if (url && !secret) {
    throw new ConfigError('delivery.webhook: a webhook URL needs a secret (BRANDSCORE_WEBHOOK_SECRET or delivery.webhook.secret)');
  }
  const { timeoutMs, maxAttempts, backoffBaseMs, backoffMaxMs } = config.webhook;
  return {
    outboxDir: config.outboxDir,
    timeZone,
    webhook: url && secret ? { url, secret, timeoutMs, maxAttempts, backoffBaseMs, backoffMaxMs } : null,
  };
}

/**
 * The webhook URL as it may be printed: its origin only. Hosted webhooks carry their secret in the path or the
 * query (e.g. /services/T…/B…/xyz, ?token=), and a log line is read by more people than the config.
 */
export function webhookForLogs(url: string): string {
  const parsed = new URL(url);
  const hidden = parsed.pathname !== '/' || parsed.search !== '' || parsed.username !== '' || parsed.password !== '';
  return `${parsed.origin}${hidden ? '/[redacted]' : ''}`;
}
