// Spans of traces: one small searchable row each (`spans`) and the span as traces.json holds it
// (`span_contents`). Logging a batch creates or widens each trace's info as MLflow's SQL store
// does (`_log_spans_once`) — previews from the root span (trace-previews.ts), token usage and
// cost summed over the spans (trace-usage.ts) — all in one transaction: a batch is stored whole
// or not at all.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { getExperimentRow, type Db } from './experiments.js';
import {
  ARTIFACT_LOCATION_TAG,
  INFO_FINALIZED_KEY,
  SPANS_LOCATION_TAG,
  TRACE_NAME_TAG,
  TRACKING_STORE,
  linkTracesToRun,
  traceArtifactLocation,
  upsertKeyValues,
} from './traces.js';
import { PREVIEW_FAILED, tracePreview } from './trace-previews.js';
import { sqliteStatementsOf } from './sqlite-statements.js';
import { refreshTraceInfoJson } from './trace-info-text.js';
import { SPAN_COST, SPAN_TOKEN_USAGE, updateTraceUsage } from './trace-usage.js';
import { lockOn } from './write-locks.js';

export interface SpanRecord {
  /** MLflow's trace id, `tr-` + the OTel trace id in hex. */
  traceId: string;
  /** 16 hex digits. */
  spanId: string;
  parentSpanId: string | null;
  name: string;
  type: string | null;
  status: 'OK' | 'ERROR' | 'UNSET';
  startNs: bigint;
  endNs: bigint | null;
  /** Attribute values JSON-encoded, as MLflow stores them. */
  attributes: Record<string, string>;
  /** The span in traces.json form (JSON text, int64 numbers in full). */
  content: string;
}

export interface SpanBatch {
  spans: SpanRecord[];
  /** Tags every trace of the batch gets (OTLP resource attributes). */
  resourceTags: Record<string, string>;
}

const ROWS_PER_INSERT = 100;
const NS_PER_MS = 1_000_000n;

/**
 * The request and response previews a root span gives its trace (null where it has none).
 * Where MLflow's preview code raises on one, it keeps the ones made before it.
 */
function previews(root: SpanRecord | undefined): {
  request: string | null;
  response: string | null;
} {
  const inputs = root?.attributes['mlflow.spanInputs'];
  const outputs = root?.attributes['mlflow.spanOutputs'];
  const request = inputs ? tracePreview(inputs, 'user') : null;
  if (request === PREVIEW_FAILED) return { request: null, response: null };
  const response = outputs ? tracePreview(outputs, 'assistant') : null;
  return { request, response: response === PREVIEW_FAILED ? null : response };
}

/** Stores a batch of spans of one experiment (all or nothing) and links roots to `runId`. */
export async function logSpans(
  db: Kysely<Database>,
  experimentId: number,
  batch: SpanBatch,
  runId?: string,
): Promise<void> {
  const byTrace = new Map<string, SpanRecord[]>();
  for (const span of batch.spans) {
    const list = byTrace.get(span.traceId) ?? [];
    list.push(span);
    byTrace.set(span.traceId, list);
  }
  await db.transaction().execute(async (trx) => {
    // A trace's spans may arrive in batches at once (and with its StartTraceV3): one at a time.
    // Sorted, so two batches naming the same traces never wait on each other in a cycle.
    for (const traceId of [...byTrace.keys()].sort()) await lockOn(trx, `trace:${traceId}`);
    const experiment = await getExperimentRow(trx, experimentId);
    const rootsInBatch: string[] = [];
    for (const [traceId, spans] of byTrace) {
      const root = spans.find((s) => s.parentSpanId === null);
      if (root) rootsInBatch.push(traceId);
      const created = await mergeTraceInfo(
        trx,
        experimentId,
        experiment.artifact_location,
        traceId,
        spans,
        root,
      );
      await writeSpans(trx, spans);
      await updateTraceUsage(trx, traceId, spans, created);
      await upsertKeyValues(trx, 'trace_tags', traceId, {
        ...batch.resourceTags,
        [SPANS_LOCATION_TAG]: TRACKING_STORE,
      });
    }
    for (const [traceId, spans] of byTrace) await copySpanFacts(trx, traceId, spans);
    await refreshTraceInfoJson(trx, [...byTrace.keys()]);
    // As MLflow: a run that cannot be linked (it does not exist) costs the batch nothing.
    if (runId && rootsInBatch.length > 0 && (await runExists(trx, runId))) {
      await linkTracesToRun(trx, rootsInBatch, runId, false);
    }
  });
}

async function runExists(trx: Db, runId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('runs')
    .select('run_uuid')
    .where('run_uuid', '=', runId)
    .executeTakeFirst();
  return row !== undefined;
}

const TRACE_TAG_PREFIX = 'mlflow.traceTag.';
const SESSION_KEYS = ['session.id', 'gen_ai.conversation.id'];

/** A stored attribute's plain text: the JSON string it holds, else the JSON text itself. */
function plainText(stored: string): string {
  try {
    const parsed = JSON.parse(stored) as unknown;
    return typeof parsed === 'string' ? parsed : stored;
  } catch {
    return stored;
  }
}

/**
 * What MLflow's store reads out of spans: the root span's `mlflow.traceTag.<k>` attributes become
 * trace tags (the trace name its column), and the first `session.id`/`gen_ai.conversation.id` and
 * `user.id` become the session and user metadata. Values already on the trace are kept.
 */
async function copySpanFacts(trx: Db, traceId: string, spans: SpanRecord[]): Promise<void> {
  const tags: Record<string, string> = {};
  const metadata: Record<string, string> = {};
  for (const span of spans) {
    const attrs = span.attributes;
    if (span.parentSpanId === null) {
      for (const [key, value] of Object.entries(attrs)) {
        if (key.startsWith(TRACE_TAG_PREFIX) && key.length > TRACE_TAG_PREFIX.length) {
          tags[key.slice(TRACE_TAG_PREFIX.length)] = plainText(value);
        }
      }
    }
    const session = SESSION_KEYS.map((k) => attrs[k]).find((v) => v !== undefined);
    if (session !== undefined) metadata['mlflow.trace.session'] ??= plainText(session);
    if (attrs['user.id'] !== undefined)
      metadata['mlflow.trace.user'] ??= plainText(attrs['user.id']);
  }
  const { [TRACE_NAME_TAG]: traceName, ...otherTags } = tags;
  if (traceName !== undefined) {
    await trx
      .updateTable('trace_info')
      .set({ trace_name: traceName })
      .where('request_id', '=', traceId)
      .where('trace_name', 'is', null)
      .execute();
  }
  for (const [table, values] of [
    ['trace_tags', otherTags],
    ['trace_request_metadata', metadata],
  ] as const) {
    const rows = Object.entries(values).map(([key, value]) => ({
      request_id: traceId,
      key,
      value,
    }));
    if (rows.length > 0) {
      await trx
        .insertInto(table)
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }
}

/** Creates or widens the trace's info; true when this batch created it. */
async function mergeTraceInfo(
  trx: Db,
  experimentId: number,
  experimentLocation: string,
  traceId: string,
  spans: SpanRecord[],
  root: SpanRecord | undefined,
): Promise<boolean> {
  let minStart = spans[0].startNs;
  let maxEnd: bigint | null = null;
  for (const s of spans) {
    if (s.startNs < minStart) minStart = s.startNs;
    if (s.endNs !== null && (maxEnd === null || s.endNs > maxEnd)) maxEnd = s.endNs;
  }
  const startMs = Number(minStart / NS_PER_MS);
  const endMs = maxEnd === null ? null : Number(maxEnd / NS_PER_MS);
  const rootState = root ? (root.status === 'ERROR' ? 'ERROR' : 'OK') : 'IN_PROGRESS';
  const existing = await trx
    .selectFrom('trace_info')
    .selectAll()
    .where('request_id', '=', traceId)
    .executeTakeFirst();
  const preview = previews(root);
  if (!existing) {
    await trx
      .insertInto('trace_info')
      .values({
        request_id: traceId,
        experiment_id: experimentId,
        timestamp_ms: startMs,
        execution_time_ms: endMs === null ? null : endMs - startMs,
        status: rootState,
        client_request_id: null,
        request_preview: preview.request,
        response_preview: preview.response,
        trace_name: null,
      })
      .execute();
    await trx
      .insertInto('trace_tags')
      .values({
        request_id: traceId,
        key: ARTIFACT_LOCATION_TAG,
        value: traceArtifactLocation(experimentLocation, traceId),
      })
      .execute();
    return true;
  }
  const finalized = await trx
    .selectFrom('trace_request_metadata')
    .select('value')
    .where('request_id', '=', traceId)
    .where('key', '=', INFO_FINALIZED_KEY)
    .executeTakeFirst();
  const update: Partial<Database['trace_info']> = {};
  if (!finalized) {
    const oldStart = Number(existing.timestamp_ms);
    const oldEnd =
      existing.execution_time_ms === null ? null : oldStart + Number(existing.execution_time_ms);
    const start = Math.min(oldStart, startMs);
    const ends = [oldEnd, endMs].filter((e): e is number => e !== null);
    update.timestamp_ms = start;
    update.execution_time_ms = ends.length ? Math.max(...ends) - start : null;
  }
  if (root && (existing.status === 'IN_PROGRESS' || existing.status === 'STATE_UNSPECIFIED')) {
    update.status = rootState;
  }
  if (existing.request_preview === null && preview.request !== null) {
    update.request_preview = preview.request;
  }
  if (existing.response_preview === null && preview.response !== null) {
    update.response_preview = preview.response;
  }
  if (Object.keys(update).length > 0) {
    await trx.updateTable('trace_info').set(update).where('request_id', '=', traceId).execute();
  }
  return false;
}

const SPAN_COLUMNS = [
  'parent_span_id',
  'name',
  'type',
  'status',
  'start_time_unix_nano',
  'end_time_unix_nano',
  'token_usage',
  'cost',
] as const;

// The same upserts as the Kysely path below, as prepared statements: Kysely's building and
// compiling of a ten-span insert cost more than SQLite's running of it (trace ingest, BENCHMARKS.md).
const SPAN_UPSERT = `insert into spans (trace_id, span_id, ${SPAN_COLUMNS.join(', ')})
  values (${Array(SPAN_COLUMNS.length + 2)
    .fill('?')
    .join(', ')})
  on conflict (trace_id, span_id) do update set
  ${SPAN_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`;
const CONTENT_UPSERT = `insert into span_contents (trace_id, span_id, content) values (?, ?, ?)
  on conflict (trace_id, span_id) do update set content = excluded.content`;

function spanRow(s: SpanRecord) {
  return {
    trace_id: s.traceId,
    span_id: s.spanId,
    parent_span_id: s.parentSpanId,
    name: s.name,
    type: s.type,
    status: s.status,
    start_time_unix_nano: s.startNs,
    end_time_unix_nano: s.endNs,
    token_usage: s.attributes[SPAN_TOKEN_USAGE] ?? null,
    cost: s.attributes[SPAN_COST] ?? null,
  };
}

async function writeSpans(trx: Db, spans: SpanRecord[]): Promise<void> {
  const statements = sqliteStatementsOf(trx);
  if (statements) {
    const span = statements.prepare(SPAN_UPSERT);
    const content = statements.prepare(CONTENT_UPSERT);
    for (const s of spans) {
      const row = spanRow(s);
      span.run(row.trace_id, row.span_id, ...SPAN_COLUMNS.map((c) => row[c]));
      content.run(s.traceId, s.spanId, s.content);
    }
    return;
  }
  for (let i = 0; i < spans.length; i += ROWS_PER_INSERT) {
    const chunk = spans.slice(i, i + ROWS_PER_INSERT);
    await trx
      .insertInto('spans')
      .values(chunk.map(spanRow))
      .onConflict((oc) =>
        oc
          .columns(['trace_id', 'span_id'])
          .doUpdateSet((eb) =>
            Object.fromEntries(SPAN_COLUMNS.map((c) => [c, eb.ref(`excluded.${c}`)])),
          ),
      )
      .execute();
    await trx
      .insertInto('span_contents')
      .values(chunk.map((s) => ({ trace_id: s.traceId, span_id: s.spanId, content: s.content })))
      .onConflict((oc) =>
        oc
          .columns(['trace_id', 'span_id'])
          .doUpdateSet((eb) => ({ content: eb.ref('excluded.content') })),
      )
      .execute();
  }
}

/** A stored span: its traces.json text and its times as exact decimal text. */
export interface StoredSpan {
  content: string;
  startNs: string;
  endNs: string | null;
}

/** A trace's spans in traces.json form: the root first, then by start time. */
export async function loadSpans(db: Db, traceId: string): Promise<StoredSpan[]> {
  return db
    .selectFrom('spans as s')
    .innerJoin('span_contents as c', (j) =>
      j.onRef('c.trace_id', '=', 's.trace_id').onRef('c.span_id', '=', 's.span_id'),
    )
    .select([
      'c.content',
      // Nanoseconds exceed 2^53: read as text, never as a JS number.
      sql<string>`cast(s.start_time_unix_nano as text)`.as('startNs'),
      sql<string | null>`cast(s.end_time_unix_nano as text)`.as('endNs'),
    ])
    .where('s.trace_id', '=', traceId)
    .orderBy(sql`s.parent_span_id is not null`)
    .orderBy('s.start_time_unix_nano')
    .orderBy('s.span_id')
    .execute();
}
