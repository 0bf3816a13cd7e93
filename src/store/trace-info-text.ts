// TraceInfoV3 JSON text written by SQLite itself, for the pages that list many traces (search,
// batch reads). A search page of 100 traces is ~150 KB of mostly stored text: building each answer
// in the query (string concatenation and json_quote; tags and metadata spliced in as stored by
// migration 0013's triggers) spares reading eleven values a trace into objects and writing them
// back out. The text is exactly what api/traces/trace-json.ts `traceInfoText` writes, which stays
// the definition: it serves every other database and every trace this query leaves to it (a time
// outside years 0–9999, a negative duration, assessments), and a test holds the two equal.
import { SqliteAdapter, sql } from 'kysely';
import type { Db } from './experiments.js';
import { TRACE_NAME_TAG } from './traces.js';

export interface TraceInfoTexts {
  /** Trace id → its TraceInfoV3 text. */
  texts: Map<string, string>;
  /** Ids found but left to `traceInfoText` (assessments, or values the query does not write). */
  others: string[];
}

const TIME = sql`case when t.timestamp_ms % 1000 = 0
    then strftime('%Y-%m-%dT%H:%M:%SZ', t.timestamp_ms / 1000, 'unixepoch')
    else strftime('%Y-%m-%dT%H:%M:%fZ', t.timestamp_ms / 1000.0, 'unixepoch') end`;

// NULL for a negative duration: the JS writer decides what that looks like.
const DURATION = sql`case when t.execution_time_ms < 0 then null
    when t.execution_time_ms % 1000 = 0 then (t.execution_time_ms / 1000) || 's'
    else (t.execution_time_ms / 1000) || '.' || printf('%03d', t.execution_time_ms % 1000) || 's' end`;

const TAGS = sql`case when t.trace_name is null then coalesce(j.tags_json, '{}')
    when coalesce(j.tags_json, '{}') = '{}'
      then '{"' || ${TRACE_NAME_TAG} || '":' || json_quote(t.trace_name) || '}'
    else '{"' || ${TRACE_NAME_TAG} || '":' || json_quote(t.trace_name) || ',' || substr(j.tags_json, 2) end`;

/** `,"key":"value"` for a text column that is set, else nothing (json_quote(NULL) is 'null'). */
const optional = (key: string, column: string) =>
  sql`case when ${sql.ref(column)} is null then ''
    else ',"' || ${key} || '":' || json_quote(${sql.ref(column)}) end`;

const TEXT = sql<string | null>`'{"trace_id":' || json_quote(t.request_id)
  || ${optional('client_request_id', 't.client_request_id')}
  || ',"trace_location":{"type":"MLFLOW_EXPERIMENT","mlflow_experiment":{"experiment_id":"'
  || t.experiment_id || '"}}'
  || ${optional('request_preview', 't.request_preview')}
  || ${optional('response_preview', 't.response_preview')}
  || ',"request_time":"' || (${TIME}) || '"'
  || case when t.execution_time_ms is null then ''
      else ',"execution_duration":"' || (${DURATION}) || '"' end
  || ',"state":' || json_quote(t.status)
  || case when coalesce(j.metadata_json, '{}') = '{}' then ''
      else ',"trace_metadata":' || j.metadata_json end
  || case when (${TAGS}) = '{}' then '' else ',"tags":' || (${TAGS}) end
  || '}'`;

/**
 * The TraceInfoV3 texts of `ids` that SQLite can write; on other databases every id found is left
 * to the caller. Unknown ids are in neither.
 */
export async function loadTraceInfoTexts(db: Db, ids: string[]): Promise<TraceInfoTexts> {
  const out: TraceInfoTexts = { texts: new Map(), others: [] };
  if (ids.length === 0) return out;
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    const found = await db
      .selectFrom('trace_info')
      .select('request_id')
      .where('request_id', 'in', ids)
      .execute();
    out.others = found.map((r) => r.request_id);
    return out;
  }
  // One JSON parameter instead of an IN list: the statement's text, and so its prepared
  // statement, is the same for every page.
  const { rows } = await sql<{ id: string; text: string | null; assessed: number }>`
    select t.request_id as id, ${TEXT} as text,
      exists (select 1 from assessments a where a.trace_id = t.request_id) as assessed
    from json_each(${JSON.stringify(ids)}) e
    join trace_info t on t.request_id = e.value
    left join trace_info_texts j on j.request_id = t.request_id`.execute(db);
  for (const row of rows) {
    if (row.text === null || row.assessed) out.others.push(row.id);
    else out.texts.set(row.id, row.text);
  }
  return out;
}
