// MLflow 3 traces: trace info (one row a trace, with the columns search filters and sorts on), its
// tags and metadata, spans (one small row a span for search, its JSON content in a table of its own
// so searches never page through payloads), assessments, and entity associations (trace → run,
// trace → prompt version). Nanosecond times are INTEGER (they exceed 2^53: read them as text).
import { sql, type Kysely } from 'kysely';
import { isSqlite } from './dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('trace_info')
    .addColumn('request_id', 'varchar(50)', (c) => c.primaryKey())
    .addColumn('experiment_id', 'bigint', (c) =>
      c.notNull().references('experiments.experiment_id').onDelete('cascade'),
    )
    .addColumn('timestamp_ms', 'bigint', (c) => c.notNull())
    .addColumn('execution_time_ms', 'bigint')
    // OK | ERROR | IN_PROGRESS | STATE_UNSPECIFIED, as MLflow's TraceState names.
    .addColumn('status', 'varchar(50)', (c) => c.notNull())
    .addColumn('client_request_id', 'varchar(50)')
    .addColumn('request_preview', 'varchar(1000)')
    .addColumn('response_preview', 'varchar(1000)')
    // Tag mlflow.traceName lives here (as in MLflow), so `name` filters and sorts use a column.
    .addColumn('trace_name', 'varchar(8000)')
    .execute();
  // The default search order: newest first, then by id, within one experiment.
  await sql`create index trace_info_experiment_time_idx
    on trace_info (experiment_id, timestamp_ms desc, request_id)`.execute(db);
  await db.schema
    .createIndex('trace_info_client_request_idx')
    .on('trace_info')
    .column('client_request_id')
    .execute();

  for (const table of ['trace_tags', 'trace_request_metadata']) {
    await db.schema
      .createTable(table)
      .addColumn('request_id', 'varchar(50)', (c) =>
        c.notNull().references('trace_info.request_id').onDelete('cascade'),
      )
      .addColumn('key', 'varchar(250)', (c) => c.notNull())
      .addColumn('value', 'varchar(8000)')
      .addPrimaryKeyConstraint(`${table}_pk`, ['request_id', 'key'])
      .execute();
    await db.schema.createIndex(`${table}_key_idx`).on(table).columns(['key', 'value']).execute();
  }

  // What span filters read: small columns only, clustered by trace (WITHOUT ROWID).
  // (bigint: nanosecond times; on SQLite any integer type is 64-bit.)
  await sql`create table spans (
    trace_id varchar(50) not null references trace_info (request_id) on delete cascade,
    span_id varchar(16) not null,
    parent_span_id varchar(16),
    name text,
    type varchar(500),
    status varchar(50) not null,
    start_time_unix_nano bigint not null,
    end_time_unix_nano bigint,
    primary key (trace_id, span_id)
  ) ${isSqlite(db) ? sql`without rowid` : sql``}`.execute(db);
  // The span as MLflow's traces.json holds it (ids base64, attributes JSON-encoded); a trace's
  // spans load from here in one range read of the primary key.
  await db.schema
    .createTable('span_contents')
    .addColumn('trace_id', 'varchar(50)', (c) =>
      c.notNull().references('trace_info.request_id').onDelete('cascade'),
    )
    .addColumn('span_id', 'varchar(16)', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('span_contents_pk', ['trace_id', 'span_id'])
    .execute();

  await db.schema
    .createTable('assessments')
    .addColumn('assessment_id', 'varchar(50)', (c) => c.primaryKey())
    .addColumn('trace_id', 'varchar(50)', (c) =>
      c.notNull().references('trace_info.request_id').onDelete('cascade'),
    )
    .addColumn('name', 'varchar(250)', (c) => c.notNull())
    .addColumn('assessment_type', 'varchar(20)', (c) => c.notNull())
    // json.dumps of the value (expectations and feedback alike); NULL for a null value.
    .addColumn('value', 'text')
    .addColumn('error', 'text')
    .addColumn('created_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('source_type', 'varchar(50)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(250)')
    .addColumn('run_id', 'varchar(32)')
    .addColumn('span_id', 'varchar(50)')
    .addColumn('rationale', 'text')
    .addColumn('overrides', 'varchar(50)')
    .addColumn('valid', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('assessment_metadata', 'text')
    // Numeric view of a feedback value for > < filters (bool → 1/0); is_numeric_value says if set.
    .addColumn('aggregate_value', 'double precision')
    .addColumn('is_numeric_value', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('assessments_trace_idx')
    .on('assessments')
    .columns(['trace_id', 'created_timestamp'])
    .execute();

  // Shared with other families (evaluation datasets → experiments), hence `if not exists`.
  await db.schema
    .createTable('entity_associations')
    .ifNotExists()
    .addColumn('association_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('source_type', 'varchar(36)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('destination_type', 'varchar(36)', (c) => c.notNull())
    .addColumn('destination_id', 'varchar(512)', (c) => c.notNull())
    .addColumn('created_time', 'bigint')
    .addPrimaryKeyConstraint('entity_associations_pk', [
      'source_type',
      'source_id',
      'destination_type',
      'destination_id',
    ])
    .execute();
  await db.schema
    .createIndex('entity_associations_destination_idx')
    .ifNotExists()
    .on('entity_associations')
    .columns(['destination_type', 'destination_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'assessments',
    'span_contents',
    'spans',
    'trace_request_metadata',
    'trace_tags',
    'trace_info',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`delete from entity_associations where source_type = 'trace'`.execute(db);
}
