import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION_COOKIE, requireRole } from '../auth/authenticate.ts';
import type { Principal } from '../auth/roles.ts';
import type { Services } from '../services.ts';

/**
 * The pages' front door (DESIGN §7): `/login?token=…` exchanges a token or the one-time code `serve` prints for an
 * HttpOnly session cookie; `/` lists what there is. The dashboards themselves come with their own issue.
 */
export function registerPageRoutes(app: FastifyInstance, services: Services): void {
  const pages = app.withTypeProvider<ZodTypeProvider>();

  pages.get('/login', {
    schema: { hide: true, querystring: z.object({ token: z.string().max(200).optional() }) },
    handler: async (request, reply) => {
      const secret = request.query.token;
      if (!secret) return sendHtml(reply, 200, loginPage());
      const session = await services.credentials.startSession(secret);
      if (!session) {
        return sendHtml(reply, 401, loginPage('That token or login code is not valid. A login code works once, for 15 minutes.'));
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

  pages.get('/', {
    schema: { hide: true },
    // Pages send people without a session to the login form rather than answering 401.
    onRequest: async (request, reply) => {
      if (!request.principal) return reply.redirect('/login', 302);
      return requireRole('GET /').call(app, request, reply);
    },
    handler: async (request, reply) => sendHtml(reply, 200, indexPage(request.principal!)),
  });
}

function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · brandscore</title></head>
<body>
${body}
</body></html>
`;
}

function loginPage(message?: string): string {
  return page(
    'Sign in',
    `<h1>brandscore</h1>
<p>Sign in with an API token (<code>brandscore token create</code>) or the one-time login link that <code>brandscore serve</code> printed.</p>
${message ? `<p role="alert"><strong>${escapeHtml(message)}</strong></p>` : ''}
<form method="get" action="/login">
<label>Token or login code <input name="token" type="password" autocomplete="off" required></label>
<button type="submit">Sign in</button>
</form>`,
  );
}

function indexPage(principal: Principal): string {
  const who = principal.role === 'brand' ? `brand ${principal.brandId}` : principal.role;
  const links: [string, string][] = [
    ['/api/brands', 'Brands and their status'],
    ['/api/scorecards', 'Scorecards, trailing 28 days'],
    ['/api/jobs', 'Job runs, ingested files and requests'],
    ['/docs', 'API documentation (interactive)'],
    ['/openapi.json', 'OpenAPI document'],
    ['/api/health', 'Health'],
  ];
  return page(
    'brandscore',
    `<h1>brandscore</h1>
<p>Signed in as ${escapeHtml(who)}.</p>
<ul>
${links.map(([href, text]) => `<li><a href="${href}">${escapeHtml(text)}</a> <code>${href}</code></li>`).join('\n')}
</ul>`,
  );
}
