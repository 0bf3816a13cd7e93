// The model registry: registered models, their versions, tags and aliases, in MLflow's tables.
// A project's database is its workspace, so MLflow's `workspace` column has no place here.
// Children follow a renamed model through ON UPDATE CASCADE and go with a deleted one (ON DELETE
// CASCADE). Dialect-neutral, like 0001.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('registered_models')
    .addColumn('name', 'varchar(256)', (c) => c.primaryKey())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint')
    .addColumn('description', 'varchar(5000)')
    .execute();

  await db.schema
    .createTable('registered_model_tags')
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registered_model_tags_pk', ['name', 'key'])
    .addForeignKeyConstraint(
      'registered_model_tags_model_fk',
      ['name'],
      'registered_models',
      ['name'],
      (fk) => fk.onDelete('cascade').onUpdate('cascade'),
    )
    .execute();

  await db.schema
    .createTable('model_versions')
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint')
    .addColumn('description', 'varchar(5000)')
    .addColumn('user_id', 'varchar(256)')
    // None, Staging, Production, Archived, or Deleted_Internal for a deleted version (MLflow keeps
    // the row so a version number is never handed out twice).
    .addColumn('current_stage', 'varchar(20)', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('storage_location', 'text')
    .addColumn('run_id', 'varchar(32)')
    .addColumn('run_link', 'text')
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('status_message', 'varchar(500)')
    // The logged model (MLflow 3) the version was registered from, if any. No foreign key: like a
    // run, a logged model may go while the registry keeps the version.
    .addColumn('model_id', 'varchar(36)')
    .addPrimaryKeyConstraint('model_versions_pk', ['name', 'version'])
    .addForeignKeyConstraint(
      'model_versions_model_fk',
      ['name'],
      'registered_models',
      ['name'],
      (fk) => fk.onDelete('cascade').onUpdate('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('model_versions_run_idx')
    .on('model_versions')
    .column('run_id')
    .execute();
  await db.schema
    .createIndex('model_versions_updated_idx')
    .on('model_versions')
    .columns(['last_updated_time', 'name', 'version'])
    .execute();

  await db.schema
    .createTable('model_version_tags')
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_version_tags_pk', ['name', 'version', 'key'])
    .addForeignKeyConstraint(
      'model_version_tags_version_fk',
      ['name', 'version'],
      'model_versions',
      ['name', 'version'],
      (fk) => fk.onDelete('cascade').onUpdate('cascade'),
    )
    .execute();

  await db.schema
    .createTable('registered_model_aliases')
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('alias', 'varchar(256)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('registered_model_aliases_pk', ['name', 'alias'])
    .addForeignKeyConstraint(
      'registered_model_aliases_model_fk',
      ['name'],
      'registered_models',
      ['name'],
      (fk) => fk.onDelete('cascade').onUpdate('cascade'),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'registered_model_aliases',
    'model_version_tags',
    'model_versions',
    'registered_model_tags',
    'registered_models',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
