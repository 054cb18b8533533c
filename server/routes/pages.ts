import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { labeller, LANGUAGES } from '../../dashboards/i18n.ts';
import { layout, loginBody } from '../../dashboards/pages/layout.ts';
import { SESSION_COOKIE } from '../auth/authenticate.ts';
import { rememberLanguage } from './dashboards.ts';
import type { Services } from '../services.ts';

/**
 * The pages' front door (DESIGN §7): `/login?token=…` exchanges a token or the one-time code `serve` prints for an
 * HttpOnly session cookie. `/` and the dashboards are dashboards/pages, registered by routes/dashboards.ts.
 */
export function registerPageRoutes(app: FastifyInstance, services: Services): void {
  const pages = app.withTypeProvider<ZodTypeProvider>();

  pages.get('/login', {
    schema: { hide: true, querystring: z.object({ token: z.string().max(200).optional(), lang: z.enum(LANGUAGES).optional() }) },
    handler: async (request, reply) => {
      const secret = request.query.token;
      if (!secret) return sendHtml(reply, 200, loginPage(request, reply));
      const session = await services.credentials.startSession(secret);
      if (!session) {
        return sendHtml(reply, 401, loginPage(request, reply, 'login.invalid'));
      }
      reply.setCookie(SESSION_COOKIE, session.sessionId, {
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        path: '/',
        expires: session.expiresAt,
      });
      // 303: the login URL (with its secret) is not kept as the page the browser shows.
      return reply.redirect('/', 303);
    },
  });
}

function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

function loginPage(request: FastifyRequest, reply: FastifyReply, message?: 'login.invalid'): string {
  const lang = rememberLanguage(request, reply);
  const t = labeller(lang);
  return layout({ lang, title: t('login.title'), body: loginBody(t, message ? t(message) : undefined), nav: [], viewer: null, url: '/login' });
}
