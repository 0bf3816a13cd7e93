// Turns a request's credentials into the caller (a Principal) and says what the caller holds in
// a project. Credentials are what MLflow's client sends: HTTP Basic (MLFLOW_TRACKING_USERNAME and
// _PASSWORD; a token also works as the password) or a bearer token (MLFLOW_TRACKING_TOKEN); in
// trusted-header mode also a user name set by an identity proxy at a configured address.
// Nothing here logs or returns a credential.
import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import { MlflowError } from '../errors.js';
import type { ServerStore, UserRow } from '../store/server/server-store.js';
import { verifyPassword } from './passwords.js';
import { atLeast, isProjectRole, lower, type Standing } from './roles.js';
import { FailureThrottle } from './throttle.js';
import { parseToken, secretMatches, type TokenScope } from './tokens.js';

export interface Principal {
  username: string;
  /** Null for the anonymous caller of `--auth none`. */
  userId: number | null;
  isAdmin: boolean;
  /** The limits of the token the request came with, if it came with one. */
  token?: { scope: TokenScope; project: string | null };
}

/** The caller of a server without authentication: everyone, with every right. */
export const ANONYMOUS: Principal = { username: 'anonymous', userId: null, isAdmin: true };

export interface Credentials {
  authorization?: string;
  /** The trusted header's value, when the mode has one. */
  proxyUser?: string;
  /** The peer's address, as the socket reports it. */
  address: string;
}

const unauthenticated = (message: string) => new MlflowError('UNAUTHENTICATED', message);

export const MISSING_CREDENTIALS =
  'Authentication required: send HTTP Basic credentials (MLFLOW_TRACKING_USERNAME and ' +
  'MLFLOW_TRACKING_PASSWORD) or a token (MLFLOW_TRACKING_TOKEN).';
const BAD_PASSWORD = 'Invalid username or password.';
const BAD_TOKEN = 'Invalid token.';

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * How long a resolved caller or role is reused without asking the server store again. Changes
 * made through this server (REST) apply at once; the CLI's, written by another process, within
 * this time. Each lookup is a read transaction on server.db, a tenth of a log-metric request.
 * A store shared with other servers (replicas on PostgreSQL) is never cached: a token revoked
 * through one replica is refused by the next request to any of them.
 */
const CACHE_MS = 1000;
const CACHE_ENTRIES = 10_000;

interface Cached<T> {
  value: T;
  version: number;
  until: number;
}

export class Authenticator {
  private readonly throttle = new FailureThrottle();
  /** Callers by a hash of their Authorization header (never the header itself). */
  private readonly callers = new Map<string, Cached<Principal>>();
  private readonly standings = new Map<string, Cached<Standing>>();
  /** Passwords already checked against a user's current hash: scrypt once, not per request. */
  private readonly verified = new Map<string, string>();
  private readonly trustedProxies: Set<string>;

  constructor(
    private readonly store: ServerStore,
    private readonly config: Pick<Config, 'auth' | 'trustedProxies'>,
  ) {
    this.trustedProxies = new Set((config.trustedProxies ?? []).map(plainAddress));
  }

  get enabled(): boolean {
    return this.config.auth !== 'none';
  }

  async authenticate(credentials: Credentials): Promise<Principal> {
    if (!this.enabled) return ANONYMOUS;
    const header = credentials.authorization?.trim() ?? '';
    if (!header) return this.resolve(credentials, header);
    const key = createHash('sha256').update(header).digest('base64');
    const hit = this.fresh(this.callers, key);
    if (hit) return hit;
    const principal = await this.resolve(credentials, header);
    this.remember(this.callers, key, principal);
    return principal;
  }

  private fresh<T>(cache: Map<string, Cached<T>>, key: string): T | undefined {
    if (this.store.shared) return undefined;
    const hit = cache.get(key);
    if (!hit) return undefined;
    if (hit.version === this.store.version && hit.until > Date.now()) return hit.value;
    cache.delete(key);
    return undefined;
  }

  private remember<T>(cache: Map<string, Cached<T>>, key: string, value: T): void {
    if (this.store.shared) return;
    if (cache.size >= CACHE_ENTRIES) cache.clear();
    cache.set(key, { value, version: this.store.version, until: Date.now() + CACHE_MS });
  }

  private async resolve(credentials: Credentials, header: string): Promise<Principal> {
    const address = plainAddress(credentials.address);
    const space = header.indexOf(' ');
    const kind = header.slice(0, space < 0 ? header.length : space).toLowerCase();
    const value = space < 0 ? '' : header.slice(space + 1).trim();
    if (kind === 'bearer') return this.byToken(value, address);
    if (kind === 'basic') return this.byPassword(value, address);
    // The scheme is not echoed: a client may have put a secret where the scheme belongs.
    if (header) throw unauthenticated('Unsupported authorization scheme: send Basic or Bearer.');
    if (this.config.auth === 'trusted-header' && credentials.proxyUser !== undefined) {
      return this.byProxy(credentials.proxyUser.trim(), address);
    }
    throw unauthenticated(MISSING_CREDENTIALS);
  }

  /** What the caller holds in `project`: its role there, or admin, capped by its token. */
  async standingIn(principal: Principal, project: string): Promise<Standing> {
    const token = principal.token;
    if (token?.project && token.project !== project) return 'none';
    let standing: Standing = 'none';
    if (principal.isAdmin) standing = 'admin';
    else if (principal.userId !== null) {
      const key = `${principal.userId}\0${project}`;
      const hit = this.fresh(this.standings, key);
      if (hit) standing = hit;
      else {
        const role = await this.store.roleIn(principal.userId, project);
        if (role && isProjectRole(role)) standing = role;
        this.remember(this.standings, key, standing);
      }
    }
    return token?.scope === 'read' ? lower(standing, 'read') : standing;
  }

  async canRead(principal: Principal, project: string): Promise<boolean> {
    return atLeast(await this.standingIn(principal, project), 'read');
  }

  private async byToken(text: string, address: string): Promise<Principal> {
    this.throttle.check(undefined, address);
    const parsed = parseToken(text);
    const row = parsed && (await this.store.findToken(parsed.publicId));
    if (!parsed || !row || !secretMatches(parsed.secret, row.secret_hash)) {
      this.throttle.record(undefined, address);
      throw unauthenticated(BAD_TOKEN);
    }
    if (row.revoked_ms !== null) throw unauthenticated('The token has been revoked.');
    if (row.expires_ms !== null && row.expires_ms <= Date.now()) {
      throw unauthenticated('The token has expired.');
    }
    return {
      username: row.username,
      userId: row.user_id,
      isAdmin: row.is_admin === 1,
      token: { scope: row.scope as TokenScope, project: row.project },
    };
  }

  private async byPassword(encoded: string, address: string): Promise<Principal> {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw unauthenticated('Malformed Basic credentials.');
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    // A token as the password (clients that only know user + password): the token decides.
    if (parseToken(password)) {
      const principal = await this.byToken(password, address);
      if (principal.username !== username) throw unauthenticated(BAD_TOKEN);
      return principal;
    }
    this.throttle.check(username, address);
    const user = await this.store.findUser(username);
    if (!user?.password_hash || !(await this.passwordMatches(user, password))) {
      this.throttle.record(username, address);
      throw unauthenticated(BAD_PASSWORD);
    }
    return { username: user.username, userId: user.id, isAdmin: user.is_admin === 1 };
  }

  private async passwordMatches(user: UserRow, password: string): Promise<boolean> {
    const hash = user.password_hash!;
    const key = createHash('sha256').update(`${user.id}\0${password}`).digest('base64');
    if (this.verified.get(key) === hash) return true;
    if (!(await verifyPassword(password, hash))) return false;
    if (this.verified.size >= 10_000) this.verified.clear();
    this.verified.set(key, hash);
    return true;
  }

  private async byProxy(username: string, address: string): Promise<Principal> {
    if (!this.trustedProxies.has(address)) {
      throw unauthenticated(
        `${MISSING_CREDENTIALS} (The identity header is only trusted from the configured proxies.)`,
      );
    }
    if (!username) throw unauthenticated(MISSING_CREDENTIALS);
    // People the proxy vouches for are users from their first request, with no role until granted.
    const user =
      (await this.store.findUser(username)) ??
      (await this.store
        .createUser({ username, passwordHash: null, isAdmin: false })
        .catch(async () => (await this.store.findUser(username))!));
    return { username: user.username, userId: user.id, isAdmin: user.is_admin === 1 };
  }
}
