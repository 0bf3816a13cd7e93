// Opens, caches and closes per-project databases. A project is a folder under the data root holding
// its artifacts (`artifacts/`) and, on the embedded default, its SQLite file (`mlflow.db`); on
// PostgreSQL its tables live in a schema of its own (see project-databases.ts).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import {
  artifactBackendOf,
  S3Artifacts,
  type ArtifactBackend,
  type ArtifactOptions,
} from '../artifacts/artifact-backend.js';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { MlflowError } from '../errors.js';
import { PostgresProjectDatabases } from './postgres/project-databases.js';
import { isPostgresUri } from './postgres/connection.js';
import {
  migrateToLatest,
  SqliteProjectDatabases,
  type OpenDatabase,
  type ProjectDatabases,
  type ProjectSettings,
} from './project-databases.js';
import type { Database } from './schema.js';
import { registerSqlFunctions } from './sqlite-functions.js';

export { migrateToLatest, openSqlite, type ProjectSettings } from './project-databases.js';

export const DEFAULT_PROJECT = 'default';
/** A deleted project's folder is first renamed to this prefix, so it vanishes in one step. */
export const DELETED_PREFIX = '.deleted-';
/** How long a delete waits for requests already inside the project to finish. */
const DELETE_DRAIN_MS = 30_000;

export interface ProjectContext {
  name: string;
  db: Kysely<Database>;
  /** The project's artifacts: its folder in the data dir, or its prefix in an S3 bucket. */
  artifacts: ArtifactStore;
  /** False for the empty read-only stand-in used when reading a project that was never written. */
  persisted: boolean;
}

interface OpenProject {
  context: ProjectContext;
  leases: number;
  database: OpenDatabase;
}

/** Where project databases live: `postgresql://…` for PostgreSQL, else SQLite files. */
export interface DatabaseOptions {
  backendStoreUri?: string;
  /** Connections per open project on PostgreSQL. */
  dbPoolSize?: number;
}

export class ProjectRegistry {
  private readonly open = new Map<string, Promise<OpenProject>>();
  /** Projects being deleted: every new request for them is refused until the files are gone. */
  private readonly deleting = new Set<string>();
  private emptyProject?: Promise<Kysely<Database>>;
  readonly databases: ProjectDatabases;
  readonly artifacts: ArtifactBackend;

  /** Called once a project's files are gone (the server store forgets its roles there). */
  onDeleted?: (name: string) => Promise<void>;

  constructor(
    readonly dataDir: string,
    private readonly maxOpen = 64,
    options: DatabaseOptions & ArtifactOptions = {},
  ) {
    this.artifacts = artifactBackendOf(options);
    const uri = options.backendStoreUri;
    this.databases = isPostgresUri(uri)
      ? new PostgresProjectDatabases({ url: uri, poolSize: options.dbPoolSize ?? 5 })
      : new SqliteProjectDatabases(
          dataDir,
          (entry) => entry.startsWith(DELETED_PREFIX) || this.deleting.has(entry),
        );
  }

  /** How many projects have their database open now (for metrics). */
  get openCount(): number {
    return this.open.size;
  }

  projectDir(name: string): string {
    return path.join(this.dataDir, name);
  }

  exists(name: string): Promise<boolean> {
    return this.databases.exists(name);
  }

  /** Names of every project that has been written, plus `default`, sorted. */
  async list(): Promise<string[]> {
    const names = new Set<string>([DEFAULT_PROJECT]);
    for (const name of await this.databases.names()) {
      if (!this.deleting.has(name)) names.add(name);
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
    await this.forgetIfDeletedElsewhere(name);
    if (!create && !this.open.has(name) && !(await this.exists(name))) {
      const db = await this.empty();
      const context = {
        name,
        db,
        artifacts: this.artifacts.storeFor(name, this.projectDir(name)),
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
    const existed = await this.exists(name);
    await this.with(name, true, async () => undefined);
    return !existed;
  }

  /** The project's settings (MLflow's workspace fields). */
  async readSettings(name: string): Promise<ProjectSettings> {
    return this.databases.readSettings(name);
  }

  async writeSettings(name: string, settings: ProjectSettings): Promise<void> {
    // Only for an existing project: settings alone would bring back a deleted project (and, on
    // SQLite, stop its folder's removal).
    this.refuseIfDeleting(name);
    if (!(await this.exists(name))) throw MlflowError.notFound(`Workspace '${name}' not found`);
    await this.databases.writeSettings(name, settings);
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
      // Remote artifacts first: if that fails the project stays whole and the delete can be retried.
      const hadArtifacts = await this.artifacts.removeProject(name);
      const hadDatabase = await this.databases.remove(name);
      const trash = path.join(this.dataDir, `${DELETED_PREFIX}${name}-${randomUUID()}`);
      let hadFolder = true;
      try {
        await fs.promises.rename(this.projectDir(name), trash);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        hadFolder = false;
      }
      if (hadFolder) await fs.promises.rm(trash, { recursive: true, force: true });
      if (hadDatabase || hadFolder || hadArtifacts) await this.onDeleted?.(name);
    } finally {
      this.deleting.delete(name);
    }
  }

  /**
   * On a database shared with other servers (PostgreSQL replicas), a project open here may have
   * been deleted through another server: each request checks it still exists (one primary-key
   * read) and, if not, lets go of it here, so the request answers as for a project never made —
   * or, for a write, makes it anew.
   */
  private async forgetIfDeletedElsewhere(name: string): Promise<void> {
    const pending = this.open.get(name);
    if (!pending || this.databases.kind !== 'postgres' || (await this.exists(name))) return;
    if (this.open.get(name) !== pending) return;
    this.open.delete(name);
    void pending.then(
      async (project) => {
        // Requests already inside it finish (with whatever the missing schema answers them).
        while (project.leases > 0) await sleep(10);
        await this.closeProject(project);
      },
      () => undefined,
    );
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

  /** Applies pending migrations to every project; returns what was applied per project. */
  upgradeAll(): Promise<Record<string, string[]>> {
    return this.databases.upgradeAll();
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
    await this.databases.close();
  }

  private async closeProject(project: OpenProject): Promise<void> {
    await project.database.close();
  }

  private async openProject(name: string): Promise<OpenProject> {
    const dir = this.projectDir(name);
    // A local artifact folder only where artifacts are kept locally (S3 needs none; SQLite makes
    // the project's folder for its file).
    if (!(this.artifacts instanceof S3Artifacts)) {
      await fs.promises.mkdir(path.join(dir, 'artifacts'), { recursive: true });
    }
    const database = await this.databases.open(name);
    return {
      context: {
        name,
        db: database.db,
        artifacts: this.artifacts.storeFor(name, dir),
        persisted: true,
      },
      leases: 0,
      database,
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
