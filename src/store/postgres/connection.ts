// What every PostgreSQL connection of trackd shares: how values come back, the `trackd` schema
// that holds what belongs to no single project, and the session-level advisory lock under which
// several servers on one database take turns at one-time work (creating schemas, migrating).
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';

// int8 (bigint) columns hold millisecond times, ids and steps: JavaScript numbers, as SQLite
// answers them. Values beyond 2^53 are refused before they are stored (see api/wire/fields.ts).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** The schema of the project list and the server store (users, tokens, roles). */
export const TRACKD_SCHEMA = 'trackd';

/** A pool whose connections see `schema` alone: unqualified names resolve there and nowhere else. */
export function schemaPool(url: string, schema: string, max: number): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30_000,
    options: `-c search_path=${schema}`,
  });
}

/** Creates the `trackd` schema once, safely when several servers start together. */
export async function ensureTrackdSchema<DB>(db: Kysely<DB>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('trackd:registry'))`.execute(trx);
    await sql`create schema if not exists ${sql.id(TRACKD_SCHEMA)}`.execute(trx);
  });
}

/**
 * Runs `work` while holding the advisory lock named `key` on a connection of its own (Kysely's
 * migrator runs its own transactions, so a transaction-scoped lock cannot cover it).
 */
export async function withSessionLock<T>(url: string, key: string, work: () => Promise<T>) {
  const lockDb = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  });
  try {
    return await lockDb.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(hashtext(${key}))`.execute(conn);
      try {
        return await work();
      } finally {
        await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(conn);
      }
    });
  } finally {
    await lockDb.destroy();
  }
}

/** Whether a backend store URI names PostgreSQL (config.ts admits nothing else when one is set). */
export function isPostgresUri(uri: string | undefined): uri is string {
  return uri !== undefined && /^postgres(ql)?:\/\//.test(uri);
}
