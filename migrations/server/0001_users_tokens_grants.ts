// The server store's first tables: users (password hashes only), personal access tokens (the
// secret's hash only) and per-project roles. Deleting a user takes its tokens and roles with it.
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { isSqlite } from '../project/dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  // SQLite's AUTOINCREMENT never reuses a deleted id; PostgreSQL's serial never does either.
  const idType = isSqlite(db) ? 'integer' : 'serial';
  const id = (c: ColumnDefinitionBuilder) =>
    isSqlite(db) ? c.primaryKey().autoIncrement() : c.primaryKey();
  await db.schema
    .createTable('users')
    .addColumn('id', idType, id)
    .addColumn('username', 'text', (c) => c.notNull().unique())
    // Null for users who never sign in with a password (tokens only, or an identity proxy).
    .addColumn('password_hash', 'text')
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('tokens')
    .addColumn('id', idType, id)
    .addColumn('public_id', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    // Null: every project the user may reach.
    .addColumn('project', 'text')
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addColumn('expires_ms', 'bigint')
    .addColumn('revoked_ms', 'bigint')
    .execute();
  await db.schema.createIndex('tokens_user').on('tokens').column('user_id').execute();
  await db.schema
    .createTable('grants')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('grants_pk', ['user_id', 'project'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('grants').execute();
  await db.schema.dropTable('tokens').execute();
  await db.schema.dropTable('users').execute();
}
