// An empty in-memory project database and a migrator to walk it up and down, for migration tests.
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationProvider } from '../../migrations/project/index.js';

export interface MemoryDatabase {
  sqlite: SQLite.Database;
  db: Kysely<unknown>;
  migrator: Migrator;
}

export function memoryDatabase(): MemoryDatabase {
  const sqlite = new SQLite(':memory:');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    allowUnorderedMigrations: true,
  });
  return { sqlite, db, migrator };
}
