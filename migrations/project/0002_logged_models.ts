// MLflow 3 logged models: the models themselves, their params, tags and metrics (metrics logged
// to a run with a `model_id` are copied here, as MLflow's SQL store does), and the `step` of the
// run→model edges that `log-outputs` writes into `inputs`. Dialect-neutral, like 0001.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('logged_models')
    .addColumn('model_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('experiment_id', 'bigint', (c) =>
      c.notNull().references('experiments.experiment_id').onDelete('cascade'),
    )
    .addColumn('name', 'varchar(500)', (c) => c.notNull())
    .addColumn('artifact_location', 'varchar(1000)', (c) => c.notNull())
    .addColumn('creation_timestamp_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_timestamp_ms', 'bigint', (c) => c.notNull())
    // LoggedModelStatus as its proto number (1 pending, 2 ready, 3 upload failed), as in MLflow.
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('lifecycle_stage', 'varchar(32)', (c) =>
      c.notNull().check(sqlIn('lifecycle_stage', ['active', 'deleted'])),
    )
    .addColumn('model_type', 'varchar(500)')
    // No foreign key: MLflow keeps a model whose source run is gone (runs are only soft-deleted).
    .addColumn('source_run_id', 'varchar(32)')
    .addColumn('status_message', 'varchar(1000)')
    .execute();
  await db.schema
    .createIndex('logged_models_experiment_idx')
    .on('logged_models')
    .columns(['experiment_id', 'lifecycle_stage', 'creation_timestamp_ms'])
    .execute();
  await db.schema
    .createIndex('logged_models_source_run_idx')
    .on('logged_models')
    .column('source_run_id')
    .execute();

  for (const [table, prefix] of [
    ['logged_model_params', 'param'],
    ['logged_model_tags', 'tag'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn('model_id', 'varchar(36)', (c) =>
        c.notNull().references('logged_models.model_id').onDelete('cascade'),
      )
      .addColumn('experiment_id', 'bigint', (c) =>
        c.notNull().references('experiments.experiment_id').onDelete('cascade'),
      )
      .addColumn(`${prefix}_key`, 'varchar(255)', (c) => c.notNull())
      .addColumn(`${prefix}_value`, 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['model_id', `${prefix}_key`])
      .execute();
  }

  await db.schema
    .createTable('logged_model_metrics')
    .addColumn('model_id', 'varchar(36)', (c) =>
      c.notNull().references('logged_models.model_id').onDelete('cascade'),
    )
    .addColumn('metric_name', 'varchar(500)', (c) => c.notNull())
    .addColumn('metric_timestamp_ms', 'bigint', (c) => c.notNull())
    .addColumn('metric_step', 'bigint', (c) => c.notNull())
    .addColumn('metric_value', 'double precision')
    .addColumn('experiment_id', 'bigint', (c) =>
      c.notNull().references('experiments.experiment_id').onDelete('cascade'),
    )
    .addColumn('run_id', 'varchar(32)', (c) =>
      c.notNull().references('runs.run_uuid').onDelete('cascade'),
    )
    .addColumn('dataset_uuid', 'varchar(36)')
    .addColumn('dataset_name', 'varchar(500)')
    .addColumn('dataset_digest', 'varchar(36)')
    .addPrimaryKeyConstraint('logged_model_metrics_pk', [
      'model_id',
      'metric_name',
      'metric_timestamp_ms',
      'metric_step',
      'run_id',
    ])
    .execute();
  await db.schema
    .createIndex('logged_model_metrics_name_idx')
    .on('logged_model_metrics')
    .columns(['metric_name', 'model_id'])
    .execute();
  await db.schema
    .createIndex('logged_model_metrics_run_idx')
    .on('logged_model_metrics')
    .column('run_id')
    .execute();

  // MLflow 3 records at which step a run produced a model (ModelOutput.step).
  await db.schema
    .alterTable('inputs')
    .addColumn('step', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

/** `column in ('a', 'b')` for a check constraint; values are constants written here, not input. */
function sqlIn(column: string, values: string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('inputs').dropColumn('step').execute();
  for (const table of [
    'logged_model_metrics',
    'logged_model_tags',
    'logged_model_params',
    'logged_models',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
