// The server store holds what belongs to no single project: users, their tokens and their roles
// per project. By default one SQLite file (`server.db`) in the data root, beside the project
// folders; with a PostgreSQL backend store, the `trackd` schema of that database, shared by every
// server on it.
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, SqliteDialect, type Compilable, type Selectable } from 'kysely';
import { MlflowError } from '../../errors.js';
import { isUniqueViolation } from '../constraint-errors.js';
import { isPostgresUri } from '../postgres/connection.js';
import { openPostgresServerDatabase } from '../postgres/server-database.js';
import { openSqlite } from '../projects.js';
import { SqliteStatements } from '../sqlite-statements.js';
import { migrateServerStore } from './migrate.js';
import type { ServerDatabase, TokensTable, UsersTable } from './schema.js';

export const SERVER_DB_FILE = 'server.db';

export type UserRow = Selectable<UsersTable>;
export type TokenRow = Selectable<TokensTable>;
/** A token with the user it acts for. */
export type TokenWithUser = TokenRow & { username: string; is_admin: number };

export interface NewUser {
  username: string;
  passwordHash: string | null;
  isAdmin: boolean;
}

export interface NewTokenRow {
  userId: number;
  publicId: string;
  secretHash: string;
  name: string;
  scope: string;
  project: string | null;
  expiresMs: number | null;
}

export interface ServerStoreOptions {
  dataDir: string;
  /** postgresql://… puts the store in that database; anything else keeps server.db. */
  backendStoreUri?: string;
}

/** The lookups every signed-in request makes. */
interface HotLookups {
  token(publicId: string): Promise<TokenWithUser | undefined>;
  user(username: string): Promise<UserRow | undefined>;
  role(userId: number, project: string): Promise<{ role: string } | undefined>;
}

export function userNotFound(username: string): MlflowError {
  return MlflowError.notFound(`User with username=${username} not found`);
}

export class ServerStore {
  /** Counts this process's changes to users, tokens and roles: caches built before are stale. */
  version = 0;

  private readonly hot: HotLookups;

  /**
   * True when other servers (replicas on the same PostgreSQL database) change this store too:
   * what is read from it may then not be kept in memory, as their changes would not show.
   */
  readonly shared: boolean;

  /**
   * `statements`: the SQLite connection's, on which the hot lookups run as cached prepared
   * statements (through Kysely each cost a fifth of a log-metric request, BENCHMARKS.md; the SQL
   * is still Kysely's). Without it (PostgreSQL) they run through Kysely.
   */
  private constructor(
    readonly db: Kysely<ServerDatabase>,
    statements?: SqliteStatements,
  ) {
    this.shared = statements === undefined;
    const queries = {
      token: (publicId: string) => this.tokenQuery().where('tokens.public_id', '=', publicId),
      user: (username: string) =>
        db.selectFrom('users').selectAll().where('username', '=', username),
      role: (userId: number, project: string) =>
        db
          .selectFrom('grants')
          .select('role')
          .where('user_id', '=', userId)
          .where('project', '=', project),
    };
    if (statements) {
      const prepare = (query: Compilable) => statements.prepare(query.compile().sql);
      const token = prepare(queries.token(''));
      const user = prepare(queries.user(''));
      const role = prepare(queries.role(0, ''));
      this.hot = {
        token: async (publicId) => token.get(publicId) as TokenWithUser | undefined,
        user: async (username) => user.get(username) as UserRow | undefined,
        role: async (userId, project) => role.get(userId, project) as { role: string } | undefined,
      };
    } else {
      this.hot = {
        token: (publicId) => queries.token(publicId).executeTakeFirst(),
        user: (username) => queries.user(username).executeTakeFirst(),
        role: (userId, project) => queries.role(userId, project).executeTakeFirst(),
      };
    }
  }

  private tokenQuery() {
    return this.db
      .selectFrom('tokens')
      .innerJoin('users', 'users.id', 'tokens.user_id')
      .selectAll('tokens')
      .select(['users.username', 'users.is_admin']);
  }

  static async open({ dataDir, backendStoreUri }: ServerStoreOptions): Promise<ServerStore> {
    if (isPostgresUri(backendStoreUri)) {
      return new ServerStore(await openPostgresServerDatabase(backendStoreUri));
    }
    await fs.promises.mkdir(dataDir, { recursive: true });
    const statements = new SqliteStatements(openSqlite(path.join(dataDir, SERVER_DB_FILE)));
    const db = new Kysely<ServerDatabase>({
      dialect: new SqliteDialect({ database: statements.forKysely() }),
    });
    try {
      await migrateServerStore(db);
    } catch (err) {
      await db.destroy();
      throw err;
    }
    return new ServerStore(db, statements);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  // Users

  async createUser(user: NewUser): Promise<UserRow> {
    this.version++;
    try {
      return await this.db
        .insertInto('users')
        .values({
          username: user.username,
          password_hash: user.passwordHash,
          is_admin: user.isAdmin ? 1 : 0,
          created_ms: Date.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new MlflowError(
          'RESOURCE_ALREADY_EXISTS',
          `User (username=${user.username}) already exists.`,
        );
      }
      throw err;
    }
  }

  async findUser(username: string): Promise<UserRow | undefined> {
    return this.hot.user(username);
  }

  async getUser(username: string): Promise<UserRow> {
    const user = await this.findUser(username);
    if (!user) throw userNotFound(username);
    return user;
  }

  listUsers(): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().orderBy('username').execute();
  }

  async setPasswordHash(username: string, passwordHash: string): Promise<void> {
    this.version++;
    const { numUpdatedRows } = await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash })
      .where('username', '=', username)
      .executeTakeFirst();
    if (numUpdatedRows === 0n) throw userNotFound(username);
  }

  async setAdmin(username: string, isAdmin: boolean): Promise<void> {
    this.version++;
    const { numUpdatedRows } = await this.db
      .updateTable('users')
      .set({ is_admin: isAdmin ? 1 : 0 })
      .where('username', '=', username)
      .executeTakeFirst();
    if (numUpdatedRows === 0n) throw userNotFound(username);
  }

  async deleteUser(username: string): Promise<void> {
    this.version++;
    const { numDeletedRows } = await this.db
      .deleteFrom('users')
      .where('username', '=', username)
      .executeTakeFirst();
    if (numDeletedRows === 0n) throw userNotFound(username);
  }

  async countAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('is_admin', '=', 1)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // Tokens

  createToken(token: NewTokenRow): Promise<TokenRow> {
    this.version++;
    return this.db
      .insertInto('tokens')
      .values({
        public_id: token.publicId,
        user_id: token.userId,
        name: token.name,
        secret_hash: token.secretHash,
        scope: token.scope,
        project: token.project,
        created_ms: Date.now(),
        expires_ms: token.expiresMs,
        revoked_ms: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async findToken(publicId: string): Promise<TokenWithUser | undefined> {
    return this.hot.token(publicId);
  }

  /** Every token, or one user's; newest first. */
  listTokens(userId?: number): Promise<TokenWithUser[]> {
    let query = this.tokenQuery();
    if (userId !== undefined) query = query.where('tokens.user_id', '=', userId);
    return query.orderBy('tokens.id', 'desc').execute();
  }

  /** Marks the token revoked (kept, so lists show it); false when there is no such token. */
  async revokeToken(publicId: string): Promise<boolean> {
    this.version++;
    const { numUpdatedRows } = await this.db
      .updateTable('tokens')
      .set({ revoked_ms: Date.now() })
      .where('public_id', '=', publicId)
      .where('revoked_ms', 'is', null)
      .executeTakeFirst();
    return numUpdatedRows > 0n;
  }

  // Roles per project

  async setRole(userId: number, project: string, role: string): Promise<void> {
    this.version++;
    await this.db
      .insertInto('grants')
      .values({ user_id: userId, project, role })
      .onConflict((oc) => oc.columns(['user_id', 'project']).doUpdateSet({ role }))
      .execute();
  }

  async removeRole(userId: number, project: string): Promise<boolean> {
    this.version++;
    const { numDeletedRows } = await this.db
      .deleteFrom('grants')
      .where('user_id', '=', userId)
      .where('project', '=', project)
      .executeTakeFirst();
    return numDeletedRows > 0n;
  }

  async roleIn(userId: number, project: string): Promise<string | undefined> {
    return (await this.hot.role(userId, project))?.role;
  }

  rolesOf(userId: number): Promise<{ project: string; role: string }[]> {
    return this.db
      .selectFrom('grants')
      .select(['project', 'role'])
      .where('user_id', '=', userId)
      .orderBy('project')
      .execute();
  }

  /** Who holds a role in `project`, by user name. */
  roleHolders(project: string): Promise<{ username: string; role: string }[]> {
    return this.db
      .selectFrom('grants')
      .innerJoin('users', 'users.id', 'grants.user_id')
      .select(['users.username', 'grants.role'])
      .where('grants.project', '=', project)
      .orderBy('users.username')
      .execute();
  }

  /** A deleted project's roles go with it, so a new project of the same name starts bare. */
  async forgetProject(project: string): Promise<void> {
    this.version++;
    await this.db.deleteFrom('grants').where('project', '=', project).execute();
  }
}
