// Trace info: one row a trace with its tags and metadata, created by StartTraceV3 or by the first
// spans to arrive (spans.ts) and merged in either order; tags, deletion and links to runs and
// prompt versions, as MLflow's SQL store keeps them.
import { randomUUID } from 'node:crypto';
import { SqliteAdapter, sql, type Kysely } from 'kysely';
import { MlflowError } from '../errors.js';
import type { Database, TraceInfoTable, AssessmentsTable } from './schema.js';
import { assertExperimentActive, type Db } from './experiments.js';
import { getRun } from './runs.js';
import { canonicalTraceMetadata } from './trace-analytics.js';
import { sqliteStatementsOf } from './sqlite-statements.js';
import { refreshTraceInfoJson } from './trace-info-text.js';
import { lockOn } from './write-locks.js';

export const TRACE_NAME_TAG = 'mlflow.traceName';
export const ARTIFACT_LOCATION_TAG = 'mlflow.artifactLocation';
export const SPANS_LOCATION_TAG = 'mlflow.trace.spansLocation';
export const TRACKING_STORE = 'TRACKING_STORE';
export const INFO_FINALIZED_KEY = 'mlflow.trace.infoFinalized';
export const SOURCE_RUN_KEY = 'mlflow.sourceRun';
const IMMUTABLE_TAGS = [
  SPANS_LOCATION_TAG,
  'mlflow.trace.archiveLocation',
  'mlflow.trace.archivalFailure',
];
const MAX_LINKED_TRACES = 100;

export interface TraceInfoRecord extends TraceInfoTable {
  /**
   * The tags (the trace name among them) and the metadata as JSON objects' text, keys in key
   * order: answers splice them in as they are, and few readers need them as objects
   * (`traceTags`, `traceMetadata`).
   */
  tagsJson: string;
  metadataJson: string;
  assessments: AssessmentsTable[];
}

export function traceTags(info: TraceInfoRecord): Record<string, string> {
  return JSON.parse(info.tagsJson) as Record<string, string>;
}

export function traceMetadata(info: TraceInfoRecord): Record<string, string> {
  return JSON.parse(info.metadataJson) as Record<string, string>;
}

export function traceArtifactLocation(experimentLocation: string, traceId: string): string {
  return `${experimentLocation.replace(/\/+$/, '')}/traces/${traceId}/artifacts`;
}

/** Trace infos by id (unknown ids are left out), with tags, metadata and assessments. */
export async function loadTraceInfos(db: Db, ids: string[]): Promise<Map<string, TraceInfoRecord>> {
  const out = new Map<string, TraceInfoRecord>();
  if (ids.length === 0) return out;
  if (db.getExecutor().adapter instanceof SqliteAdapter) await loadWithJsonMaps(db, ids, out);
  else await loadRowByRow(db, ids, out);
  if (out.size === 0) return out;
  const assessments = await db
    .selectFrom('assessments')
    .selectAll()
    .where('trace_id', 'in', [...out.keys()])
    .orderBy('created_timestamp')
    .orderBy('assessment_id')
    .execute();
  for (const a of assessments) out.get(a.trace_id)!.assessments.push(a);
  return out;
}

/** The tags' text with the trace name (a column of its own) as their first key. */
function withTraceName(tagsJson: string, name: string | null): string {
  if (name === null) return tagsJson;
  const entry = `"${TRACE_NAME_TAG}":${JSON.stringify(name)}`;
  return tagsJson === '{}' ? `{${entry}}` : `{${entry},${tagsJson.slice(1)}`;
}

/**
 * SQLite: each trace's tags and metadata aggregated into JSON objects' text by the query itself,
 * never turned into objects here.
 */
async function loadWithJsonMaps(db: Db, ids: string[], out: Map<string, TraceInfoRecord>) {
  const objectOf = (table: 'trace_tags' | 'trace_request_metadata') =>
    sql<string>`(select json_group_object(k.key, coalesce(k.value, '')) from ${sql.table(table)} k
      where k.request_id = t.request_id)`;
  const rows = await db
    .selectFrom('trace_info as t')
    .selectAll('t')
    .select([
      objectOf('trace_tags').as('tagsJson'),
      objectOf('trace_request_metadata').as('metadataJson'),
    ])
    .where('t.request_id', 'in', ids)
    .execute();
  for (const row of rows) {
    const record: TraceInfoRecord = Object.assign(row, { assessments: [] });
    record.tagsJson = withTraceName(row.tagsJson, row.trace_name);
    out.set(row.request_id, record);
  }
}

/** Any other database: the infos, then their tags and metadata row by row. */
async function loadRowByRow(db: Db, ids: string[], out: Map<string, TraceInfoRecord>) {
  const rows = await db
    .selectFrom('trace_info')
    .selectAll()
    .where('request_id', 'in', ids)
    .execute();
  if (rows.length === 0) return;
  const found = rows.map((r) => r.request_id);
  // Objects without a prototype: a key such as `__proto__` is an ordinary key here.
  const objects = (table: 'trace_tags' | 'trace_request_metadata') =>
    db
      .selectFrom(table)
      .select(['request_id', 'key', 'value'])
      .where('request_id', 'in', found)
      .orderBy('key')
      .execute()
      .then((kv) => {
        const byTrace = new Map<string, Record<string, string>>();
        for (const r of kv) {
          let map = byTrace.get(r.request_id);
          if (!map)
            byTrace.set(r.request_id, (map = Object.create(null) as Record<string, string>));
          map[r.key] = r.value ?? '';
        }
        return byTrace;
      });
  const tags = await objects('trace_tags');
  const metadata = await objects('trace_request_metadata');
  for (const row of rows) {
    out.set(row.request_id, {
      ...row,
      tagsJson: withTraceName(JSON.stringify(tags.get(row.request_id) ?? {}), row.trace_name),
      metadataJson: JSON.stringify(metadata.get(row.request_id) ?? {}),
      assessments: [],
    });
  }
}

export async function getTraceInfo(db: Db, traceId: string): Promise<TraceInfoRecord> {
  const info = (await loadTraceInfos(db, [traceId])).get(traceId);
  if (!info) throw MlflowError.notFound(`Trace with ID '${traceId}' not found.`);
  return info;
}

export interface StartTraceInput {
  traceId: string;
  experimentId: number;
  requestTime: number;
  executionDuration: number | null;
  state: string;
  clientRequestId?: string;
  requestPreview?: string;
  responsePreview?: string;
  tags: Record<string, string>;
  metadata: Record<string, string>;
}

/** Sets a trace's tags or metadata (keys sorted, as MLflow writes them: one lock order). */
export async function upsertKeyValues(
  db: Db,
  table: 'trace_tags' | 'trace_request_metadata',
  traceId: string,
  values: Record<string, string>,
): Promise<void> {
  const keys = Object.keys(values).sort();
  if (keys.length === 0) return;
  const statements = sqliteStatementsOf(db);
  if (statements) {
    // Prepared once per table: a trace's start sets a dozen keys (trace ingest, BENCHMARKS.md).
    const upsert = statements.prepare(`insert into ${table} (request_id, key, value)
      values (?, ?, ?) on conflict (request_id, key) do update set value = excluded.value`);
    for (const key of keys) upsert.run(traceId, key, values[key]);
    return;
  }
  await db
    .insertInto(table)
    .values(keys.map((key) => ({ request_id: traceId, key, value: values[key] })))
    .onConflict((oc) =>
      oc.columns(['request_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
    )
    .execute();
}

/** StartTraceV3: creates the trace info, or finalizes the one the spans created first. */
export async function startTrace(db: Kysely<Database>, input: StartTraceInput): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockOn(trx, `trace:${input.traceId}`);
    const experiment = await assertExperimentActive(trx, input.experimentId);
    const { [TRACE_NAME_TAG]: traceName, ...tags } = input.tags;
    const existing = await trx
      .selectFrom('trace_info')
      .select('request_id')
      .where('request_id', '=', input.traceId)
      .executeTakeFirst();
    const columns = {
      experiment_id: input.experimentId,
      timestamp_ms: input.requestTime,
      execution_time_ms: input.executionDuration,
      status: input.state,
      client_request_id: input.clientRequestId ?? null,
    };
    if (!existing) {
      await trx
        .insertInto('trace_info')
        .values({
          request_id: input.traceId,
          ...columns,
          request_preview: input.requestPreview ?? null,
          response_preview: input.responsePreview ?? null,
          trace_name: traceName ?? null,
        })
        .execute();
    } else {
      await trx
        .updateTable('trace_info')
        .set({
          ...columns,
          ...(traceName !== undefined ? { trace_name: traceName } : {}),
          ...(input.requestPreview ? { request_preview: input.requestPreview } : {}),
          ...(input.responsePreview ? { response_preview: input.responsePreview } : {}),
        })
        .where('request_id', '=', input.traceId)
        .execute();
    }
    await upsertKeyValues(trx, 'trace_tags', input.traceId, {
      ...tags,
      [ARTIFACT_LOCATION_TAG]: traceArtifactLocation(experiment.artifact_location, input.traceId),
    });
    await upsertKeyValues(trx, 'trace_request_metadata', input.traceId, {
      ...canonicalTraceMetadata(input.metadata),
      [INFO_FINALIZED_KEY]: 'true',
    });
    await refreshTraceInfoJson(trx, [input.traceId]);
  });
}

export async function setTraceTag(
  db: Kysely<Database>,
  traceId: string,
  key: string,
  value: string,
): Promise<void> {
  if (IMMUTABLE_TAGS.includes(key)) {
    throw MlflowError.invalidParameter(`Tag '${key}' is immutable and cannot be set on a trace.`);
  }
  await db.transaction().execute(async (trx) => {
    await getTraceInfo(trx, traceId);
    if (key === TRACE_NAME_TAG) {
      await trx
        .updateTable('trace_info')
        .set({ trace_name: value })
        .where('request_id', '=', traceId)
        .execute();
    } else {
      await upsertKeyValues(trx, 'trace_tags', traceId, { [key]: value });
    }
    await refreshTraceInfoJson(trx, [traceId]);
  });
}

export async function deleteTraceTag(
  db: Kysely<Database>,
  traceId: string,
  key: string,
): Promise<void> {
  if (IMMUTABLE_TAGS.slice(0, 2).includes(key)) {
    throw MlflowError.invalidParameter(
      `Tag '${key}' is immutable and cannot be deleted on a trace.`,
    );
  }
  await db.transaction().execute(async (trx) => {
    await getTraceInfo(trx, traceId);
    if (key === TRACE_NAME_TAG) {
      await trx
        .updateTable('trace_info')
        .set({ trace_name: null })
        .where('request_id', '=', traceId)
        .execute();
    } else {
      const result = await trx
        .deleteFrom('trace_tags')
        .where('request_id', '=', traceId)
        .where('key', '=', key)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) {
        throw MlflowError.notFound(`No trace tag with key '${key}' for trace with ID '${traceId}'`);
      }
    }
    await refreshTraceInfoJson(trx, [traceId]);
  });
}

export interface DeleteTracesInput {
  experimentId: number;
  maxTimestampMillis?: number;
  maxTraces?: number;
  requestIds?: string[];
}

/** Deletes traces by id, or the oldest up to a timestamp (at most `maxTraces`); returns a count. */
export async function deleteTraces(
  db: Kysely<Database>,
  input: DeleteTracesInput,
): Promise<number> {
  const { experimentId, maxTimestampMillis, maxTraces, requestIds } = input;
  if (maxTimestampMillis === undefined && requestIds === undefined) {
    throw MlflowError.invalidParameter(
      'Either `max_timestamp_millis` or `trace_ids` must be specified.',
    );
  }
  if (maxTimestampMillis !== undefined && requestIds !== undefined) {
    throw MlflowError.invalidParameter(
      'Only one of `max_timestamp_millis` and `trace_ids` can be specified.',
    );
  }
  if (requestIds !== undefined && maxTraces !== undefined) {
    throw MlflowError.invalidParameter(
      "`max_traces` can't be specified if `trace_ids` is specified.",
    );
  }
  if (maxTraces !== undefined && maxTraces <= 0) {
    throw MlflowError.invalidParameter(
      `\`max_traces\` must be a positive integer, received ${maxTraces}.`,
    );
  }
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('trace_info')
      .select('request_id')
      .where('experiment_id', '=', experimentId);
    if (requestIds !== undefined) {
      if (requestIds.length === 0) return 0;
      query = query.where('request_id', 'in', requestIds);
    } else {
      query = query
        .where('timestamp_ms', '<=', maxTimestampMillis!)
        .orderBy('timestamp_ms')
        .orderBy('request_id');
      if (maxTraces !== undefined) query = query.limit(maxTraces);
    }
    const ids = (await query.execute()).map((r) => r.request_id);
    if (ids.length === 0) return 0;
    await trx
      .deleteFrom('entity_associations')
      .where('source_type', '=', 'trace')
      .where('source_id', 'in', ids)
      .execute();
    // Tags, metadata, spans and assessments cascade.
    await trx.deleteFrom('trace_info').where('request_id', 'in', ids).execute();
    return ids.length;
  });
}

/** Links traces to a run, without duplicates. */
export async function linkTracesToRun(
  db: Db,
  traceIds: string[],
  runId: string,
  checkRun = true,
): Promise<void> {
  if (traceIds.length > MAX_LINKED_TRACES) {
    throw MlflowError.invalidParameter(
      `Cannot link more than ${MAX_LINKED_TRACES} traces to a run in a single request. ` +
        `Provided ${traceIds.length} traces.`,
    );
  }
  if (checkRun) await getRun(db, runId);
  // Traces not stored yet are linked too, as MLflow's store links them: the client exports spans
  // in the background, so a trace made just before `link_traces_to_run` may arrive after it. The
  // links live in the project's own database, so an id can only ever meet this project's trace.
  await addAssociations(db, [...new Set(traceIds)], 'run', () => runId);
}

export async function linkPromptsToTrace(
  db: Kysely<Database>,
  traceId: string,
  prompts: { name: string; version: string }[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getTraceInfo(trx, traceId);
    for (const p of prompts) {
      await addAssociations(trx, [traceId], 'prompt_version', () => `${p.name}/${p.version}`);
    }
  });
}

async function addAssociations(
  db: Db,
  traceIds: string[],
  destinationType: string,
  destination: (traceId: string) => string,
): Promise<void> {
  for (const traceId of traceIds) {
    await db
      .insertInto('entity_associations')
      .values({
        association_id: randomUUID().replaceAll('-', ''),
        source_type: 'trace',
        source_id: traceId,
        destination_type: destinationType,
        destination_id: destination(traceId),
        created_time: Date.now(),
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
