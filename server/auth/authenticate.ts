import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { forbidden, unauthorized } from '../problem.ts';
import type { Credentials } from './credentials.ts';
import { ACCESS, mayAccess, type Principal, type RouteKey } from './roles.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; null without (valid) credentials. */
    principal: Principal | null;
    /** Credentials were presented but are not valid (wrong or expired). */
    credentialsRejected: boolean;
  }
}

/** The HttpOnly cookie of a page session. */
export const SESSION_COOKIE = 'brandscore_session';

/**
 * Works out who is calling, from `Authorization: Bearer TOKEN` or else the session cookie, before anything else
 * runs (the rate limit counts per credential). Deciding what the caller may do is `requireRole`'s job.
 */
export function installAuthentication(app: FastifyInstance, credentials: Credentials): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('credentialsRejected', false);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      request.principal = token ? await credentials.authenticateToken(token) : null;
      request.credentialsRejected = request.principal === null;
      return;
    }
    const session = request.cookies[SESSION_COOKIE];
    if (session) {
      request.principal = await credentials.authenticateSession(session);
      request.credentialsRejected = request.principal === null;
    }
  });
}

/**
 * The route's row of the access table (roles.ts), as an onRequest hook: refused before a body is read.
 * 401 without valid credentials, 403 for a role the row does not list.
 */
export function requireRole(route: RouteKey): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    if (ACCESS[route] === 'public') return;
    const principal = request.principal;
    if (!principal) throw unauthorized(request.credentialsRejected ? 'the token or session is not valid (or has expired)' : undefined);
    if (!mayAccess(route, principal)) throw forbidden(`the ${principal.role} role may not use ${route}`);
  };
}

/** A brand token may see its own brand only. */
export function assertBrandVisible(principal: Principal | null, brandId: string): void {
  if (principal?.role === 'brand' && principal.brandId !== brandId) {
    throw forbidden(`this token may see brand ${principal.brandId} only`);
  }
}
