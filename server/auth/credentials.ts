import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';
import { isRole, ROLES, type Principal, type Role } from './roles.ts';

/**
 * Tokens, one-time login codes and page sessions (DESIGN §7, §9). Secrets are random, shown once, and stored only
 * as their SHA-256, so the database file holds nothing that grants access; hashes are compared in constant time.
 */

/** Page sessions last a working day. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** The login code `serve` prints is short-lived and usable once. */
export const LOGIN_CODE_TTL_MS = 15 * 60 * 1000;

export class CredentialError extends Error {
  override name = 'CredentialError';
}

/** `bs_` + 32 random bytes, base64url: the prefix makes a leaked token easy to recognise and search for. */
export function newSecret(): string {
  return `bs_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface Grant {
  role: Role;
  /** Required for, and only for, the brand role. */
  brandId?: string | null;
}

export function checkGrant(grant: { role: string; brandId?: string | null }): Grant {
  if (!isRole(grant.role)) throw new CredentialError(`unknown role '${grant.role}' (expected one of ${ROLES.join(', ')})`);
  if (grant.role === 'brand' && !grant.brandId) throw new CredentialError('a brand token needs --brand ID');
  if (grant.role !== 'brand' && grant.brandId) throw new CredentialError(`--brand applies to the brand role only, not ${grant.role}`);
  return { role: grant.role, brandId: grant.brandId ?? null };
}

interface GrantRow {
  hash: string;
  role: string;
  brand_id: string | null;
  expires_at?: string;
}

export interface CredentialOptions {
  /** BRANDSCORE_ADMIN_TOKEN: an admin token that lives only in the environment. */
  adminToken?: string;
  now?: () => Date;
}

export class Credentials {
  private readonly adminHash: string | null;
  private readonly now: () => Date;
  /** Tokens found valid: they change only through `token create`, which cannot run while the server holds the file. */
  private readonly tokenCache = new Map<string, Principal>();

  constructor(
    private readonly warehouse: Warehouse,
    options: CredentialOptions = {},
  ) {
    this.adminHash = options.adminToken ? hashSecret(options.adminToken) : null;
    this.now = options.now ?? (() => new Date());
  }

  /** Stores a new API token; returns the token itself, which exists nowhere else afterwards. */
  async createToken(grant: Grant & { label?: string }): Promise<string> {
    const { role, brandId } = checkGrant(grant);
    const token = newSecret();
    await this.warehouse.run(
      `INSERT INTO api_tokens VALUES ($hash, $role, $brand, $label, CAST($now AS TIMESTAMPTZ), NULL)`,
      { hash: hashSecret(token), role, brand: brandId ?? null, label: grant.label ?? null, now: this.now().toISOString() },
    );
    return token;
  }

  /** A code for one page login, valid for LOGIN_CODE_TTL_MS. */
  async createLoginCode(grant: Grant): Promise<{ code: string; expiresAt: Date }> {
    const { role, brandId } = checkGrant(grant);
    const code = newSecret();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + LOGIN_CODE_TTL_MS);
    await this.warehouse.run(
      `INSERT INTO login_codes VALUES ($hash, $role, $brand, CAST($now AS TIMESTAMPTZ), CAST($expires AS TIMESTAMPTZ), NULL)`,
      { hash: hashSecret(code), role, brand: brandId ?? null, now: now.toISOString(), expires: expiresAt.toISOString() },
    );
    return { code, expiresAt };
  }

  /** The principal of a bearer token (BRANDSCORE_ADMIN_TOKEN or a stored token), or null. */
  async authenticateToken(token: string): Promise<Principal | null> {
    const hash = hashSecret(token);
    if (this.adminHash && sameHash(hash, this.adminHash)) return { role: 'admin', brandId: null, key: hash };
    const cached = this.tokenCache.get(hash);
    if (cached) return cached;
    const row = await this.warehouse.one<GrantRow>(
      `SELECT token_hash AS hash, role, brand_id FROM api_tokens WHERE token_hash = $hash AND revoked_at IS NULL`,
      { hash },
    );
    if (!row || !sameHash(row.hash, hash) || !isRole(row.role)) return null;
    const principal: Principal = { role: row.role, brandId: row.brand_id, key: hash };
    this.tokenCache.set(hash, principal);
    return principal;
  }

  async authenticateSession(sessionId: string): Promise<Principal | null> {
    const hash = hashSecret(sessionId);
    const row = await this.warehouse.one<GrantRow>(
      `SELECT session_hash AS hash, role, brand_id FROM sessions WHERE session_hash = $hash AND expires_at > CAST($now AS TIMESTAMPTZ)`,
      { hash, now: this.now().toISOString() },
    );
    if (!row || !sameHash(row.hash, hash) || !isRole(row.role)) return null;
    return { role: row.role, brandId: row.brand_id, key: hash };
  }

  /**
   * Exchanges a bearer token or an unused, unexpired login code for a new page session. Returns the session id
   * (the cookie value) or null when the secret is not valid.
   */
  async startSession(secret: string): Promise<{ sessionId: string; principal: Principal; expiresAt: Date } | null> {
    const grant = (await this.authenticateToken(secret)) ?? (await this.redeemLoginCode(secret));
    if (!grant) return null;
    const sessionId = newSecret();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    const hash = hashSecret(sessionId);
    await this.warehouse.run(
      `INSERT INTO sessions VALUES ($hash, $role, $brand, CAST($now AS TIMESTAMPTZ), CAST($expires AS TIMESTAMPTZ))`,
      { hash, role: grant.role, brand: grant.brandId, now: now.toISOString(), expires: expiresAt.toISOString() },
    );
    return { sessionId, principal: { role: grant.role, brandId: grant.brandId, key: hash }, expiresAt };
  }

  /** Marks the code used in the same statement that checks it, so two logins cannot both redeem it. */
  private async redeemLoginCode(code: string): Promise<Principal | null> {
    const hash = hashSecret(code);
    const row = await this.warehouse.one<GrantRow>(
      `UPDATE login_codes SET used_at = CAST($now AS TIMESTAMPTZ)
       WHERE code_hash = $hash AND used_at IS NULL AND expires_at > CAST($now AS TIMESTAMPTZ)
       RETURNING code_hash AS hash, role, brand_id`,
      { hash, now: this.now().toISOString() },
    );
    if (!row || !sameHash(row.hash, hash) || !isRole(row.role)) return null;
    return { role: row.role, brandId: row.brand_id, key: hash };
  }
}
