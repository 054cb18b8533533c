import { createHmac } from 'node:crypto';

/** Header names of a webhook request (README "Digests, alerts and delivery"). */
export const SIGNATURE_HEADER = 'x-brandscore-signature';
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const ATTEMPT_HEADER = 'x-brandscore-attempt';

/** `sha256=` and the hex HMAC-SHA256 of the exact body bytes under the shared secret. */
export function signBody(body: Uint8Array | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookAnswer {
  /** HTTP status, or null when no answer came (refused, reset, timed out). */
  status: number | null;
  error: string | null;
}

/** One POST of `body` with its signature and idempotency key; never throws, the answer says what happened. */
export async function postSigned(
  url: string,
  body: string,
  options: { secret: string; idempotencyKey: string; attempt: number; timeoutMs: number },
): Promise<WebhookAnswer> {
  const bytes = Buffer.from(body, 'utf8');
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        [SIGNATURE_HEADER]: signBody(bytes, options.secret),
        [IDEMPOTENCY_HEADER]: options.idempotencyKey,
        [ATTEMPT_HEADER]: String(options.attempt),
      },
      body: bytes,
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'manual',
    });
    // The body is not needed, but reading it frees the connection.
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, error: response.ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    const err = error as Error & { cause?: { code?: string; message?: string } };
    const reason =
      err.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message);
    return { status: null, error: reason };
  }
}

/**
 * Whether a failed answer is worth another attempt: no answer, 5xx, and the 4xx that mean "not now" (408 timeout,
 * 409 a concurrent request with the same key, 425, 429). Any other 4xx (a bad signature, say) or a redirect (not
 * followed) is the receiver refusing the message, which repeating cannot fix: it goes to the dead letters at once.
 */
export function isRetryable(status: number | null): boolean {
  if (status === null || status >= 500) return true;
  return [408, 409, 425, 429].includes(status);
}
