// What migrations need to know about the engine they run on. Project migrations are written once
// for SQLite and PostgreSQL; the few SQLite-only layouts (WITHOUT ROWID tables, triggers) are
// chosen here.
import { SqliteAdapter, type Kysely, type Transaction } from 'kysely';

export function isSqlite(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * Runs a migration step in one transaction. On PostgreSQL, Kysely's migrator already runs each
 * migration inside a transaction (DDL is transactional there) and a nested one cannot be started;
 * on SQLite it does not, so the step opens its own.
 */
export async function inTransaction<T>(
  db: Kysely<unknown>,
  step: (trx: Kysely<unknown> | Transaction<unknown>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? step(db) : db.transaction().execute(step);
}
