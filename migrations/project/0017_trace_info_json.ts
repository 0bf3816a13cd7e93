// Each trace's whole TraceInfoV3 answer stored as JSON text beside it (`trace_info_json`): a search
// page is its 100 stored texts joined by SQLite into one string, instead of each answer being
// written on every search (~0.5 ms a page, BENCHMARKS.md "Traces"). See store/trace-info-text.ts.
//
// Triggers only blank a trace's text when its row, tags or metadata change; the store writes it
// again once per write transaction. 0013's texts (each trace's tags and metadata as JSON, rebuilt
// by triggers on every row written: some 0.4 ms of each trace's ingest) go: the stored answer
// serves the pages, and a single trace's tags are aggregated when it is read.
//
// An ordinary rowid table: its ~1.5 KB rows fit its pages whole, where a WITHOUT ROWID table
// spills them to overflow pages and reads them ~4× slower. No foreign key: the row goes with its
// trace by trigger, after the cascades the delete sets off.
// SQLite only, like 0013's texts; other engines write every answer in JS.
import { sql, type Kysely } from 'kysely';
import { REFRESH_ALL_SQL } from '../../src/store/trace-info-text.js';
import { createTexts, dropTexts } from './0013_trace_search_layout.js';
import { inTransaction, isSqlite } from './dialect.js';

const blank = (row: string) =>
  `update trace_info_json set info_json = null
    where request_id = ${row}.request_id and info_json is not null;`;

const TRIGGERS: Record<string, string> = {
  trace_info_json_insert: `after insert on trace_info begin
    insert into trace_info_json (request_id) values (new.request_id);
  end`,
  trace_info_json_update: `after update on trace_info begin ${blank('new')} end`,
  trace_info_json_delete: `after delete on trace_info begin
    delete from trace_info_json where request_id = old.request_id;
  end`,
};
for (const table of ['trace_tags', 'trace_request_metadata']) {
  TRIGGERS[`${table}_json_insert`] = `after insert on ${table} begin ${blank('new')} end`;
  TRIGGERS[`${table}_json_update`] = `after update on ${table} begin ${blank('new')} end`;
  TRIGGERS[`${table}_json_delete`] = `after delete on ${table} begin ${blank('old')} end`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isSqlite(db)) return;
  await inTransaction(db, async (trx) => {
    await dropTexts(trx);
    await sql`create table trace_info_json (
      request_id varchar(50) primary key,
      info_json text
    )`.execute(trx);
    await sql`insert into trace_info_json (request_id) select request_id from trace_info`.execute(
      trx,
    );
    await sql.raw(REFRESH_ALL_SQL).execute(trx);
    for (const [name, body] of Object.entries(TRIGGERS)) {
      await sql.raw(`create trigger ${name} ${body}`).execute(trx);
    }
  });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isSqlite(db)) return;
  await inTransaction(db, async (trx) => {
    for (const name of Object.keys(TRIGGERS)) {
      await sql.raw(`drop trigger if exists ${name}`).execute(trx);
    }
    await sql`drop table trace_info_json`.execute(trx);
    await createTexts(trx);
  });
}
