// Brings a server store (SQLite's server.db, or PostgreSQL's `trackd` schema) to the latest of
// migrations/server/.
import { Migrator, type Kysely } from 'kysely';
import { serverMigrationProvider } from '../../../migrations/server/index.js';
import type { ServerDatabase } from './schema.js';

export async function migrateServerStore(db: Kysely<ServerDatabase>, schema?: string) {
  const { error } = await new Migrator({
    db,
    provider: serverMigrationProvider,
    // Named on PostgreSQL, where the project schemas hold migration tables of their own.
    ...(schema ? { migrationTableSchema: schema } : {}),
  }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
