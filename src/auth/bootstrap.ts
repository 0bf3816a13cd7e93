// The first admin: created at start from TRACKD_ADMIN_USERNAME / TRACKD_ADMIN_PASSWORD when the
// server store has no admin yet. Later starts leave users alone (change passwords with
// `trackd users passwd`); the password is never printed or logged.
import type { Config } from '../config.js';
import { MlflowError } from '../errors.js';
import type { ServerStore } from '../store/server/server-store.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';

/** What happened, for the start message: `created`, `exists` or `none` (nobody can administer). */
export async function ensureAdmin(
  store: ServerStore,
  config: Pick<Config, 'adminUsername' | 'adminPassword'>,
): Promise<'created' | 'exists' | 'none'> {
  if ((await store.countAdmins()) > 0) return 'exists';
  const { adminUsername, adminPassword } = config;
  if (!adminUsername || adminPassword === undefined) return 'none';
  if (adminPassword.length < MIN_PASSWORD_LENGTH) {
    throw new Error(`TRACKD_ADMIN_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  const existing = await store.findUser(adminUsername);
  const passwordHash = await hashPassword(adminPassword);
  if (existing) {
    await store.setPasswordHash(adminUsername, passwordHash);
    await store.setAdmin(adminUsername, true);
  } else {
    try {
      await store.createUser({ username: adminUsername, passwordHash, isAdmin: true });
    } catch (err) {
      // Replicas on one PostgreSQL database start together: another one made the admin first.
      if (err instanceof MlflowError && err.code === 'RESOURCE_ALREADY_EXISTS') return 'exists';
      throw err;
    }
  }
  return 'created';
}
