// The server store's migrations (users, tokens, roles), kept apart from the projects' own.
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_users_tokens_grants.js';

const migrations: Record<string, Migration> = {
  '0001_users_tokens_grants': m0001,
};

export const serverMigrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
