// Users, tokens and roles as the admin CLI, the REST API and the bootstrap manage them: the
// rules (password length, names, scopes, roles) and the hashing, over the server store.
import { MlflowError } from '../errors.js';
import type { ServerStore, TokenWithUser, UserRow } from '../store/server/server-store.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import { isProjectRole, PROJECT_ROLES, type ProjectRole } from './roles.js';
import { newToken, TOKEN_SCOPES, type TokenScope } from './tokens.js';

const DAY_MS = 24 * 3600 * 1000;

export interface TokenRequest {
  username: string;
  name: string;
  scope: TokenScope;
  /** Undefined: every project the user may reach. */
  project?: string;
  /** Undefined: never expires. */
  expiresInDays?: number;
}

export interface CreatedToken {
  /** The whole token: shown once, never stored. */
  token: string;
  info: TokenWithUser;
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw MlflowError.invalidParameter(
      `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`,
    );
  }
}

export class Accounts {
  constructor(readonly store: ServerStore) {}

  async addUser(username: string, password: string | null, isAdmin = false): Promise<UserRow> {
    if (username.trim() === '' || username !== username.trim()) {
      throw MlflowError.invalidParameter('Username cannot be empty or start or end with spaces.');
    }
    if (username.includes(':')) {
      // HTTP Basic cannot carry a ':' in the user name.
      throw MlflowError.invalidParameter("Username cannot contain ':'.");
    }
    if (password !== null) checkPassword(password);
    const passwordHash = password === null ? null : await hashPassword(password);
    return this.store.createUser({ username, passwordHash, isAdmin });
  }

  async setPassword(username: string, password: string): Promise<void> {
    await this.store.getUser(username);
    checkPassword(password);
    // Checked passwords are remembered against the hash they matched: a new hash ends them.
    await this.store.setPasswordHash(username, await hashPassword(password));
  }

  async setAdmin(username: string, isAdmin: boolean): Promise<void> {
    await this.store.setAdmin(username, isAdmin);
  }

  async removeUser(username: string): Promise<void> {
    await this.store.deleteUser(username);
  }

  async createToken(request: TokenRequest): Promise<CreatedToken> {
    const user = await this.store.getUser(request.username);
    if (!(TOKEN_SCOPES as readonly string[]).includes(request.scope)) {
      throw MlflowError.invalidParameter(
        `Invalid token scope '${request.scope}'. Valid scopes are: ${TOKEN_SCOPES.join(', ')}.`,
      );
    }
    const days = request.expiresInDays;
    if (days !== undefined && !(days > 0)) {
      throw MlflowError.invalidParameter('A token expiry must be a positive number of days.');
    }
    const name = request.name.trim();
    if (!name) throw MlflowError.invalidParameter('A token needs a name (what it is for).');
    const made = newToken();
    const row = await this.store.createToken({
      userId: user.id,
      publicId: made.publicId,
      secretHash: made.secretHash,
      name,
      scope: request.scope,
      project: request.project ?? null,
      expiresMs: days === undefined ? null : Date.now() + days * DAY_MS,
    });
    return {
      token: made.text,
      info: { ...row, username: user.username, is_admin: user.is_admin },
    };
  }

  async grant(username: string, project: string, role: string): Promise<void> {
    const user = await this.store.getUser(username);
    if (role === 'none') {
      await this.store.removeRole(user.id, project);
      return;
    }
    if (!isProjectRole(role)) {
      throw MlflowError.invalidParameter(
        `Invalid role '${role}'. Valid roles are: ${PROJECT_ROLES.join(', ')} (or none to remove).`,
      );
    }
    await this.store.setRole(user.id, project, role satisfies ProjectRole);
  }
}
