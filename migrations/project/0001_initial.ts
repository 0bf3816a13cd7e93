// Initial tracking schema: experiments, runs and their params/tags/metrics, datasets and inputs.
// Dialect-neutral (SQLite today, PostgreSQL later): no engine-specific types or defaults.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('experiments')
    .addColumn('experiment_id', 'bigint', (c) => c.primaryKey())
    .addColumn('name', 'varchar(500)', (c) => c.notNull().unique())
    .addColumn('artifact_location', 'text', (c) => c.notNull())
    .addColumn('lifecycle_stage', 'varchar(32)', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('experiment_tags')
    .addColumn('experiment_id', 'bigint', (c) =>
      c.notNull().references('experiments.experiment_id').onDelete('cascade'),
    )
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('experiment_tags_pk', ['experiment_id', 'key'])
    .execute();

  await db.schema
    .createTable('runs')
    .addColumn('run_uuid', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('experiment_id', 'bigint', (c) =>
      c.notNull().references('experiments.experiment_id').onDelete('cascade'),
    )
    .addColumn('name', 'varchar(250)', (c) => c.notNull())
    .addColumn('source_type', 'varchar(20)', (c) => c.notNull())
    .addColumn('source_name', 'varchar(500)', (c) => c.notNull())
    .addColumn('entry_point_name', 'varchar(50)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint')
    .addColumn('deleted_time', 'bigint')
    .addColumn('source_version', 'varchar(50)', (c) => c.notNull())
    .addColumn('lifecycle_stage', 'varchar(20)', (c) => c.notNull())
    .addColumn('artifact_uri', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('runs_experiment_idx')
    .on('runs')
    .columns(['experiment_id', 'lifecycle_stage', 'start_time'])
    .execute();

  for (const table of ['tags', 'params'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('run_uuid', 'varchar(32)', (c) =>
        c.notNull().references('runs.run_uuid').onDelete('cascade'),
      )
      .addColumn('key', 'varchar(250)', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['run_uuid', 'key'])
      .execute();
    await db.schema
      .createIndex(`${table}_key_value_idx`)
      .on(table)
      .columns(['key', 'value'])
      .execute();
  }

  await db.schema
    .createTable('metrics')
    .addColumn('run_uuid', 'varchar(32)', (c) =>
      c.notNull().references('runs.run_uuid').onDelete('cascade'),
    )
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addColumn('is_nan', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('metrics_pk', [
      'run_uuid',
      'key',
      'step',
      'timestamp',
      'value',
      'is_nan',
    ])
    .execute();

  await db.schema
    .createTable('latest_metrics')
    .addColumn('run_uuid', 'varchar(32)', (c) =>
      c.notNull().references('runs.run_uuid').onDelete('cascade'),
    )
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addColumn('is_nan', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('latest_metrics_pk', ['run_uuid', 'key'])
    .execute();
  await db.schema
    .createIndex('latest_metrics_key_value_idx')
    .on('latest_metrics')
    .columns(['key', 'value'])
    .execute();

  await db.schema
    .createTable('datasets')
    .addColumn('dataset_uuid', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('experiment_id', 'bigint', (c) =>
      c.notNull().references('experiments.experiment_id').onDelete('cascade'),
    )
    .addColumn('name', 'varchar(500)', (c) => c.notNull())
    .addColumn('digest', 'varchar(36)', (c) => c.notNull())
    .addColumn('dataset_source_type', 'varchar(36)', (c) => c.notNull())
    .addColumn('dataset_source', 'text', (c) => c.notNull())
    .addColumn('dataset_schema', 'text')
    .addColumn('dataset_profile', 'text')
    .addPrimaryKeyConstraint('datasets_pk', ['experiment_id', 'name', 'digest'])
    .execute();

  await db.schema
    .createTable('inputs')
    .addColumn('input_uuid', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('source_type', 'varchar(36)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('destination_type', 'varchar(36)', (c) => c.notNull())
    .addColumn('destination_id', 'varchar(36)', (c) => c.notNull())
    .addPrimaryKeyConstraint('inputs_pk', [
      'source_type',
      'source_id',
      'destination_type',
      'destination_id',
    ])
    .execute();
  await db.schema
    .createIndex('inputs_destination_idx')
    .on('inputs')
    .columns(['destination_type', 'destination_id'])
    .execute();

  await db.schema
    .createTable('input_tags')
    .addColumn('input_uuid', 'varchar(36)', (c) =>
      c.notNull().references('inputs.input_uuid').onDelete('cascade'),
    )
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('value', 'varchar(500)', (c) => c.notNull())
    .addPrimaryKeyConstraint('input_tags_pk', ['input_uuid', 'name'])
    .execute();

  // Every project starts with MLflow's default experiment, id 0.
  const now = Date.now();
  await sql`insert into experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            values (0, 'Default', 'mlflow-artifacts:/0', 'active', ${now}, ${now})`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'input_tags',
    'inputs',
    'datasets',
    'latest_metrics',
    'metrics',
    'params',
    'tags',
    'runs',
    'experiment_tags',
    'experiments',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
