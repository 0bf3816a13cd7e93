// Search indexes that answer a filter clause from the index alone. A clause such as
// `params.p0 = 'v3'` or `metrics.m1 > 0.5` becomes a set of run ids; with 0001's (key, value)
// indexes every match cost a lookup of its table row to read `run_uuid` (tens of thousands of
// random reads at 100k runs, see BENCHMARKS.md). Adding `run_uuid` (and `is_nan`, which metric
// filters test) makes the indexes covering; they replace the narrower ones, whose prefix they
// share, so writes keep one index per table. Independent of the logged-model and model-registry
// migrations (0002, 0003): it touches none of their tables.
import type { Kysely } from 'kysely';

const REPLACED = [
  { table: 'params', old: 'params_key_value_idx', columns: ['key', 'value', 'run_uuid'] },
  { table: 'tags', old: 'tags_key_value_idx', columns: ['key', 'value', 'run_uuid'] },
  {
    table: 'latest_metrics',
    old: 'latest_metrics_key_value_idx',
    columns: ['key', 'value', 'is_nan', 'run_uuid'],
  },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const { table, old, columns } of REPLACED) {
    await db.schema.createIndex(`${table}_key_value_run_idx`).on(table).columns(columns).execute();
    await db.schema.dropIndex(old).execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const { table, old } of REPLACED) {
    await db.schema.createIndex(old).on(table).columns(['key', 'value']).execute();
    await db.schema.dropIndex(`${table}_key_value_run_idx`).execute();
  }
}
