import type { FastifyServerOptions } from 'fastify';

/**
 * What the server may write to its logs. `/login?token=…` carries a token or login code in its URL, and Fastify's
 * request log (and our 5xx log line) would print the URL as it came: secrets in query strings are masked first.
 * Headers (Authorization, Cookie) are not logged at all.
 */

const SECRET_QUERY = /([?&](?:token|code|secret|password|access_token)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/** Where log lines go when a test (or an operator) wants them somewhere other than stdout. */
export interface LogStream {
  write(line: string): void;
}

/** Fastify's logger option: off, on (stdout), or on into a stream, always with the URL redacted. */
export function loggerOptions(logger: boolean | { stream: LogStream } | undefined): FastifyServerOptions['logger'] {
  if (!logger) return false;
  return {
    level: 'info',
    ...(logger === true ? {} : { stream: logger.stream }),
    serializers: {
      req: (request: { method: string; url: string; hostname?: string; ip?: string; id?: string }) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.hostname,
        remoteAddress: request.ip,
      }),
    },
  };
}
