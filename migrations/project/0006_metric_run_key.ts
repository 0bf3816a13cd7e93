// Metric history rows name their run by a small integer instead of the 32-character run id. Runs
// get `run_key`, numbered here in creation order and then max + 1 by the run store; `metrics`
// (0005's table: WITHOUT ROWID on SQLite, keyed in MLflow's history order) is rebuilt with
// `run_key` in place of `run_uuid`. Integer keys compare faster and a row is a third smaller: the
// raw insert rate of log-batch rows rose by about a third and log-batch ingest by ~17%
// (BENCHMARKS.md). The key is internal: the API still speaks run ids only.
import { sql, type Kysely } from 'kysely';
import { inTransaction, isSqlite } from './dialect.js';

const VALUE_COLUMNS = sql.raw('key, value, timestamp, step, is_nan');
const COPIED_VALUES = sql.raw('m.key, m.value, m.timestamp, m.step, m.is_nan');
// 0005's order after the run: a metric's points by timestamp, then step.
const POINT_ORDER = ['key', 'timestamp', 'step', 'value', 'is_nan'] as const;

/** Creates `metrics_rebuilt` with the run named by `runColumn`; the rest as 0005. */
async function createHistoryTable(
  db: Kysely<unknown>,
  trx: Kysely<unknown>,
  runColumn: 'run_key' | 'run_uuid',
): Promise<void> {
  // PostgreSQL names a primary key's index after the constraint, in the schema's one namespace
  // of relations: the old table gives the name up before the new one takes it.
  if (!isSqlite(db)) await sql`alter table metrics drop constraint metrics_pk`.execute(trx);
  await trx.schema
    .createTable('metrics_rebuilt')
    .addColumn(runColumn, runColumn === 'run_key' ? 'bigint' : 'varchar(32)', (c) =>
      c.notNull().references(`runs.${runColumn}`).onDelete('cascade'),
    )
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addColumn('is_nan', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('metrics_pk', [runColumn, ...POINT_ORDER])
    .$call((table) => (isSqlite(db) ? table.modifyEnd(sql`without rowid`) : table))
    .execute();
}

async function swapIn(trx: Kysely<unknown>): Promise<void> {
  await trx.schema.dropTable('metrics').execute();
  await trx.schema.alterTable('metrics_rebuilt').renameTo('metrics').execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // DDL is not wrapped by Kysely's migrator on SQLite: one transaction, so an interrupted upgrade
  // leaves the old tables as they were.
  await inTransaction(db, async (trx) => {
    await trx.schema.alterTable('runs').addColumn('run_key', 'bigint').execute();
    await sql`update runs set run_key = numbered.n
      from (select run_uuid, row_number() over (order by start_time, run_uuid) as n from runs) as numbered
      where numbered.run_uuid = runs.run_uuid`.execute(trx);
    // Unique: the history's foreign key refers to it, and a run is found by it.
    await trx.schema
      .createIndex('runs_run_key_idx')
      .on('runs')
      .column('run_key')
      .unique()
      .execute();
    await createHistoryTable(db, trx, 'run_key');
    await sql`insert into metrics_rebuilt (run_key, ${VALUE_COLUMNS})
      select runs.run_key, ${COPIED_VALUES}
      from metrics as m join runs on runs.run_uuid = m.run_uuid`.execute(trx);
    await swapIn(trx);
  });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await inTransaction(db, async (trx) => {
    await createHistoryTable(db, trx, 'run_uuid');
    await sql`insert into metrics_rebuilt (run_uuid, ${VALUE_COLUMNS})
      select runs.run_uuid, ${COPIED_VALUES}
      from metrics as m join runs on runs.run_key = m.run_key`.execute(trx);
    await swapIn(trx);
    await trx.schema.dropIndex('runs_run_key_idx').execute();
    await trx.schema.alterTable('runs').dropColumn('run_key').execute();
  });
}
