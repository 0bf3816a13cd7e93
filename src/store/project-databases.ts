// Where projects' databases live, behind one small interface the project registry uses: one
// SQLite file per project under the data root (the embedded default), or one schema per project
// in a PostgreSQL database (store/postgres/). Either way a project's data is apart from every other
// project's: its own file, or its own schema reached through its own connections.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationProvider } from '../../migrations/project/index.js';
import type { Database } from './schema.js';
import { registerSqlFunctions } from './sqlite-functions.js';
import { attachSqliteStatements, SqliteStatements } from './sqlite-statements.js';
import { BACKSTOP_PAGES, BackgroundCheckpoints } from './wal-checkpoints.js';

export interface ProjectSettings {
  description?: string;
  default_artifact_root?: string;
}

/** One project's open database. */
export interface OpenDatabase {
  db: Kysely<Database>;
  close(): Promise<void>;
}

export interface ProjectDatabases {
  readonly kind: 'sqlite' | 'postgres';
  /** Whether the project has been created (written at least once). */
  exists(name: string): Promise<boolean>;
  /** Every created project's name, in no particular order. */
  names(): Promise<string[]>;
  /** Opens (creating and migrating when needed) the project's database. */
  open(name: string): Promise<OpenDatabase>;
  /** Removes the project's database; the project must be closed. False if there was none. */
  remove(name: string): Promise<boolean>;
  readSettings(name: string): Promise<ProjectSettings>;
  writeSettings(name: string, settings: ProjectSettings): Promise<void>;
  /** Applies pending migrations to every project; what was applied, per project. */
  upgradeAll(): Promise<Record<string, string[]>>;
  close(): Promise<void>;
}

/** `schema`: where the migrator keeps its own tables (PostgreSQL: the project's schema). */
export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<string[]> {
  // Unordered: migrations written side by side (0002, 0003, 0004) may be released in any order,
  // so a database may have run a later-numbered one first; each touches its own tables.
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    allowUnorderedMigrations: true,
    // Named, else the migrator finds another project's migration tables and skips creating its own.
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export const DB_FILE = 'mlflow.db';
const SETTINGS_FILE = 'project.json';

export function openSqlite(file: string): SQLite.Database {
  const sqlite = new SQLite(file);
  // WAL lets readers proceed while a writer commits; NORMAL is durable across process crashes in
  // WAL mode (only an OS crash can lose the last commits); the busy timeout covers other processes
  // (e.g. `trackd db upgrade`) holding the write lock.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  registerSqlFunctions(sqlite);
  return sqlite;
}

/** A project is a folder under the data root holding `mlflow.db` (and its artifacts). */
export class SqliteProjectDatabases implements ProjectDatabases {
  readonly kind = 'sqlite';
  // Started with the first project opened; null where it cannot run (see wal-checkpoints.ts).
  private checkpoints?: BackgroundCheckpoints | null;

  constructor(
    private readonly dataDir: string,
    /** Folder names under the data root that are not projects (e.g. deleted ones). */
    private readonly ignore: (entry: string) => boolean,
  ) {}

  private file(name: string): string {
    return path.join(this.dataDir, name, DB_FILE);
  }

  existsNow(name: string): boolean {
    return fs.existsSync(this.file(name));
  }

  async exists(name: string): Promise<boolean> {
    return this.existsNow(name);
  }

  async names(): Promise<string[]> {
    if (!fs.existsSync(this.dataDir)) return [];
    return fs
      .readdirSync(this.dataDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !this.ignore(e.name) && this.existsNow(e.name))
      .map((e) => e.name);
  }

  async open(name: string): Promise<OpenDatabase> {
    const file = this.file(name);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const statements = new SqliteStatements(openSqlite(file));
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: statements.forKysely() }),
    });
    attachSqliteStatements(db, statements);
    await migrateToLatest(db);
    if (this.checkpoints === undefined) this.checkpoints = BackgroundCheckpoints.start() ?? null;
    const checkpoints = this.checkpoints ?? undefined;
    if (checkpoints) {
      checkpoints.watch(file);
      statements.sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    }
    return {
      db,
      close: async () => {
        await checkpoints?.unwatch(file);
        await db.destroy();
      },
    };
  }

  /** The project's folder goes with the registry's delete (artifacts included). */
  async remove(name: string): Promise<boolean> {
    return this.existsNow(name);
  }

  async readSettings(name: string): Promise<ProjectSettings> {
    try {
      const text = await fs.promises.readFile(path.join(this.dataDir, name, SETTINGS_FILE), 'utf8');
      return JSON.parse(text) as ProjectSettings;
    } catch {
      return {};
    }
  }

  async writeSettings(name: string, settings: ProjectSettings): Promise<void> {
    const file = path.join(this.dataDir, name, SETTINGS_FILE);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    // Write-then-rename so a crash never leaves a half-written settings file.
    await fs.promises.writeFile(`${file}.tmp`, JSON.stringify(settings));
    await fs.promises.rename(`${file}.tmp`, file);
  }

  async upgradeAll(): Promise<Record<string, string[]>> {
    const applied: Record<string, string[]> = {};
    for (const name of await this.names()) {
      const db = new Kysely<Database>({
        dialect: new SqliteDialect({ database: openSqlite(this.file(name)) }),
      });
      try {
        applied[name] = await migrateToLatest(db);
      } finally {
        await db.destroy();
      }
    }
    return applied;
  }

  async close(): Promise<void> {
    await this.checkpoints?.close();
    this.checkpoints = undefined;
  }
}
