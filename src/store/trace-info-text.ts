// Each trace's TraceInfoV3 answer stored as JSON text beside it (`trace_info_json`, migration 0017)
// for the answers that list many traces (search, batch reads): a search page of 100 traces is
// ~150 KB of that text, joined by SQLite into one byte string and sent as it is, never decoded
// into JS strings and encoded back, nor built trace by trace on every search.
//
// Kept current in two steps. Triggers blank a trace's text whenever its row, tags or metadata
// change (cheap: no JSON is built per row), and the store's trace writers call `refreshTraceInfoJson`
// once at the end of their transaction, which writes the text of every blank one of their traces.
// A writer that forgot would cost speed, never correctness: a blank text is read through
// api/traces/trace-json.ts `traceInfoText`, which stays the definition (a test holds the two
// texts equal). That path also serves every other database, traces with assessments (not part of
// the stored text), and what the expression cannot write (a time outside years 0–9999, a negative
// duration: NULL).
import { CompiledQuery, SqliteAdapter, sql } from 'kysely';
import type { Db } from './experiments.js';

export interface TraceInfoTexts {
  /** Trace id → its TraceInfoV3 text. */
  texts: Map<string, string>;
  /** Ids found but left to `traceInfoText` (assessments, or a text not stored). */
  others: string[];
}

function isSqlite(db: Db): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/** A trace's rows of `table` as a JSON object's text, keys in key order, NULL values as ''. */
const objectOf = (table: string) => `(select json_group_object(k.key, coalesce(k.value, ''))
    from ${table} k where k.request_id = t.request_id)`;

const TIME = `case when t.timestamp_ms % 1000 = 0
    then strftime('%Y-%m-%dT%H:%M:%SZ', t.timestamp_ms / 1000, 'unixepoch')
    else strftime('%Y-%m-%dT%H:%M:%fZ', t.timestamp_ms / 1000.0, 'unixepoch') end`;

// NULL for a negative duration: the JS writer decides what that looks like.
const DURATION = `case when t.execution_time_ms < 0 then null
    when t.execution_time_ms % 1000 = 0 then (t.execution_time_ms / 1000) || 's'
    else (t.execution_time_ms / 1000) || '.' || printf('%03d', t.execution_time_ms % 1000) || 's' end`;

// The trace name is a column of trace_info and answers as the first tag.
const TAGS = `case when t.trace_name is null then t.tags_json
    when t.tags_json = '{}' then '{"mlflow.traceName":' || json_quote(t.trace_name) || '}'
    else '{"mlflow.traceName":' || json_quote(t.trace_name) || ',' || substr(t.tags_json, 2) end`;

/** `,"key":"value"` for a text column that is set, else nothing (json_quote(NULL) is 'null'). */
const optional = (key: string, column: string) =>
  `case when ${column} is null then '' else ',"${key}":' || json_quote(${column}) end`;

/** The answer of a row `t` of trace_info widened by its `tags_json` and `metadata_json`. */
const INFO_JSON = `'{"trace_id":' || json_quote(t.request_id)
  || ${optional('client_request_id', 't.client_request_id')}
  || ',"trace_location":{"type":"MLFLOW_EXPERIMENT","mlflow_experiment":{"experiment_id":"'
  || t.experiment_id || '"}}'
  || ${optional('request_preview', 't.request_preview')}
  || ${optional('response_preview', 't.response_preview')}
  || ',"request_time":"' || (${TIME}) || '"'
  || case when t.execution_time_ms is null then ''
      else ',"execution_duration":"' || (${DURATION}) || '"' end
  || ',"state":' || json_quote(t.status)
  || case when t.metadata_json = '{}' then '' else ',"trace_metadata":' || t.metadata_json end
  || case when (${TAGS}) = '{}' then '' else ',"tags":' || (${TAGS}) end
  || '}'`;

/**
 * Writes the stored text of every trace whose text is blank, among those whose id `scope` (an SQL
 * condition on `t.request_id`) admits. Materialized first, so each trace's tags and metadata are
 * aggregated once, not once per mention in the expression.
 */
export const refreshSql = (scope: string) => `with t as materialized (
    select t.*, ${objectOf('trace_tags')} as tags_json,
      ${objectOf('trace_request_metadata')} as metadata_json
    from trace_info t join trace_info_json s on s.request_id = t.request_id
    where s.info_json is null and ${scope})
  update trace_info_json as s set info_json = ${INFO_JSON}
  from t where t.request_id = s.request_id`;

/** Every blank text of the database: after a migration, or rows written by other programs. */
export const REFRESH_ALL_SQL = refreshSql('true');

const REFRESH_SOME_SQL = refreshSql('t.request_id in (select value from json_each(?))');

/** Brings the stored texts of `traceIds` up to date; the last step of every trace writer. */
export async function refreshTraceInfoJson(db: Db, traceIds: string[]): Promise<void> {
  if (traceIds.length === 0 || !isSqlite(db)) return;
  // One JSON parameter instead of an IN list: the statement is prepared once.
  await db.executeQuery(CompiledQuery.raw(REFRESH_SOME_SQL, [JSON.stringify(traceIds)]));
}

// A trace with assessments answers with them, which the stored text does not hold. (The readers
// below take the ids as one JSON parameter, not an IN list, so each statement is prepared once.)
const ASSESSED = sql`exists (select 1 from assessments a where a.trace_id = j.request_id)`;

/** Whether `keys` (comma-separated array indexes, as group_concat wrote them) ascend. */
function ascending(keys: string): boolean {
  let last = -1;
  for (const key of keys.split(',')) {
    const n = Number(key);
    if (!(n > last)) return false;
    last = n;
  }
  return true;
}

/**
 * `head`, the TraceInfoV3 texts of `ids` in their order joined by commas, then `tail`, as one
 * byte string, when SQLite stores every one of them: null when none of `ids` is known; undefined
 * when any is left to `traceInfoText` (or on other databases). Unknown ids are left out, as the
 * answers that list traces skip them.
 */
export async function loadTraceInfoPage(
  db: Db,
  ids: string[],
  head: string,
  tail: string,
): Promise<Buffer | null | undefined> {
  if (!isSqlite(db)) return undefined;
  if (ids.length === 0) return null;
  // The ids' array is the outer loop, so the texts are met in its order; `group_concat(… order
  // by e.key)` would sort ~150 KB of text in a temporary B-tree to be sure of that (0.25 ms a
  // page). Instead the array indexes are concatenated in the same pass and checked here, and a
  // page met in any other order is read again sorted.
  const page = async (ordered: boolean) => {
    const order = ordered ? sql`order by e.key` : sql``;
    const { rows } = await sql<{ blank: number | null; keys: string | null; page: Buffer | null }>`
      select sum(j.info_json is null or ${ASSESSED}) as blank, group_concat(e.key) as keys,
        cast(${head} || group_concat(j.info_json, ',' ${order}) || ${tail} as blob) as page
      from json_each(${JSON.stringify(ids)}) e
      join trace_info_json j on j.request_id = e.value`.execute(db);
    return rows[0];
  };
  let row = await page(false);
  if (!row || row.blank) return undefined;
  if (row.keys !== null && !ascending(row.keys)) row = await page(true);
  return row.page;
}

/**
 * The TraceInfoV3 texts of `ids` that SQLite stores; on other databases every id found is left
 * to the caller. Unknown ids are in neither.
 */
export async function loadTraceInfoTexts(db: Db, ids: string[]): Promise<TraceInfoTexts> {
  const out: TraceInfoTexts = { texts: new Map(), others: [] };
  if (ids.length === 0) return out;
  if (!isSqlite(db)) {
    const found = await db
      .selectFrom('trace_info')
      .select('request_id')
      .where('request_id', 'in', ids)
      .execute();
    out.others = found.map((r) => r.request_id);
    return out;
  }
  const { rows } = await sql<{ id: string; text: string | null; assessed: number }>`
    select j.request_id as id, j.info_json as text, ${ASSESSED} as assessed
    from json_each(${JSON.stringify(ids)}) e
    join trace_info_json j on j.request_id = e.value`.execute(db);
  for (const row of rows) {
    if (row.text === null || row.assessed) out.others.push(row.id);
    else out.texts.set(row.id, row.text);
  }
  return out;
}
