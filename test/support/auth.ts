// Signing in from the API tests: one password for every test user, Basic headers, and a token
// made to have expired (the store's own row, since no API makes one in the past).
import type { Accounts } from '../../src/auth/accounts.js';

export const PASSWORD = 'correct horse battery';

export const basic = (user: string, password = PASSWORD) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A token of `username` whose expiry has passed. */
export async function expiredToken(accounts: Accounts, username: string): Promise<string> {
  const made = await accounts.createToken({ username, name: 'expired', scope: 'write' });
  await accounts.store.db
    .updateTable('tokens')
    .set({ expires_ms: Date.now() - 1000 })
    .where('public_id', '=', made.info.public_id)
    .execute();
  return made.token;
}
