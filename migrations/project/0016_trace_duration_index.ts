// Traces of an experiment in MLflow's execution-time order (slowest first, then newest, then by
// id): a search ordered by execution time reads a page straight from this index instead of
// sorting every matching trace, and a time window checks each entry's time without its row.
// Whether a narrow window is better read by the time index and sorted is decided per search
// (search/trace-search.ts), as SQLite has no statistics to tell it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index trace_info_experiment_duration_idx
    on trace_info (experiment_id, execution_time_ms desc, timestamp_ms desc, request_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index trace_info_experiment_duration_idx`.execute(db);
}
