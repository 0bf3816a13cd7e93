// MLflow 3 tracing under load: trace ingest as the MLflow client sends it (one binary OTLP
// ExportTraceServiceRequest a trace to `POST /v1/traces` with `x-mlflow-experiment-id`, then
// StartTraceV3 with the trace's info), and `search_traces` (`POST /api/3.0/mlflow/traces/search`)
// over many traces in one experiment, seeded straight into the server's SQLite file. The same
// traces, bodies and seeded rows go to ours and to MLflow's server, so their figures compare.
import { createHash } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { Pool } from 'undici';
import { encodeProtobufRequest } from '../src/api/traces/otlp-proto.js';
import { REFRESH_ALL_SQL } from '../src/store/trace-info-text.js';
import { unit } from './data.js';
import { load, type LoadResult } from './load.js';
import type { Row } from './report.js';
import type { Seeder } from './seed.js';
import type { ServerHandle } from './servers.js';

export interface TraceSizes {
  /** Traces sent in the ingest load (each of SPANS_PER_TRACE spans); cut at `maxSeconds`. */
  ingestTraces: number;
  /** Concurrent clients of the ingest load. */
  ingestClients: number;
  /** Traces seeded into one experiment for the searches. */
  searchTraces: number;
  /** Requests of each search (one connection). */
  searchRequests: number;
  maxSeconds: number;
}

export interface TraceIngest {
  traces: number;
  spans: number;
  seconds: number;
  spansPerSecond: number;
  /** Latency of one trace (its OTLP request, then its StartTraceV3), as a client saw it. */
  p50Ms: number;
  p99Ms: number;
  failed: number;
  timedOut: boolean;
  serverCpuMsPerTrace: number;
}

export interface TraceFigures {
  ingest?: TraceIngest;
  /** Why a figure has no value (e.g. an endpoint this build does not serve). */
  ingestMissing?: string;
  search: Record<string, LoadResult>;
  searchMissing?: string;
  searchTraces: number;
  /** First page of trace ids of each search, to check both servers answer alike. */
  searchFirstPage: Record<string, string[]>;
  /** A seeded trace's info as the server answers it, to check both servers read the seed alike. */
  seededInfo?: string;
  problems: string[];
  notes: string[];
}

export const SPANS_PER_TRACE = 10;
const BASE_TIME = 1_700_000_000_000;
const V3 = '/api/3.0/mlflow';
const ENVS = ['prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'staging', 'staging', 'dev', 'dev'];
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'llama-3-70b', 'mistral-large'];

/** The searches measured, in MLflow's official shapes (what `mlflow.search_traces` posts). */
export function traceSearches(
  searchTraces: number,
): Record<string, { filter?: string; order_by?: string[] }> {
  // A window of a tenth of the seeded traces, in the middle.
  const from = BASE_TIME + Math.floor(searchTraces * 0.45) * 1000;
  const to = from + Math.floor(searchTraces * 0.1) * 1000;
  return {
    'default order, first page': {},
    "tag filter (tags.env = 'dev')": { filter: "tags.env = 'dev'" },
    'timestamp range, order_by execution_time DESC': {
      filter: `attributes.timestamp_ms >= ${from} AND attributes.timestamp_ms < ${to}`,
      order_by: ['execution_time_ms DESC'],
    },
  };
}

/** The 16 bytes of the n-th trace's OTel trace id (`salt` keeps loads of one server apart). */
function traceIdBytes(salt: string, n: number): Buffer {
  return createHash('md5').update(`bench-trace-${salt}-${n}`).digest();
}

function spanIdBytes(traceId: Buffer, s: number): Buffer {
  return createHash('md5').update(traceId).update(String(s)).digest().subarray(0, 8);
}

const text = (n: number, words: number) =>
  Array.from({ length: words }, (_, w) => `w${Math.floor(unit(n * 31 + w) * 5000)}`).join(' ');

type Attr = { key: string; value: Record<string, unknown> };

/** A Python value as MLflow's exporter writes it into an OTLP AnyValue (otlp.py). */
function anyValue(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (v && typeof v === 'object') {
    return {
      kvlistValue: {
        values: Object.entries(v).map(([key, value]) => ({ key, value: anyValue(value) })),
      },
    };
  }
  return {};
}

const attrs = (o: Record<string, unknown>): Attr[] =>
  Object.entries(o).map(([key, value]) => ({ key, value: anyValue(value) }));

/** (name, span type, parent index) of each span: an agent's call tree. */
const TREE: [string, string, number][] = [
  ['agent', 'AGENT', -1],
  ['plan', 'CHAT_MODEL', 0],
  ['retrieve', 'RETRIEVER', 0],
  ['embed_query', 'EMBEDDING', 2],
  ['vector_search', 'TOOL', 2],
  ['rerank', 'RERANKER', 2],
  ['call_tool', 'TOOL', 0],
  ['generate', 'CHAT_MODEL', 0],
  ['parse_output', 'PARSER', 7],
  ['format_answer', 'CHAIN', 0],
];

interface BuiltTrace {
  traceId: string;
  otlp: Buffer;
  startTrace: string;
}

/**
 * The n-th trace as the MLflow 3.17 client exports it: the OTLP request of its ten spans (ids,
 * times, status, MLflow's span attributes as native AnyValues, inputs and outputs of a few hundred
 * bytes, token usage on model calls) and its StartTraceV3 body (§1.3 of the tracing notes).
 */
export function buildTrace(salt: string, n: number, experimentId: string): BuiltTrace {
  const idBytes = traceIdBytes(salt, n);
  const traceId = `tr-${idBytes.toString('hex')}`;
  const startNs = BigInt(BASE_TIME + n * 10) * 1_000_000n;
  const question = `Q${n}: ${text(n, 30)}?`;
  const answer = `A${n}: ${text(n + 1, 40)}.`;
  const spans = TREE.map(([name, type, parent], s) => {
    const begin = startNs + BigInt(s) * 40_000_000n;
    const end = s === 0 ? startNs + 480_000_000n : begin + 30_000_000n;
    const inputs =
      type === 'CHAT_MODEL'
        ? {
            messages: [
              { role: 'system', content: 'You are a helpful assistant. Answer from the context.' },
              { role: 'user', content: question },
            ],
            model: MODELS[n % MODELS.length],
            temperature: 0.2,
          }
        : { query: question, top_k: 5, step: name };
    const outputs =
      type === 'CHAT_MODEL'
        ? { choices: [{ index: 0, message: { role: 'assistant', content: answer } }] }
        : type === 'RETRIEVER'
          ? [0, 1, 2].map((d) => ({
              id: `doc-${(n * 3 + d) % 9973}`,
              page_content: text(n + d, 12),
            }))
          : { result: answer, ok: true };
    return {
      traceId: idBytes,
      spanId: spanIdBytes(idBytes, s),
      ...(parent >= 0 ? { parentSpanId: spanIdBytes(idBytes, parent) } : {}),
      name,
      kind: 1,
      startTimeUnixNano: begin.toString(),
      endTimeUnixNano: end.toString(),
      attributes: attrs({
        'mlflow.traceRequestId': traceId,
        'mlflow.spanType': type,
        'mlflow.spanFunctionName': name,
        'mlflow.spanInputs': inputs,
        'mlflow.spanOutputs': outputs,
        'mlflow.spanLogLevel': 20,
        ...(type === 'CHAT_MODEL'
          ? {
              'mlflow.chat.tokenUsage': {
                input_tokens: 120 + (n % 50),
                output_tokens: 60 + (n % 30),
                total_tokens: 180 + (n % 50) + (n % 30),
              },
            }
          : {}),
      }),
      status: { code: 1 },
    };
  });
  const otlp = Buffer.from(
    encodeProtobufRequest({
      resourceSpans: [
        {
          resource: {
            attributes: attrs({
              'telemetry.sdk.language': 'python',
              'telemetry.sdk.name': 'mlflow',
              'telemetry.sdk.version': '3.17.2',
            }),
          },
          scopeSpans: [{ spans }],
        },
      ],
    }),
  );
  const startTrace = JSON.stringify({
    trace: {
      trace_info: {
        trace_id: traceId,
        trace_location: {
          type: 'MLFLOW_EXPERIMENT',
          mlflow_experiment: { experiment_id: experimentId },
        },
        request_time: new Date(BASE_TIME + n * 10).toISOString(),
        execution_duration: '0.480s',
        state: 'OK',
        trace_metadata: {
          'mlflow.user': 'bench',
          'mlflow.source.name': 'bench_agent.py',
          'mlflow.source.type': 'LOCAL',
          'mlflow.trace_schema.version': '3',
          'mlflow.traceInputs': JSON.stringify({ question }).slice(0, 250),
          'mlflow.traceOutputs': JSON.stringify(answer).slice(0, 250),
          'mlflow.trace.sizeBytes': String(otlp.length),
          'mlflow.trace.sizeStats': JSON.stringify({
            total_size_bytes: otlp.length,
            num_spans: SPANS_PER_TRACE,
            max: 900,
            p25: 400,
            p50: 500,
            p75: 700,
          }),
        },
        tags: { 'mlflow.traceName': 'agent', env: ENVS[n % ENVS.length] },
        request_preview: JSON.stringify({ question }),
        response_preview: JSON.stringify(answer),
      },
    },
  });
  return { traceId, otlp, startTrace };
}

async function json(
  pool: Pool,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const res = await pool.request({
    method,
    path,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    headersTimeout: 0,
    bodyTimeout: 0,
    // A connection a call: seeding blocks this process for seconds between calls, long enough
    // for the server to close an idle kept-alive one just as the next request goes out on it.
    reset: true,
  });
  const text = await res.body.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON (e.g. an HTML 404 page).
  }
  return { status: res.statusCode, body: parsed, text };
}

export async function createExperiment(pool: Pool, name: string) {
  const made = await json(pool, 'POST', '/api/2.0/mlflow/experiments/create', { name });
  if (made.status !== 200)
    throw new Error(`experiments/create answered ${made.status}: ${made.text}`);
  const id = String(made.body.experiment_id);
  const got = await json(pool, 'GET', `/api/2.0/mlflow/experiments/get?experiment_id=${id}`);
  const location = (got.body.experiment as { artifact_location: string }).artifact_location;
  return { id, location: location.replace(/\/+$/, '') };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Sends traces `0 … count-1` over `clients` connections; each client sends one trace at a time. */
export async function sendTraces(
  pool: Pool,
  traces: BuiltTrace[],
  experimentId: string,
  clients: number,
  maxSeconds: number,
): Promise<{
  stored: string[];
  times: number[];
  failed: number;
  errors: string[];
  timedOut: boolean;
  seconds: number;
}> {
  let next = 0;
  const stored: string[] = [];
  const times: number[] = [];
  const errors: string[] = [];
  let failed = 0;
  let timedOut = false;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + maxSeconds * 1000;
  const client = async () => {
    for (;;) {
      if (Date.now() > deadline) {
        timedOut = next < traces.length;
        return;
      }
      const n = next++;
      if (n >= traces.length) return;
      const t = traces[n];
      const begin = process.hrtime.bigint();
      try {
        const spans = await pool.request({
          method: 'POST',
          path: '/v1/traces',
          headers: {
            'content-type': 'application/x-protobuf',
            'x-mlflow-experiment-id': experimentId,
          },
          body: t.otlp,
          headersTimeout: maxSeconds * 1000,
          bodyTimeout: maxSeconds * 1000,
        });
        const spansText = await spans.body.text();
        if (spans.statusCode !== 200)
          throw new Error(`/v1/traces ${spans.statusCode}: ${spansText.slice(0, 200)}`);
        const info = await pool.request({
          method: 'POST',
          path: `${V3}/traces`,
          headers: { 'content-type': 'application/json' },
          body: t.startTrace,
          headersTimeout: maxSeconds * 1000,
          bodyTimeout: maxSeconds * 1000,
        });
        const infoText = await info.body.text();
        if (info.statusCode !== 200)
          throw new Error(`StartTraceV3 ${info.statusCode}: ${infoText.slice(0, 200)}`);
        times.push(Number(process.hrtime.bigint() - begin) / 1e6);
        stored.push(t.traceId);
      } catch (err) {
        failed++;
        if (errors.length < 3) errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { stored, times: times.sort((a, b) => a - b), failed, errors, timedOut, seconds };
}

/**
 * Spans each stored trace holds, read back as the client does (`GET traces/batchGet`, 10 ids a
 * call): a server that drops spans, or answers before storing them, cannot look fast.
 */
async function storedSpans(pool: Pool, ids: string[]): Promise<{ spans: number; short: number }> {
  let spans = 0;
  let short = 0;
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += 10) chunks.push(ids.slice(i, i + 10));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++];
      const query = chunk.map((id) => `trace_ids=${id}`).join('&');
      const got = await json(pool, 'GET', `${V3}/traces/batchGet?${query}`);
      if (got.status !== 200)
        throw new Error(`traces/batchGet answered ${got.status}: ${got.text.slice(0, 200)}`);
      const traces = (got.body.traces ?? []) as { spans?: unknown[] }[];
      short += chunk.length - traces.length;
      for (const t of traces) {
        const n = t.spans?.length ?? 0;
        spans += n;
        if (n !== SPANS_PER_TRACE) short++;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { spans, short };
}

/** The logical trace seeded as the n-th of the search experiment: same on both servers. */
export function seededTrace(n: number, artifactRoot: string) {
  const id = `tr-${traceIdBytes('search', n).toString('hex')}`;
  const question = `Q${n}: ${text(n, 20)}?`;
  const answer = `A${n}: ${text(n + 1, 25)}.`;
  const size = 4000 + Math.floor(unit(n * 7) * 4000);
  return {
    id,
    timestampMs: BASE_TIME + n * 1000,
    executionMs: 200 + Math.floor(unit(n * 3 + 1) * 5000),
    status: unit(n * 5 + 2) < 0.05 ? 'ERROR' : 'OK',
    name: n % 4 === 0 ? 'retrieval_agent' : 'agent',
    requestPreview: JSON.stringify({ question }),
    responsePreview: JSON.stringify(answer),
    tags: {
      env: ENVS[n % ENVS.length],
      model: MODELS[n % MODELS.length],
      'mlflow.artifactLocation': `${artifactRoot}/traces/${id}/artifacts`,
      'mlflow.trace.spansLocation': 'TRACKING_STORE',
    } as Record<string, string>,
    metadata: {
      'mlflow.user': 'bench',
      'mlflow.source.name': 'bench_agent.py',
      'mlflow.source.type': 'LOCAL',
      'mlflow.trace_schema.version': '3',
      'mlflow.traceInputs': JSON.stringify({ question }),
      'mlflow.traceOutputs': JSON.stringify(answer),
      'mlflow.trace.sizeBytes': String(size),
      'mlflow.trace.sizeStats': JSON.stringify({
        total_size_bytes: size,
        num_spans: SPANS_PER_TRACE,
        max: 900,
        p25: 400,
        p50: 500,
        p75: 700,
      }),
      'mlflow.trace.infoFinalized': 'true',
    } as Record<string, string>,
  };
}

/**
 * Inserts traces `0 … count-1` (their info, tags and metadata, as StartTraceV3 and the spans
 * would have left them; no span rows: none of the searches reads spans) into experiment
 * `experimentId` of ours or of MLflow's file. Both schemas name these columns alike; MLflow's
 * trace_info has more (tokens, costs, session), left NULL as for traces without them.
 */
export function seedTraces(
  file: string,
  experimentId: number,
  artifactRoot: string,
  count: number,
): void {
  const db = new SQLite(file);
  try {
    db.pragma('busy_timeout = 30000');
    db.pragma('cache_size = -262144');
    db.pragma('synchronous = OFF');
    const info = db.prepare(
      `insert into trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status,
         client_request_id, request_preview, response_preview, trace_name)
       values (?, ?, ?, ?, ?, null, ?, ?, ?)`,
    );
    // Column order differs between the schemas: name the columns.
    const tag = db.prepare('insert into trace_tags (request_id, key, value) values (?, ?, ?)');
    const meta = db.prepare(
      'insert into trace_request_metadata (request_id, key, value) values (?, ?, ?)',
    );
    const insertRange = db.transaction((start: number, end: number) => {
      for (let n = start; n < end; n++) {
        const t = seededTrace(n, artifactRoot);
        info.run(
          t.id,
          experimentId,
          t.timestampMs,
          t.executionMs,
          t.status,
          t.requestPreview,
          t.responsePreview,
          t.name,
        );
        for (const [k, v] of Object.entries(t.tags)) tag.run(t.id, k, v);
        for (const [k, v] of Object.entries(t.metadata)) meta.run(t.id, k, v);
      }
    });
    for (let n = 0; n < count; n += 5000) insertRange(n, Math.min(count, n + 5000));
    // Ours keeps each trace's answer beside it, written by the server's trace writers; rows
    // written behind its back are left blank by its triggers and written here, as after a
    // migration.
    if (db.prepare("select 1 from sqlite_master where name = 'trace_info_json'").get()) {
      db.exec(REFRESH_ALL_SQL);
    }
    // Settled, as after any load the server took itself: a WAL database (ours) has its log copied
    // back now, not by the server's background checkpoints while the searches are timed (MLflow's
    // file has no log: its rows went straight into the database).
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** The trace info fields both servers must answer alike for a seeded trace. */
function canonicalInfo(body: Record<string, unknown>): string {
  const info = (body.trace as { trace_info: Record<string, unknown> }).trace_info;
  // The artifact location names each server's own artifact root: left out.
  const sorted = (o: unknown) =>
    Object.fromEntries(
      Object.entries((o ?? {}) as Record<string, string>)
        .filter(([k]) => k !== 'mlflow.artifactLocation')
        .sort(),
    );
  return JSON.stringify({
    trace_id: info.trace_id,
    request_time: info.request_time,
    execution_duration: info.execution_duration,
    state: info.state,
    request_preview: info.request_preview,
    response_preview: info.response_preview,
    tags: sorted(info.tags),
    trace_metadata: sorted(info.trace_metadata),
  });
}

function log(server: ServerHandle, what: string) {
  console.log(`  [${server.name}] ${what}`);
}

export async function measureTraces(
  server: ServerHandle,
  seed: Seeder,
  sizes: TraceSizes,
): Promise<TraceFigures> {
  const figures: TraceFigures = {
    search: {},
    searchTraces: sizes.searchTraces,
    searchFirstPage: {},
    problems: [],
    notes: [],
  };
  // Errors of ours are a bug; the peer's are part of what is measured (noted, not counted).
  const fault = (what: string) =>
    (server.name === 'trackd' ? figures.problems : figures.notes).push(`${server.name} ${what}`);
  const pool = new Pool(server.url, { connections: Math.max(4, sizes.ingestClients) });
  try {
    // 1. Ingest.
    const warm = await createExperiment(pool, 'bench-traces-warmup');
    const exp = await createExperiment(pool, 'bench-traces-ingest');
    const warmTraces = Array.from({ length: 20 }, (_, n) => buildTrace('warm', n, warm.id));
    const warmed = await sendTraces(pool, warmTraces, warm.id, sizes.ingestClients, 30);
    if (warmed.stored.length === 0) {
      figures.ingestMissing = `not served (${(warmed.errors[0] ?? 'no trace stored').slice(0, 80)})`;
      log(server, `trace ingest not measured: ${figures.ingestMissing}`);
    } else {
      // Bodies made before the clock starts, as the other loads' are.
      const traces = Array.from({ length: sizes.ingestTraces }, (_, n) =>
        buildTrace('ingest', n, exp.id),
      );
      const cpuBefore = server.cpuSeconds();
      const sent = await sendTraces(pool, traces, exp.id, sizes.ingestClients, sizes.maxSeconds);
      const cpu = server.cpuSeconds() - cpuBefore;
      if (sent.failed) {
        fault(
          `trace ingest: ${sent.failed} of ${sent.failed + sent.stored.length} traces failed (${sent.errors.join('; ')})`,
        );
      }
      const check = await storedSpans(pool, sent.stored);
      const expected = sent.stored.length * SPANS_PER_TRACE;
      if (check.spans !== expected || check.short) {
        figures.problems.push(
          `${server.name} trace ingest: ${check.spans} spans read back of ${expected} acknowledged (${check.short} traces incomplete)`,
        );
      }
      figures.ingest = {
        traces: sent.stored.length,
        spans: check.spans,
        seconds: sent.seconds,
        // Only spans read back count.
        spansPerSecond: check.spans / sent.seconds,
        p50Ms: percentile(sent.times, 50),
        p99Ms: percentile(sent.times, 99),
        failed: sent.failed,
        timedOut: sent.timedOut,
        serverCpuMsPerTrace: (cpu * 1000) / Math.max(1, sent.stored.length),
      };
      const i = figures.ingest;
      log(
        server,
        `trace ingest, ${sizes.ingestClients} clients: ${i.traces} traces (${i.spans} spans read back) in ` +
          `${i.seconds.toFixed(1)} s, ${i.spansPerSecond.toFixed(0)} spans/s, per trace p50 ${i.p50Ms.toFixed(1)} ms, ` +
          `p99 ${i.p99Ms.toFixed(1)} ms, server CPU ${i.serverCpuMsPerTrace.toFixed(2)} ms/trace` +
          (i.timedOut ? ' (time limit)' : ''),
      );
    }

    // 2. search_traces over many traces in one experiment.
    const searchExp = await createExperiment(pool, 'bench-traces-search');
    const searches = traceSearches(sizes.searchTraces);
    const body = (s: { filter?: string; order_by?: string[] }) =>
      JSON.stringify({
        locations: [
          { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: searchExp.id } },
        ],
        ...(s.filter ? { filter: s.filter } : {}),
        max_results: 100,
        ...(s.order_by ? { order_by: s.order_by } : {}),
      });
    const started = Date.now();
    await seed.traces(Number(searchExp.id), searchExp.location, sizes.searchTraces);
    log(
      server,
      `seeded ${sizes.searchTraces} traces directly in ${seed.name} (${Date.now() - started} ms)`,
    );
    const sample = seededTrace(Math.floor(sizes.searchTraces / 2), searchExp.location);
    const got = await json(pool, 'GET', `${V3}/traces/${sample.id}`);
    if (got.status === 200) figures.seededInfo = canonicalInfo(got.body);
    else
      figures.problems.push(
        `${server.name}: a seeded trace answered ${got.status}: ${got.text.slice(0, 200)}`,
      );
    const probe = await json(pool, 'POST', `${V3}/traces/search`, JSON.parse(body({})));
    if (probe.status !== 200) {
      const code = /"error_code":\s*"(\w+)"/.exec(probe.text)?.[1] ?? probe.text.slice(0, 80);
      figures.searchMissing = `SearchTracesV3 not served (POST traces/search: ${probe.status} ${code})`;
      log(server, `search_traces not measured: ${figures.searchMissing}`);
      return figures;
    }
    for (const [what, s] of Object.entries(searches)) {
      const first = await json(pool, 'POST', `${V3}/traces/search`, JSON.parse(body(s)));
      if (first.status !== 200) {
        fault(`search_traces (${what}) answered ${first.status}: ${first.text.slice(0, 200)}`);
        continue;
      }
      const page = ((first.body.traces ?? []) as { trace_id: string }[]).map((t) => t.trace_id);
      figures.searchFirstPage[what] = page;
      if (page.length !== Math.min(100, sizes.searchTraces)) {
        figures.problems.push(
          `${server.name} search_traces (${what}): ${page.length} traces on the first page`,
        );
      }
      const search = {
        url: `${server.url}${V3}/traces/search`,
        method: 'POST' as const,
        body: () => body(s),
        serverCpuSeconds: server.cpuSeconds,
      };
      await load({ ...search, connections: 1, amount: 2, maxSeconds: sizes.maxSeconds });
      const r = await load({
        ...search,
        connections: 1,
        amount: sizes.searchRequests,
        maxSeconds: sizes.maxSeconds * 2,
      });
      log(
        server,
        `search_traces over ${sizes.searchTraces} traces, ${what}: ${r.ok}/${r.requests} ok, ` +
          `p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms` +
          (r.serverCpuMs === undefined ? '' : `, server CPU ${r.serverCpuMs.toFixed(2)} ms/req`),
      );
      if (r.failed) fault(`search_traces (${what}): ${r.failed} of ${r.requests} requests failed`);
      figures.search[what] = r;
    }
  } finally {
    await pool.close();
  }
  return figures;
}

/** Compares what both servers answered for the same seeded data; returns the differences. */
export function compareTraceFigures(ours: TraceFigures, mlflow: TraceFigures): string[] {
  const out: string[] = [];
  if (ours.seededInfo && mlflow.seededInfo && ours.seededInfo !== mlflow.seededInfo) {
    out.push(`seeded trace info differs: trackd ${ours.seededInfo} / MLflow ${mlflow.seededInfo}`);
  }
  for (const [what, page] of Object.entries(ours.searchFirstPage)) {
    const theirs = mlflow.searchFirstPage[what];
    if (theirs && theirs.join() !== page.join()) {
      out.push(`search_traces (${what}): first pages of trackd and MLflow differ`);
    }
  }
  return out;
}

/** The section's rows: spans/s of ingest and p50/p99 of each search, targets ≥ 10× MLflow. */
export function traceRows(ours: TraceFigures, mlflow: TraceFigures | undefined): Row[] {
  const rows: Row[] = [];
  const target = { vsMlflow: 10, text: '≥ 10× MLflow' };
  rows.push({
    what: `trace ingest (OTLP + StartTraceV3, ${SPANS_PER_TRACE} spans a trace)`,
    ours: ours.ingest?.spansPerSecond,
    mlflow: mlflow?.ingest?.spansPerSecond,
    unit: 'spans/s',
    better: 'higher',
    target,
    missing: ours.ingestMissing ?? (mlflow?.ingestMissing && `MLflow: ${mlflow.ingestMissing}`),
  });
  const size = ours.searchTraces.toLocaleString('en-US');
  for (const what of Object.keys(traceSearches(ours.searchTraces))) {
    for (const p of ['p50', 'p99'] as const) {
      rows.push({
        what: `search_traces, ${size} traces, ${what}, ${p}`,
        ours: ours.search[what]?.[`${p}Ms`],
        mlflow: mlflow?.search[what]?.[`${p}Ms`],
        unit: 'ms',
        better: 'lower',
        target: p === 'p50' ? target : undefined,
        missing: ours.searchMissing,
      });
    }
  }
  return rows;
}
