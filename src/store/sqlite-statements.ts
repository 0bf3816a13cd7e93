// Prepared statements of a project's SQLite connection, kept for reuse. Kysely's SQLite driver
// prepares every query anew, which cost a tenth of a log-metric request; the connection handed to
// it here answers `prepare` from a cache keyed by SQL text. The same cache serves the hot paths in
// store/ that run prepared statements directly (metric ingest, see metrics.ts), which find it
// through `sqliteStatementsOf`.
import type SQLite from 'better-sqlite3';
import type { Kysely, SqliteDatabase } from 'kysely';
import type { Database } from './schema.js';

// Enough for every distinct query shape the server issues (IN lists vary in length), small enough
// that the statements' memory stays negligible.
const MAX_CACHED = 512;

export class SqliteStatements {
  private readonly cache = new Map<string, SQLite.Statement>();

  constructor(readonly sqlite: SQLite.Database) {}

  prepare(sql: string): SQLite.Statement {
    const cached = this.cache.get(sql);
    if (cached) {
      // Least recently used first: re-inserting moves the statement to the end.
      this.cache.delete(sql);
      this.cache.set(sql, cached);
      return cached;
    }
    const statement = this.sqlite.prepare(sql);
    this.cache.set(sql, statement);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    return statement;
  }

  /** The database object for Kysely's SqliteDialect, preparing through this cache. */
  forKysely(): SqliteDatabase {
    return {
      prepare: (sql: string) =>
        // SQLite ends a transaction itself on some errors (SQLITE_FULL: a full disk); Kysely's
        // ROLLBACK after it would fail and hide the real error behind "no transaction is active".
        /^rollback$/i.test(sql) && !this.sqlite.inTransaction
          ? (NO_OP as unknown as SQLite.Statement)
          : this.prepare(sql),
      close: () => this.sqlite.close(),
    };
  }
}

const NO_OP = { reader: false, run: () => ({ changes: 0, lastInsertRowid: 0 }) };

// Keyed by the Kysely instance's adapter: a transaction (`trx`) is a new Kysely object, but it
// shares the adapter of the instance it was started from, so both find the same statements.
const byAdapter = new WeakMap<object, SqliteStatements>();

export function attachSqliteStatements(db: Kysely<Database>, statements: SqliteStatements): void {
  byAdapter.set(db.getExecutor().adapter, statements);
}

/**
 * The prepared statements behind `db`, for direct use — only inside a Kysely transaction: the
 * transaction holds the one connection (Kysely's driver serialises access to it), so statements
 * run here belong to that transaction and no other request's. Undefined outside a transaction or
 * on any other database (the caller then takes its Kysely path).
 */
export function sqliteStatementsOf(
  db: Pick<Kysely<Database>, 'getExecutor' | 'isTransaction'>,
): SqliteStatements | undefined {
  return db.isTransaction ? byAdapter.get(db.getExecutor().adapter) : undefined;
}

/** Whether `db` is a project's SQLite database, whose transactions have prepared statements. */
export function hasSqliteStatements(db: Pick<Kysely<Database>, 'getExecutor'>): boolean {
  return byAdapter.has(db.getExecutor().adapter);
}
