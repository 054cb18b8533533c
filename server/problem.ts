import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ScorecardWindowError } from '../metrics/scorecards/scorecards.ts';
import { CredentialError } from './auth/credentials.ts';
import { redactUrl } from './logging.ts';

/**
 * One error path (STYLE §10): every error becomes `application/problem+json` (RFC 9457) here. 4xx say what was
 * wrong with the request; 5xx say only that something failed and which request it was, and the details go to the
 * log.
 */

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface InvalidParam {
  /** Where the parameter was: querystring, params, body, headers. */
  in: string;
  name: string;
  reason: string;
}

/** An error that is the client's to fix (or a refusal), with what to tell it. */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extra: { title?: string; headers?: Record<string, string>; invalidParams?: InvalidParam[] } = {},
  ) {
    super(detail);
  }
}

export const unauthorized = (detail = 'this needs a token: send Authorization: Bearer TOKEN, or sign in at /login') =>
  new HttpProblem(401, detail, { headers: { 'www-authenticate': 'Bearer realm="brandscore"' } });
export const forbidden = (detail: string) => new HttpProblem(403, detail);
export const notFound = (detail: string) => new HttpProblem(404, detail);

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  invalid_params?: InvalidParam[];
}

function problemOf(status: number, detail: string, title?: string, invalidParams?: InvalidParam[]): Problem {
  return {
    type: 'about:blank',
    title: title ?? STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...(invalidParams ? { invalid_params: invalidParams } : {}),
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(problem.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(problem);
}

function toProblem(error: unknown, request: FastifyRequest): { problem: Problem; headers?: Record<string, string> } {
  if (error instanceof HttpProblem) {
    return { problem: problemOf(error.status, error.detail, error.extra.title, error.extra.invalidParams), headers: error.extra.headers };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? 'request';
    const invalid = error.validation.map((issue) => ({
      in: where,
      name: issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || where,
      reason: issue.message ?? 'invalid',
    }));
    const detail = invalid.map((param) => `${param.name} (${param.in}): ${param.reason}`).join('; ');
    return { problem: problemOf(400, detail, 'Invalid request', invalid) };
  }
  if (error instanceof ScorecardWindowError || error instanceof CredentialError) {
    return { problem: problemOf(400, error.message, 'Invalid request') };
  }
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own client errors (413 body too large, 415 media type, malformed JSON): their message is safe.
    return { problem: problemOf(status, (error as Error).message) };
  }
  return {
    problem: problemOf(500, `the server failed to answer this request; it is logged under request id ${request.id}`),
  };
}

/** An error Fastify raised before routing, as a problem document (plugins.ts adds the security headers). */
export function sendProblemForFrameworkError(error: FastifyError, reply: FastifyReply): void {
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  void sendProblem(reply, problemOf(status, error.message));
}

export function installProblemHandlers(app: FastifyInstance, log: (message: string) => void): void {
  app.setErrorHandler((error, request, reply) => {
    const { problem, headers } = toProblem(error, request);
    if (problem.status >= 500) {
      const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`request ${request.id} ${request.method} ${redactUrl(request.url)} failed: ${reason}`);
    }
    return sendProblem(reply, problem, headers);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problemOf(404, `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
