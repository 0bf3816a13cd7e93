// Trace search reads less (BENCHMARKS.md, search_traces over 100k traces):
// - a trace's tags and metadata are stored in their primary key's B-tree alone (WITHOUT ROWID), so
//   a page of 100 traces reads each trace's rows as one contiguous range instead of an index entry
//   and then a table row per key, and a tag filter finds the value in the key's own entry;
// - each trace's tags and metadata are also kept as JSON objects' text in `trace_info_texts`, kept
//   up to date by triggers on the two tables (whoever writes them), so a page's infos are read as
//   one row a trace instead of being aggregated from ~15 rows a trace on every search;
// - the experiment's time index also carries the execution time, so a time window ordered by
//   execution time is answered from the index without reading a trace_info row per match.
// Only SQLite gets the first two (WITHOUT ROWID, and triggers in its dialect); other engines keep
// 0008's tables, read tags and metadata row by row, and gain the wider index only.
import { sql, type Kysely } from 'kysely';
import { inTransaction, isSqlite } from './dialect.js';

const KEY_VALUE_TABLES = ['trace_tags', 'trace_request_metadata'] as const;

async function rebuildKeyValues(
  db: Kysely<unknown>,
  table: (typeof KEY_VALUE_TABLES)[number],
  withoutRowid: boolean,
): Promise<void> {
  // One transaction per table: an interrupted upgrade leaves the old table as it was.
  await inTransaction(db, async (trx) => {
    const rebuilt = `${table}_rebuilt`;
    await trx.schema
      .createTable(rebuilt)
      .addColumn('request_id', 'varchar(50)', (c) =>
        c.notNull().references('trace_info.request_id').onDelete('cascade'),
      )
      .addColumn('key', 'varchar(250)', (c) => c.notNull())
      .addColumn('value', 'varchar(8000)')
      .addPrimaryKeyConstraint(`${table}_pk`, ['request_id', 'key'])
      .$call((t) => (withoutRowid ? t.modifyEnd(sql`without rowid`) : t))
      .execute();
    await sql`insert into ${sql.table(rebuilt)} (request_id, key, value)
      select request_id, key, value from ${sql.table(table)}`.execute(trx);
    await trx.schema.dropTable(table).execute();
    await trx.schema.alterTable(rebuilt).renameTo(table).execute();
    await trx.schema.createIndex(`${table}_key_idx`).on(table).columns(['key', 'value']).execute();
  });
}

async function timeIndex(db: Kysely<unknown>, withExecutionTime: boolean): Promise<void> {
  await sql`drop index trace_info_experiment_time_idx`.execute(db);
  const extra = withExecutionTime ? sql`, execution_time_ms` : sql``;
  await sql`create index trace_info_experiment_time_idx
    on trace_info (experiment_id, timestamp_ms desc, request_id${extra})`.execute(db);
}

const KEY_VALUE_COLUMNS = { trace_tags: 'tags_json', trace_request_metadata: 'metadata_json' };

/** A trace's rows of `table` as a JSON object's text (keys in key order, NULL values as ''). */
function objectOf(table: string, requestId: string) {
  return sql.raw(`(select json_group_object(k.key, coalesce(k.value, '')) from ${table} k
    where k.request_id = ${requestId})`);
}

export async function createTexts(db: Kysely<unknown>): Promise<void> {
  // No foreign key: the triggers below also run while a trace's rows are deleted with it, and
  // trace_info's own trigger removes its texts.
  await sql`create table trace_info_texts (
    request_id varchar(50) primary key,
    tags_json text not null default '{}',
    metadata_json text not null default '{}'
  ) without rowid`.execute(db);
  await sql`insert into trace_info_texts (request_id, tags_json, metadata_json)
    select t.request_id, ${objectOf('trace_tags', 't.request_id')},
      ${objectOf('trace_request_metadata', 't.request_id')}
    from trace_info t`.execute(db);
  await sql`create trigger trace_info_texts_gone after delete on trace_info begin
    delete from trace_info_texts where request_id = old.request_id;
  end`.execute(db);
  for (const [table, column] of Object.entries(KEY_VALUE_COLUMNS)) {
    const col = sql.raw(column);
    await sql`create trigger ${sql.raw(`${table}_text_insert`)} after insert on ${sql.table(table)}
    begin
      insert into trace_info_texts (request_id, ${col})
        values (new.request_id, ${objectOf(table, 'new.request_id')})
        on conflict (request_id) do update set ${col} = excluded.${col};
    end`.execute(db);
    for (const [event, row] of [
      ['update', 'new'],
      ['delete', 'old'],
    ]) {
      await sql`create trigger ${sql.raw(`${table}_text_${event}`)}
        after ${sql.raw(event)} on ${sql.table(table)}
      begin
        update trace_info_texts set ${col} = ${objectOf(table, `${row}.request_id`)}
          where request_id = ${sql.raw(`${row}.request_id`)};
      end`.execute(db);
    }
  }
}

export async function dropTexts(db: Kysely<unknown>): Promise<void> {
  for (const table of KEY_VALUE_TABLES) {
    for (const event of ['insert', 'update', 'delete']) {
      await sql`drop trigger if exists ${sql.raw(`${table}_text_${event}`)}`.execute(db);
    }
  }
  await sql`drop trigger if exists trace_info_texts_gone`.execute(db);
  await sql`drop table if exists trace_info_texts`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isSqlite(db)) {
    for (const table of KEY_VALUE_TABLES) await rebuildKeyValues(db, table, true);
    await inTransaction(db, (trx) => createTexts(trx));
  }
  await timeIndex(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isSqlite(db)) {
    await dropTexts(db);
    for (const table of KEY_VALUE_TABLES) await rebuildKeyValues(db, table, false);
  }
  await timeIndex(db, false);
}
