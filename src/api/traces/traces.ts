// MLflow 3's trace endpoints (v3, and the v2 paths the 3.17 client still calls): StartTraceV3,
// trace info, full traces with spans, tags, deletion, links to runs and prompts, traces.json.
// Literal paths (`get`, `batchGet`, …) come before `/traces/:trace_id` so they win.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { endpoint, type Endpoint } from '../../http/endpoint.js';
import { jsonText } from '../../http/responses.js';
import { parseExperimentId } from '../../store/experiments.js';
import { loadSpans, type StoredSpan } from '../../store/spans.js';
import {
  SPANS_LOCATION_TAG,
  TRACKING_STORE,
  deleteTraceTag,
  deleteTraces,
  getTraceInfo,
  linkPromptsToTrace,
  linkTracesToRun,
  loadTraceInfos,
  setTraceTag,
  startTrace,
  traceMetadata,
  traceTags,
  type TraceInfoRecord,
} from '../../store/traces.js';
import type { Db } from '../../store/experiments.js';
import { loadTraceInfoPage, loadTraceInfoTexts } from '../../store/trace-info-text.js';
import { int64, requiredString } from '../wire/fields.js';
import { createPageToken, parsePageToken } from '../../search/page-token.js';
import { searchTraceIds } from '../../search/trace-search.js';
import { parseDuration, parseTimestamp, traceInfoText, traceText } from './trace-json.js';

const V2 = '/2.0/mlflow';
const V3 = '/3.0/mlflow';
const TAG = 'Traces';
const SIZE_STATS_KEY = 'mlflow.trace.sizeStats';
/** GetTrace(allow_partial=False) waits this long, in steps, for spans still on their way. */
const PARTIAL_RETRY_MS = [1000, 2000];

const emptySchema = z.object({});
const traceInfoSchema = z
  .object({
    trace_id: z.string(),
    client_request_id: z.string().optional(),
    trace_location: z.object({
      type: z.string(),
      mlflow_experiment: z.object({ experiment_id: z.string() }).optional(),
    }),
    request_preview: z.string().optional(),
    response_preview: z.string().optional(),
    request_time: z.string(),
    execution_duration: z.string().optional(),
    state: z.string(),
    trace_metadata: z.record(z.string(), z.string()).optional(),
    assessments: z.array(z.record(z.string(), z.unknown())).optional(),
    tags: z.record(z.string(), z.string()).optional(),
  })
  .meta({ id: 'TraceInfoV3' });
const spanSchema = z.record(z.string(), z.unknown()).meta({
  description: 'An OTLP span in proto JSON (ids base64, attributes as typed AnyValues)',
});
const traceSchema = z.object({ trace_info: traceInfoSchema, spans: z.array(spanSchema) });

const startTraceRequest = z.object({
  trace: z.object({
    trace_info: z.object({
      trace_id: requiredString(),
      client_request_id: z.string().optional(),
      trace_location: z.object({
        type: z.string().optional(),
        mlflow_experiment: z.object({ experiment_id: requiredString() }),
      }),
      request_preview: z.string().optional(),
      response_preview: z.string().optional(),
      request_time: requiredString(),
      execution_duration: z.string().optional(),
      state: z.string().optional(),
      trace_metadata: z.record(z.string(), z.string()).optional(),
      tags: z.record(z.string(), z.string()).optional(),
    }),
  }),
});

/** The trace, its spans stored here; with `allowPartial` false, all of them (MLflow's check). */
async function fullTrace(
  db: Db,
  traceId: string,
  allowPartial: boolean,
): Promise<{ info: TraceInfoRecord; spans: StoredSpan[] } | undefined> {
  for (let attempt = 0; ; attempt++) {
    const info = (await loadTraceInfos(db, [traceId])).get(traceId);
    if (!info) return undefined;
    const spans = await loadSpans(db, traceId);
    if (allowPartial || complete(info, spans.length)) return { info, spans };
    if (attempt >= PARTIAL_RETRY_MS.length) return { info, spans: [] };
    await sleep(PARTIAL_RETRY_MS[attempt]);
  }
}

/**
 * `{"<field>":[…]…}` listing the TraceInfoV3 texts of the traces found, in the order of `ids`;
 * `{}` when none is found. `rest` follows the list (a page token). Most pages are stored text
 * joined by SQLite (bytes, sent as they are); a page with a trace left to JS is written here.
 */
async function traceInfoList(
  db: Db,
  field: string,
  ids: string[],
  rest = '',
): Promise<string | Buffer> {
  const page = await loadTraceInfoPage(db, ids, `{"${field}":[`, `]${rest}}`);
  if (page !== undefined) return page ?? '{}';
  const { texts, others } = await loadTraceInfoTexts(db, ids);
  const infos = others.length > 0 ? await loadTraceInfos(db, others) : undefined;
  const list = ids.flatMap((id) => {
    const text = texts.get(id) ?? (infos?.has(id) ? traceInfoText(infos.get(id)!) : undefined);
    return text === undefined ? [] : [text];
  });
  return list.length === 0 ? '{}' : `{"${field}":[${list.join(',')}]${rest}}`;
}

function complete(info: TraceInfoRecord, spanCount: number): boolean {
  if (spanCount === 0) return false;
  const stats = traceMetadata(info)[SIZE_STATS_KEY];
  if (stats === undefined) return true;
  try {
    const expected = (JSON.parse(stats) as { num_spans?: number }).num_spans;
    return expected === undefined || spanCount >= expected;
  } catch {
    return true;
  }
}

const SEARCH_MAX_RESULTS = 500;
export const SEARCH_DEFAULT_MAX_RESULTS = 100;

/** The filter, order and paging fields SearchTraces (V2) and SearchTracesV3 share. */
export const traceSearchFields = {
  filter: z.string().optional(),
  max_results: int64()
    .refine((n) => n <= SEARCH_MAX_RESULTS)
    .optional(),
  order_by: z.array(z.string()).optional(),
  page_token: z.string().optional(),
};

const searchEndpoint = endpoint({
  method: 'POST',
  paths: [`${V3}/traces/search`],
  access: 'read',
  tag: TAG,
  summary: "SearchTracesV3: trace infos matching MLflow's trace filter, ordered and paged",
  request: z.object({
    locations: z.array(
      z.object({
        type: z.string().optional(),
        mlflow_experiment: z.object({ experiment_id: requiredString() }).optional(),
      }),
    ),
    ...traceSearchFields,
  }),
  response: z.object({
    traces: z.array(traceInfoSchema).optional(),
    next_page_token: z.string().optional(),
  }),
  handler: async (input, { project }) => {
    const experimentIds = input.locations.flatMap((l) =>
      l.mlflow_experiment ? [parseExperimentId(l.mlflow_experiment.experiment_id)] : [],
    );
    const maxResults = input.max_results || SEARCH_DEFAULT_MAX_RESULTS;
    const offset = parsePageToken(input.page_token);
    const ids = await searchTraceIds(project.db, {
      experimentIds,
      filter: input.filter,
      orderBy: input.order_by,
      maxResults,
      offset,
    });
    if (ids.length === 0) return {};
    // MLflow hands out a token whenever the page is full, even if nothing follows.
    const token =
      ids.length === maxResults
        ? `,"next_page_token":${JSON.stringify(createPageToken(offset + maxResults))}`
        : '';
    return jsonText(await traceInfoList(project.db, 'traces', ids, token));
  },
});

const deleteTracesEndpoint = (version: string): Endpoint =>
  endpoint({
    method: 'POST',
    paths: [`${version}/traces/delete-traces`],
    access: 'manage',
    tag: TAG,
    summary: 'Delete traces of an experiment by id, or the oldest up to a timestamp',
    request: z.object({
      experiment_id: requiredString(),
      max_timestamp_millis: int64().optional(),
      max_traces: int64().optional(),
      request_ids: z.array(z.string()).optional(),
    }),
    response: z.object({ traces_deleted: z.number().int() }),
    handler: async (input, { project }) => ({
      traces_deleted: await deleteTraces(project.db, {
        experimentId: parseExperimentId(input.experiment_id),
        maxTimestampMillis: input.max_timestamp_millis,
        maxTraces: input.max_traces,
        requestIds: input.request_ids,
      }),
    }),
  });

export const traceEndpoints: Endpoint[] = [
  endpoint({
    method: 'POST',
    paths: [`${V3}/traces`],
    access: 'edit',
    tag: TAG,
    summary: "StartTraceV3: record a trace's info (created, or merged with spans already stored)",
    request: startTraceRequest,
    response: z.object({ trace: z.object({ trace_info: traceInfoSchema }) }),
    handler: async ({ trace: { trace_info: t } }, { project }) => {
      const requestTime = parseTimestamp(t.request_time);
      if (requestTime === undefined) {
        throw MlflowError.invalidParameter(`Invalid request_time '${t.request_time}'.`);
      }
      const duration = t.execution_duration ? parseDuration(t.execution_duration) : undefined;
      await startTrace(project.db, {
        traceId: t.trace_id,
        experimentId: parseExperimentId(t.trace_location.mlflow_experiment.experiment_id),
        requestTime,
        executionDuration: duration ?? null,
        state: t.state ?? 'STATE_UNSPECIFIED',
        clientRequestId: t.client_request_id,
        requestPreview: t.request_preview,
        responsePreview: t.response_preview,
        tags: t.tags ?? {},
        metadata: t.trace_metadata ?? {},
      });
      // The answer just stored beside the trace, as search pages read it (one read, no JSON
      // written here); else written from the trace's rows.
      const stored = await loadTraceInfoPage(
        project.db,
        [t.trace_id],
        '{"trace":{"trace_info":',
        '}}',
      );
      return jsonText(
        stored ??
          `{"trace":{"trace_info":${traceInfoText(await getTraceInfo(project.db, t.trace_id))}}}`,
      );
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V3}/traces/get`],
    access: 'read',
    tag: TAG,
    summary: 'GetTrace: a trace with its spans',
    request: z.object({ trace_id: requiredString(), allow_partial: z.boolean().optional() }),
    response: z.object({ trace: traceSchema }),
    handler: async ({ trace_id, allow_partial }, { project }) => {
      const found = await fullTrace(project.db, trace_id, allow_partial ?? false);
      if (!found) throw MlflowError.notFound(`Trace with ID ${trace_id} is not found.`);
      if (
        traceTags(found.info)[SPANS_LOCATION_TAG] !== TRACKING_STORE ||
        found.spans.length === 0
      ) {
        throw MlflowError.notFound(
          `Trace with ID ${trace_id} is not fully exported yet, please try again later.`,
        );
      }
      return jsonText(`{"trace":${traceText(found.info, found.spans)}}`);
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V3}/traces/batchGet`],
    access: 'read',
    tag: TAG,
    summary: 'BatchGetTraces: traces with their spans (unknown or incomplete ones left out)',
    request: z.object({
      trace_ids: z.array(z.string()).min(1),
      experiment_ids: z.array(z.string()).optional(),
    }),
    response: z.object({ traces: z.array(traceSchema).optional() }),
    handler: async ({ trace_ids }, { project }) => {
      const texts: string[] = [];
      for (const id of trace_ids) {
        const found = await fullTrace(project.db, id, true);
        if (found && complete(found.info, found.spans.length)) {
          texts.push(traceText(found.info, found.spans));
        }
      }
      return jsonText(texts.length ? `{"traces":[${texts.join(',')}]}` : '{}');
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V3}/traces/batchGetInfos`],
    access: 'read',
    tag: TAG,
    summary: 'BatchGetTraceInfos: trace infos by id',
    request: z.object({
      trace_ids: z.array(z.string()).min(1),
      experiment_ids: z.array(z.string()).optional(),
    }),
    response: z.object({ trace_infos: z.array(traceInfoSchema).optional() }),
    handler: async ({ trace_ids }, { project }) => {
      return jsonText(await traceInfoList(project.db, 'trace_infos', trace_ids));
    },
  }),
  searchEndpoint,
  deleteTracesEndpoint(V2),
  deleteTracesEndpoint(V3),
  endpoint({
    method: 'POST',
    paths: [`${V2}/traces/link-to-run`],
    access: 'edit',
    tag: TAG,
    summary: 'Link traces to a run (at most 100; traces still on their way are linked too)',
    request: z.object({ trace_ids: z.array(z.string()).min(1), run_id: requiredString() }),
    response: emptySchema,
    handler: async ({ trace_ids, run_id }, { project }) => {
      await project.db.transaction().execute((trx) => linkTracesToRun(trx, trace_ids, run_id));
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/traces/link-prompts`],
    access: 'edit',
    tag: TAG,
    summary: 'Link prompt versions to a trace',
    request: z.object({
      trace_id: requiredString(),
      prompt_versions: z
        .array(z.object({ name: requiredString(), version: requiredString() }))
        .min(1),
    }),
    response: emptySchema,
    handler: async ({ trace_id, prompt_versions }, { project }) => {
      await linkPromptsToTrace(project.db, trace_id, prompt_versions);
      return {};
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V2}/get-trace-artifact`, `${V3}/get-trace-artifact`],
    access: 'read',
    tag: TAG,
    summary: 'A trace\'s spans as MLflow\'s traces.json (`{"spans": […]}`)',
    request: z.object({ request_id: requiredString(), path: z.string().optional() }),
    response: z.object({ spans: z.array(z.record(z.string(), z.unknown())) }),
    handler: async ({ request_id }, { project }) => {
      await getTraceInfo(project.db, request_id);
      const spans = await loadSpans(project.db, request_id);
      // A download, as MLflow's server sends it: saved as traces.json, never sniffed.
      return jsonText(`{"spans":[${spans.map((s) => s.content).join(',')}]}`, {
        'Content-Disposition': 'attachment; filename=traces.json',
        'X-Content-Type-Options': 'nosniff',
      });
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V3}/traces/:trace_id`],
    access: 'read',
    tag: TAG,
    summary: "GetTraceInfoV3: a trace's info (tags, metadata, assessments)",
    request: z.object({ trace_id: requiredString() }),
    response: z.object({ trace: z.object({ trace_info: traceInfoSchema }) }),
    handler: async ({ trace_id }, { project }) =>
      jsonText(
        `{"trace":{"trace_info":${traceInfoText(await getTraceInfo(project.db, trace_id))}}}`,
      ),
  }),
  endpoint({
    method: 'PATCH',
    paths: [`${V2}/traces/:trace_id/tags`, `${V3}/traces/:trace_id/tags`],
    access: 'edit',
    tag: TAG,
    summary: 'Set a tag on a trace',
    request: z.object({
      trace_id: requiredString(),
      key: requiredString(),
      value: z.string().optional(),
    }),
    response: emptySchema,
    handler: async ({ trace_id, key, value }, { project }) => {
      await setTraceTag(project.db, trace_id, key, value ?? '');
      return {};
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${V2}/traces/:trace_id/tags`, `${V3}/traces/:trace_id/tags`],
    access: 'edit',
    tag: TAG,
    summary: 'Delete a tag of a trace (key in the JSON body)',
    request: z.object({ trace_id: requiredString(), key: requiredString() }),
    response: emptySchema,
    handler: async ({ trace_id, key }, { project }) => {
      await deleteTraceTag(project.db, trace_id, key);
      return {};
    },
  }),
];
