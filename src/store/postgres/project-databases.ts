// Projects on PostgreSQL: one schema per project, the natural map of "one SQLite file per
// project". Each open project gets its own small connection pool whose connections have the
// project's schema as their only search path, so every query — Kysely's or raw SQL — reaches that
// project's tables and no other's. The `trackd` schema lists the projects (name → schema) and
// holds their settings. Several servers may share the database: creating a project and
// migrating it run under a transaction-scoped advisory lock.
import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import type { Database } from '../schema.js';
import { ensureTrackdSchema, schemaPool, TRACKD_SCHEMA, withSessionLock } from './connection.js';
import {
  migrateToLatest,
  type OpenDatabase,
  type ProjectDatabases,
  type ProjectSettings,
} from '../project-databases.js';

const REGISTRY_SCHEMA = TRACKD_SCHEMA;

/** The registry's one table, in the `trackd` schema. */
interface RegistryDatabase {
  projects: { name: string; schema_name: string; settings: string | null; created_at: number };
}

/** A schema name for a project ([a-z0-9-], 2–63 characters): `p_` + the name, `-` as `_`. */
export function schemaFor(project: string): string {
  const base = project.replaceAll('-', '_');
  if (base.length <= 61) return `p_${base}`;
  // Too long for PostgreSQL's 63-byte identifiers: a prefix and a hash keep it unique.
  const hash = createHash('sha256').update(project).digest('hex').slice(0, 16);
  return `p_${base.slice(0, 44)}_${hash}`;
}

export interface PostgresOptions {
  /** postgresql://user:pass@host:port/database */
  url: string;
  /** Connections per open project. */
  poolSize: number;
}

export class PostgresProjectDatabases implements ProjectDatabases {
  readonly kind = 'postgres';
  private readonly admin: Kysely<RegistryDatabase>;
  private ready?: Promise<void>;
  /** Every project connection pool open now, for the server's metrics. */
  private readonly pools = new Set<pg.Pool>();

  constructor(private readonly options: PostgresOptions) {
    this.admin = new Kysely<RegistryDatabase>({
      dialect: new PostgresDialect({ pool: schemaPool(options.url, TRACKD_SCHEMA, 2) }),
    });
  }

  private registry(): Promise<void> {
    this.ready ??= (async () => {
      await ensureTrackdSchema(this.admin);
      await this.admin.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext('trackd:registry'))`.execute(trx);
        await sql`create table if not exists ${sql.id(REGISTRY_SCHEMA, 'projects')} (
          name text primary key,
          schema_name text not null unique,
          settings text,
          created_at bigint not null
        )`.execute(trx);
      });
    })();
    this.ready.catch(() => (this.ready = undefined));
    return this.ready;
  }

  private projectsTable() {
    return this.admin.withSchema(REGISTRY_SCHEMA).selectFrom('projects');
  }

  async exists(name: string): Promise<boolean> {
    await this.registry();
    const row = await this.projectsTable()
      .select('name')
      .where('name', '=', name)
      .executeTakeFirst();
    return row !== undefined;
  }

  async names(): Promise<string[]> {
    await this.registry();
    const rows = await this.projectsTable().select('name').execute();
    return rows.map((r) => r.name);
  }

  /** Creates the project's schema and entry (idempotent, safe between servers). */
  private async ensure(name: string): Promise<string> {
    await this.registry();
    const schema = schemaFor(name);
    await this.admin.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`trackd:project:${name}`}))`.execute(trx);
      await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
      await trx
        .withSchema(REGISTRY_SCHEMA)
        .insertInto('projects')
        .values({ name, schema_name: schema, settings: null, created_at: Date.now() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
    });
    return schema;
  }

  private connect(schema: string, max: number): Kysely<Database> {
    const pool = schemaPool(this.options.url, schema, max);
    this.pools.add(pool);
    // Kysely ends the pool when the database is destroyed; it leaves the count then.
    const end = pool.end.bind(pool);
    pool.end = (() => {
      this.pools.delete(pool);
      return end();
    }) as typeof pool.end;
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }

  /** Connections of every open project's pool: open, idle, and requests waiting for one. */
  poolStats(): { open: number; idle: number; waiting: number } {
    let open = 0;
    let idle = 0;
    let waiting = 0;
    for (const pool of this.pools) {
      open += pool.totalCount;
      idle += pool.idleCount;
      waiting += pool.waitingCount;
    }
    return { open, idle, waiting };
  }

  async open(name: string): Promise<OpenDatabase> {
    const schema = await this.ensure(name);
    const db = this.connect(schema, this.options.poolSize);
    try {
      await this.migrate(db, name);
    } catch (err) {
      await db.destroy();
      throw err;
    }
    return { db, close: () => db.destroy() };
  }

  /** Kysely's migrator locks its own table; the advisory lock also covers its first creation. */
  private migrate(db: Kysely<Database>, name: string): Promise<string[]> {
    return withSessionLock(this.options.url, `trackd:migrate:${name}`, () =>
      migrateToLatest(db, schemaFor(name)),
    );
  }

  async remove(name: string): Promise<boolean> {
    await this.registry();
    const row = await this.projectsTable()
      .select('schema_name')
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) return false;
    await this.admin.transaction().execute(async (trx) => {
      await sql`drop schema if exists ${sql.id(row.schema_name)} cascade`.execute(trx);
      await trx
        .withSchema(REGISTRY_SCHEMA)
        .deleteFrom('projects')
        .where('name', '=', name)
        .execute();
    });
    return true;
  }

  async readSettings(name: string): Promise<ProjectSettings> {
    await this.registry();
    const row = await this.projectsTable()
      .select('settings')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.settings ? (JSON.parse(row.settings) as ProjectSettings) : {};
  }

  async writeSettings(name: string, settings: ProjectSettings): Promise<void> {
    await this.registry();
    await this.admin
      .withSchema(REGISTRY_SCHEMA)
      .updateTable('projects')
      .set({ settings: JSON.stringify(settings) })
      .where('name', '=', name)
      .execute();
  }

  async upgradeAll(): Promise<Record<string, string[]>> {
    const applied: Record<string, string[]> = {};
    for (const name of await this.names()) {
      const db = this.connect(schemaFor(name), 1);
      try {
        applied[name] = await this.migrate(db, name);
      } finally {
        await db.destroy();
      }
    }
    return applied;
  }

  async close(): Promise<void> {
    await this.admin.destroy();
  }
}
