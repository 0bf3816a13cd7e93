// The ordered list of schema migrations. A static map (not a folder scan) so the same list works
// from TypeScript sources under vitest and from the compiled build.
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial.js';

const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
