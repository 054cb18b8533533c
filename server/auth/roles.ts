/**
 * Roles and who may call what (DESIGN §7). This table is the one place access is decided; every route names its
 * row with `requireRole`, and the README's matrix mirrors it. 'public' routes need no credentials.
 */

export const ROLES = ['admin', 'merchandiser', 'onboarding', 'manager', 'ingest', 'brand'] as const;
export type Role = (typeof ROLES)[number];

/** The platform's own staff: every read, every brand. */
const STAFF = ['admin', 'merchandiser', 'onboarding', 'manager'] as const satisfies readonly Role[];

export const ACCESS = {
  'GET /api/health': 'public',
  'GET /api/brands': [...STAFF, 'brand'],
  'GET /api/scorecards': [...STAFF, 'brand'],
  'GET /api/brands/:brand_id/scorecard': [...STAFF, 'brand'],
  // Brand tokens may not ingest: the events are the evidence a brand is judged on, so they come from the
  // platform's systems, not from the brand.
  'POST /api/ingest/:stream': ['admin', 'ingest'],
  // Recommendations carry merchandisers' deliberation (reasons, names), so they are for staff only; decisions are
  // the merchandisers'. A brand may see its own onboarding checklist: it says what the brand has to fix.
  'GET /api/recommendations': STAFF,
  'POST /api/recommendations/:id/decision': ['admin', 'merchandiser'],
  'GET /api/onboarding/:brand_id': [...STAFF, 'brand'],
  // Peak load is marketplace-wide (no brand's figures): staff may read it, merchandisers too, since their
  // promotions cause surges; brands and ingest may not. Staffing plans CS headcount: CS managers and admins.
  'GET /api/load': STAFF,
  'GET /api/staffing': ['admin', 'manager'],
  // Job runs and ingested files concern every brand.
  'GET /api/jobs': STAFF,
  // Digests: a brand sees its own. Delivery status is the jobs page's; dead letters carry every brand's messages and
  // retrying them is an operator's act.
  'GET /api/digests': [...STAFF, 'brand'],
  'GET /api/deliveries': STAFF,
  'GET /api/deliveries/dead-letters': ['admin', 'manager'],
  'POST /api/deliveries/:message_id/retry': ['admin', 'manager'],
  // The pages; any signed-in role may see the index of links.
  'GET /': ROLES,
  // Dashboards (dashboards/): a brand's evidence and weekly trend, and server-rendered charts (each chart also
  // follows the row of the API its data comes from; see dashboards/charts/registry.ts).
  'GET /api/brands/:brand_id/evidence': [...STAFF, 'brand'],
  'GET /api/brands/:brand_id/trend': [...STAFF, 'brand'],
  'GET /api/charts/:name.svg': [...STAFF, 'brand'],
} as const satisfies Record<string, 'public' | readonly Role[]>;
export type RouteKey = keyof typeof ACCESS;

/** Who is calling: the role of the token, session or login code, and the brand of a brand token. */
export interface Principal {
  role: Role;
  /** Set for brand tokens only: the one brand they may see. */
  brandId: string | null;
  /** SHA-256 of the credential; the rate limit counts per credential. */
  key: string;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function mayAccess(route: RouteKey, principal: Principal | null): boolean {
  const allowed = ACCESS[route];
  if (allowed === 'public') return true;
  return principal !== null && (allowed as readonly Role[]).includes(principal.role);
}

/** The only brand a principal may see, or null when it may see every brand. */
export function brandScope(principal: Principal | null): string | null {
  return principal?.role === 'brand' ? principal.brandId : null;
}
