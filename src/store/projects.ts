// Opens, caches and closes per-project databases. A project is a folder under the data root holding
// one SQLite file (`mlflow.db`) and one artifact folder (`artifacts/`).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationProvider } from '../../migrations/project/index.js';
import { MlflowError } from '../errors.js';
import type { Database } from './schema.js';
import { registerSqlFunctions } from './sqlite-functions.js';
import { attachSqliteStatements, SqliteStatements } from './sqlite-statements.js';
import { BACKSTOP_PAGES, BackgroundCheckpoints } from './wal-checkpoints.js';

export const DEFAULT_PROJECT = 'default';
const DB_FILE = 'mlflow.db';
const SETTINGS_FILE = 'project.json';
/** A deleted project's folder is first renamed to this prefix, so it vanishes in one step. */
export const DELETED_PREFIX = '.deleted-';
/** How long a delete waits for requests already inside the project to finish. */
const DELETE_DRAIN_MS = 30_000;

export interface ProjectSettings {
  description?: string;
  default_artifact_root?: string;
}

export interface ProjectContext {
  name: string;
  db: Kysely<Database>;
  /** Absolute path of the project's artifact folder (may not exist yet). */
  artifactDir: string;
  /** False for the empty read-only stand-in used when reading a project that was never written. */
  persisted: boolean;
}

interface OpenProject {
  context: ProjectContext;
  leases: number;
  /** The SQLite file, as the background checkpoints know it. */
  file: string;
}

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

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  // Unordered: migrations written side by side (0002, 0003, 0004) may be released in any order,
  // so a database may have run a later-numbered one first; each touches its own tables.
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export class ProjectRegistry {
  private readonly open = new Map<string, Promise<OpenProject>>();
  /** Projects being deleted: every new request for them is refused until the files are gone. */
  private readonly deleting = new Set<string>();
  // Started with the first project opened; null where it cannot run (see wal-checkpoints.ts).
  private checkpoints?: BackgroundCheckpoints | null;
  private emptyProject?: Promise<Kysely<Database>>;

  /** Called once a project's files are gone (the server store forgets its roles there). */
  onDeleted?: (name: string) => Promise<void>;

  constructor(
    readonly dataDir: string,
    private readonly maxOpen = 64,
  ) {}

  projectDir(name: string): string {
    return path.join(this.dataDir, name);
  }

  exists(name: string): boolean {
    return fs.existsSync(path.join(this.projectDir(name), DB_FILE));
  }

  /** Names of every project that has been written, plus `default`, sorted. */
  list(): string[] {
    const names = new Set<string>([DEFAULT_PROJECT]);
    if (fs.existsSync(this.dataDir)) {
      for (const entry of fs.readdirSync(this.dataDir, { withFileTypes: true })) {
        if (entry.name.startsWith(DELETED_PREFIX) || this.deleting.has(entry.name)) continue;
        if (entry.isDirectory() && this.exists(entry.name)) names.add(entry.name);
      }
    }
    return [...names].sort();
  }

  /**
   * Leases a project for one request. With `create` false and no project on disk, answers with an
   * empty in-memory project so reads behave as MLflow's would on a fresh store, and nothing is
   * written. Callers must call `release` when done.
   */
  async acquire(
    name: string,
    create: boolean,
  ): Promise<{ context: ProjectContext; release: () => void }> {
    this.refuseIfDeleting(name);
    if (!create && !this.open.has(name) && !this.exists(name)) {
      const db = await this.empty();
      const context = {
        name,
        db,
        artifactDir: path.join(this.projectDir(name), 'artifacts'),
        persisted: false,
      };
      return { context, release: () => {} };
    }
    let pending = this.open.get(name);
    if (!pending) {
      pending = this.openProject(name);
      this.open.set(name, pending);
      pending.catch(() => this.open.delete(name));
    } else {
      // Move to the most-recently-used end.
      this.open.delete(name);
      this.open.set(name, pending);
    }
    const project = await pending;
    // Checked again after the wait, in the same step as the lease is taken: a delete that began
    // meanwhile sees either this lease or this refusal, never a request slipping past it.
    this.refuseIfDeleting(name);
    project.leases++;
    this.evictIdle();
    let released = false;
    return {
      context: project.context,
      release: () => {
        if (released) return;
        released = true;
        project.leases--;
      },
    };
  }

  /** Runs `fn` with a leased project and releases it afterwards. */
  async with<T>(
    name: string,
    create: boolean,
    fn: (ctx: ProjectContext) => Promise<T>,
  ): Promise<T> {
    const { context, release } = await this.acquire(name, create);
    try {
      return await fn(context);
    } finally {
      release();
    }
  }

  /** Creates the project on disk (idempotent). Returns false when it already existed. */
  async create(name: string): Promise<boolean> {
    const existed = this.exists(name);
    await this.with(name, true, async () => undefined);
    return !existed;
  }

  /** The project's settings kept beside its database (MLflow's workspace fields). */
  async readSettings(name: string): Promise<ProjectSettings> {
    try {
      const text = await fs.promises.readFile(
        path.join(this.projectDir(name), SETTINGS_FILE),
        'utf8',
      );
      return JSON.parse(text) as ProjectSettings;
    } catch {
      return {};
    }
  }

  async writeSettings(name: string, settings: ProjectSettings): Promise<void> {
    // Only beside an existing database: a settings file alone would bring back a deleted project's
    // folder (and stop its removal).
    this.refuseIfDeleting(name);
    if (!this.exists(name)) throw MlflowError.notFound(`Workspace '${name}' not found`);
    const file = path.join(this.projectDir(name), SETTINGS_FILE);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    // Write-then-rename so a crash never leaves a half-written settings file.
    await fs.promises.writeFile(`${file}.tmp`, JSON.stringify(settings));
    await fs.promises.rename(`${file}.tmp`, file);
  }

  /**
   * Removes the project, artifacts included. From the first moment every new request for it is
   * refused (404); requests already inside it finish first (for at most `drainMs`, else the delete
   * is refused with 409 and the project stays), so none is answered for a write that then goes.
   * The folder is renamed away in one step and removed after; a crash in between leaves a
   * `.deleted-*` folder that the next start sweeps.
   */
  async delete(name: string, drainMs = DELETE_DRAIN_MS): Promise<void> {
    if (this.deleting.has(name)) {
      throw new MlflowError('RESOURCE_CONFLICT', `Workspace '${name}' is already being deleted.`);
    }
    this.deleting.add(name);
    try {
      const pending = this.open.get(name);
      const project = pending && (await pending.catch(() => undefined));
      if (project) {
        await this.drain(project, drainMs);
        if (this.open.get(name) === pending) this.open.delete(name);
        await this.closeProject(project);
      }
      const trash = path.join(this.dataDir, `${DELETED_PREFIX}${name}-${randomUUID()}`);
      try {
        await fs.promises.rename(this.projectDir(name), trash);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      await fs.promises.rm(trash, { recursive: true, force: true });
      await this.onDeleted?.(name);
    } finally {
      this.deleting.delete(name);
    }
  }

  private async drain(project: OpenProject, drainMs: number): Promise<void> {
    const deadline = Date.now() + drainMs;
    while (project.leases > 0) {
      if (Date.now() > deadline) {
        throw new MlflowError(
          'RESOURCE_CONFLICT',
          `Workspace '${project.context.name}' still has requests in progress (e.g. uploads) ` +
            `after ${Math.round(drainMs / 1000)} s; nothing was deleted. Try again.`,
        );
      }
      await sleep(10);
    }
  }

  private refuseIfDeleting(name: string): void {
    if (this.deleting.has(name)) {
      throw MlflowError.notFound(`Workspace '${name}' is being deleted.`);
    }
  }

  /** Applies pending migrations to every project on disk; returns what was applied per project. */
  async upgradeAll(): Promise<Record<string, string[]>> {
    const applied: Record<string, string[]> = {};
    for (const name of this.list().filter((n) => this.exists(n))) {
      const db = new Kysely<Database>({
        dialect: new SqliteDialect({
          database: openSqlite(path.join(this.projectDir(name), DB_FILE)),
        }),
      });
      try {
        applied[name] = await migrateToLatest(db);
      } finally {
        await db.destroy();
      }
    }
    return applied;
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    for (const pending of all) {
      try {
        await this.closeProject(await pending);
      } catch {
        // A project that failed to open has nothing to close.
      }
    }
    if (this.emptyProject) await (await this.emptyProject).destroy();
    this.emptyProject = undefined;
    await this.checkpoints?.close();
    this.checkpoints = undefined;
  }

  private async closeProject(project: OpenProject): Promise<void> {
    await this.checkpoints?.unwatch(project.file);
    await project.context.db.destroy();
  }

  private backgroundCheckpoints(): BackgroundCheckpoints | undefined {
    if (this.checkpoints === undefined) this.checkpoints = BackgroundCheckpoints.start() ?? null;
    return this.checkpoints ?? undefined;
  }

  private async openProject(name: string): Promise<OpenProject> {
    const dir = this.projectDir(name);
    await fs.promises.mkdir(path.join(dir, 'artifacts'), { recursive: true });
    const file = path.join(dir, DB_FILE);
    const statements = new SqliteStatements(openSqlite(file));
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: statements.forKysely() }),
    });
    attachSqliteStatements(db, statements);
    await migrateToLatest(db);
    const checkpoints = this.backgroundCheckpoints();
    if (checkpoints) {
      checkpoints.watch(file);
      statements.sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    }
    return {
      context: { name, db, artifactDir: path.join(dir, 'artifacts'), persisted: true },
      leases: 0,
      file,
    };
  }

  private empty(): Promise<Kysely<Database>> {
    if (!this.emptyProject) {
      this.emptyProject = (async () => {
        const db = new Kysely<Database>({
          dialect: new SqliteDialect({ database: registerSqlFunctions(new SQLite(':memory:')) }),
        });
        await migrateToLatest(db);
        return db;
      })();
    }
    return this.emptyProject;
  }

  private evictIdle(): void {
    if (this.open.size <= this.maxOpen) return;
    for (const [name, pending] of this.open) {
      void pending.then((project) => {
        if (this.open.size <= this.maxOpen) return;
        if (project.leases > 0 || this.open.get(name) !== pending) return;
        this.open.delete(name);
        void this.closeProject(project);
      });
    }
  }
}
