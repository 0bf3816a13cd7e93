// MLflow 3 evaluation datasets (`mlflow.genai.datasets`): datasets, their tags, their records
// (one per distinct inputs, found by `input_hash`), and which experiments a dataset belongs to.
// MLflow keeps that last link in its generic `entity_associations` table; ours has a table of its
// own so it depends on nothing another migration adds. JSON columns hold the text as Python's
// json.dumps writes it. Dialect-neutral, like 0001.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('evaluation_datasets')
    .addColumn('dataset_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('schema', 'text')
    .addColumn('profile', 'text')
    .addColumn('digest', 'varchar(64)')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)')
    .addColumn('last_updated_by', 'varchar(255)')
    .execute();
  await db.schema
    .createIndex('evaluation_datasets_name_idx')
    .on('evaluation_datasets')
    .column('name')
    .execute();
  await db.schema
    .createIndex('evaluation_datasets_created_time_idx')
    .on('evaluation_datasets')
    .column('created_time')
    .execute();

  await db.schema
    .createTable('evaluation_dataset_tags')
    .addColumn('dataset_id', 'varchar(36)', (c) =>
      c.notNull().references('evaluation_datasets.dataset_id').onDelete('cascade'),
    )
    .addColumn('key', 'varchar(255)', (c) => c.notNull())
    .addColumn('value', 'varchar(5000)')
    .addPrimaryKeyConstraint('evaluation_dataset_tags_pk', ['dataset_id', 'key'])
    .execute();

  await db.schema
    .createTable('evaluation_dataset_records')
    .addColumn('dataset_record_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('dataset_id', 'varchar(36)', (c) =>
      c.notNull().references('evaluation_datasets.dataset_id').onDelete('cascade'),
    )
    .addColumn('inputs', 'text', (c) => c.notNull())
    // `{"mlflow_wrapped": <outputs>}`, as MLflow wraps outputs that need not be an object.
    .addColumn('outputs', 'text')
    .addColumn('expectations', 'text')
    .addColumn('tags', 'text')
    .addColumn('source', 'text')
    .addColumn('source_id', 'varchar(36)')
    .addColumn('source_type', 'varchar(255)')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)')
    .addColumn('last_updated_by', 'varchar(255)')
    // sha256 of json.dumps(inputs, sort_keys=True): the upsert key.
    .addColumn('input_hash', 'varchar(64)', (c) => c.notNull())
    .addUniqueConstraint('evaluation_dataset_records_input_uq', ['dataset_id', 'input_hash'])
    .execute();
  // Record pages are read in (created_time, dataset_record_id) order.
  await db.schema
    .createIndex('evaluation_dataset_records_page_idx')
    .on('evaluation_dataset_records')
    .columns(['dataset_id', 'created_time', 'dataset_record_id'])
    .execute();

  await db.schema
    .createTable('evaluation_dataset_experiments')
    .addColumn('dataset_id', 'varchar(36)', (c) =>
      c.notNull().references('evaluation_datasets.dataset_id').onDelete('cascade'),
    )
    .addColumn('experiment_id', 'bigint', (c) =>
      c.notNull().references('experiments.experiment_id').onDelete('cascade'),
    )
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('evaluation_dataset_experiments_pk', ['dataset_id', 'experiment_id'])
    .execute();
  await db.schema
    .createIndex('evaluation_dataset_experiments_experiment_idx')
    .on('evaluation_dataset_experiments')
    .columns(['experiment_id', 'dataset_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'evaluation_dataset_experiments',
    'evaluation_dataset_records',
    'evaluation_dataset_tags',
    'evaluation_datasets',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
