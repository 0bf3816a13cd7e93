// The server store on PostgreSQL: users, tokens and roles in the `trackd` schema, beside the
// project list, so every server on the database signs in the same people.
import { Kysely, PostgresDialect } from 'kysely';
import { migrateServerStore } from '../server/migrate.js';
import type { ServerDatabase } from '../server/schema.js';
import { ensureTrackdSchema, schemaPool, TRACKD_SCHEMA, withSessionLock } from './connection.js';

export async function openPostgresServerDatabase(url: string): Promise<Kysely<ServerDatabase>> {
  const db = new Kysely<ServerDatabase>({
    dialect: new PostgresDialect({ pool: schemaPool(url, TRACKD_SCHEMA, 4) }),
  });
  try {
    await ensureTrackdSchema(db);
    await withSessionLock(url, 'trackd:migrate:server', () =>
      migrateServerStore(db, TRACKD_SCHEMA),
    );
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}
