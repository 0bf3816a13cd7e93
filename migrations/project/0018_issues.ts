// MLflow 3's issues: quality or operational problems found in an experiment's traces (name,
// description, status, severity, root causes, categories, the run that found them). Columns as
// MLflow's `issues` table; root causes and categories are JSON lists. Dialect-neutral, like 0001.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('issues')
    .addColumn('issue_id', 'varchar(50)', (c) => c.primaryKey())
    .addColumn('experiment_id', 'integer', (c) =>
      c.notNull().references('experiments.experiment_id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('severity', 'varchar(32)')
    .addColumn('root_causes', 'text')
    .addColumn('source_run_id', 'varchar(32)')
    .addColumn('categories', 'text')
    .addColumn('created_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)')
    .execute();
  await db.schema
    .createIndex('issues_experiment_idx')
    .on('issues')
    .columns(['experiment_id', 'created_timestamp'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('issues').execute();
}
