// MLflow's deprecated V2 trace endpoints, still served by 3.17 (older clients call them):
// StartTrace, EndTrace, GetTraceInfo and SearchTraces, answering the V2 TraceInfo shape
// (request_id, timestamp_ms, status, request_metadata and tags as key/value lists).
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { endpoint, type Endpoint } from '../../http/endpoint.js';
import { createPageToken, parsePageToken } from '../../search/page-token.js';
import { searchTraceIds } from '../../search/trace-search.js';
import { parseExperimentId } from '../../store/experiments.js';
import {
  getTraceInfo,
  loadTraceInfos,
  traceMetadata,
  traceTags,
  type TraceInfoRecord,
} from '../../store/traces.js';
import { endTraceV2, startTraceV2 } from '../../store/traces-v2.js';
import { SEARCH_DEFAULT_MAX_RESULTS, traceSearchFields } from './traces.js';
import { int64, requiredString } from '../wire/fields.js';

const V2 = '/2.0/mlflow';
const TAG = 'Traces';
/** What MLflow's TraceInfoV2.to_proto cuts keys and values to. */
const MAX_METADATA_CHARS = 250;
const MAX_TAG_KEY_CHARS = 250;
const MAX_TAG_VALUE_CHARS = 4096;

/** The proto enum TraceStatus, by number and by name. */
const TRACE_STATUSES = ['TRACE_STATUS_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'] as const;

/**
 * A TraceStatus as protobuf's JSON parser reads it: a known name or number; an unknown name is
 * dropped (the field reads as unspecified), an unknown number is refused.
 */
const traceStatus = () =>
  z.preprocess((v) => {
    if (v === undefined) return 'TRACE_STATUS_UNSPECIFIED';
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < TRACE_STATUSES.length) {
      return TRACE_STATUSES[v];
    }
    if (typeof v === 'string' && !(TRACE_STATUSES as readonly string[]).includes(v)) {
      return 'TRACE_STATUS_UNSPECIFIED';
    }
    return v;
  }, z.enum(TRACE_STATUSES));

/** `[{key, value}]` where every entry has a key, else the whole list is refused, as MLflow does. */
const keyValueList = () =>
  z
    .array(z.object({ key: z.string().optional(), value: z.string().optional() }))
    .refine((entries) => entries.every((e) => e.key))
    .optional();

function toRecord(entries: { key?: string; value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries ?? []) out[e.key!] = e.value ?? '';
  return out;
}

const keyValueSchema = z.object({ key: z.string(), value: z.string() });
const traceInfoV2Schema = z
  .object({
    request_id: z.string(),
    experiment_id: z.string(),
    timestamp_ms: z.number().int(),
    execution_time_ms: z.number().int(),
    status: z.enum(TRACE_STATUSES),
    request_metadata: z.array(keyValueSchema).optional(),
    tags: z.array(keyValueSchema).optional(),
  })
  .meta({ id: 'TraceInfoV2' });
const traceInfoResponse = z.object({ trace_info: traceInfoV2Schema });

function keyValues(
  values: Record<string, string>,
  keyLimit: number,
  valueLimit: number,
): { key: string; value: string }[] {
  const cut = new Map<string, string>();
  for (const key of Object.keys(values).sort()) {
    cut.set(key.slice(0, keyLimit), values[key].slice(0, valueLimit));
  }
  return [...cut].map(([key, value]) => ({ key, value }));
}

/** A trace info as MLflow's V2 TraceInfo proto: no duration reads 0, states map to statuses. */
export function traceInfoV2Json(info: TraceInfoRecord): z.infer<typeof traceInfoV2Schema> {
  const metadata = keyValues(traceMetadata(info), MAX_METADATA_CHARS, MAX_METADATA_CHARS);
  const tags = keyValues(traceTags(info), MAX_TAG_KEY_CHARS, MAX_TAG_VALUE_CHARS);
  return {
    request_id: info.request_id,
    experiment_id: String(info.experiment_id),
    timestamp_ms: Number(info.timestamp_ms),
    execution_time_ms: Number(info.execution_time_ms ?? 0),
    status:
      info.status === 'STATE_UNSPECIFIED'
        ? 'TRACE_STATUS_UNSPECIFIED'
        : (info.status as (typeof TRACE_STATUSES)[number]),
    ...(metadata.length > 0 ? { request_metadata: metadata } : {}),
    ...(tags.length > 0 ? { tags } : {}),
  };
}

export const traceV2Endpoints: Endpoint[] = [
  endpoint({
    method: 'POST',
    paths: [`${V2}/traces`],
    access: 'edit',
    tag: TAG,
    summary: 'StartTrace (V2, deprecated): a new IN_PROGRESS trace with a generated request id',
    request: z.object({
      experiment_id: requiredString(),
      timestamp_ms: int64().optional(),
      request_metadata: keyValueList(),
      tags: keyValueList(),
    }),
    response: traceInfoResponse,
    handler: async (input, { project }) => {
      const info = await startTraceV2(project.db, {
        experimentId: parseExperimentId(input.experiment_id),
        timestampMs: input.timestamp_ms ?? 0,
        metadata: toRecord(input.request_metadata),
        tags: toRecord(input.tags),
      });
      return { trace_info: traceInfoV2Json(info) };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V2}/traces`],
    access: 'read',
    tag: TAG,
    summary: 'SearchTraces (V2, deprecated): trace infos matching a filter, ordered and paged',
    request: z.object({
      experiment_ids: z.array(z.string()).min(1),
      ...traceSearchFields,
    }),
    response: z.object({
      traces: z.array(traceInfoV2Schema).optional(),
      next_page_token: z.string().optional(),
    }),
    handler: async (input, { project }) => {
      const maxResults = input.max_results ?? SEARCH_DEFAULT_MAX_RESULTS;
      if (maxResults < 1) {
        throw MlflowError.invalidParameter(
          `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`,
        );
      }
      const offset = parsePageToken(input.page_token || undefined);
      const ids = await searchTraceIds(project.db, {
        experimentIds: input.experiment_ids.map(parseExperimentId),
        filter: input.filter,
        orderBy: input.order_by,
        maxResults,
        offset,
      });
      if (ids.length === 0) return {};
      const infos = await loadTraceInfos(project.db, ids);
      return {
        traces: ids.flatMap((id) => (infos.has(id) ? [traceInfoV2Json(infos.get(id)!)] : [])),
        // As SearchTracesV3: a token whenever the page is full, even if nothing follows.
        ...(ids.length === maxResults
          ? { next_page_token: createPageToken(offset + maxResults) }
          : {}),
      };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V2}/traces/:request_id/info`],
    access: 'read',
    tag: TAG,
    summary: "GetTraceInfo (V2, deprecated): a trace's info with its tags and metadata",
    request: z.object({ request_id: requiredString() }),
    response: traceInfoResponse,
    handler: async ({ request_id }, { project }) => ({
      trace_info: traceInfoV2Json(await getTraceInfo(project.db, request_id)),
    }),
  }),
  endpoint({
    method: 'PATCH',
    paths: [`${V2}/traces/:request_id`],
    access: 'edit',
    tag: TAG,
    summary: 'EndTrace (V2, deprecated): set the status and end time, merge tags and metadata',
    request: z.object({
      request_id: requiredString(),
      timestamp_ms: int64().optional(),
      status: traceStatus(),
      request_metadata: keyValueList(),
      tags: keyValueList(),
    }),
    response: traceInfoResponse,
    handler: async (input, { project }) => {
      const info = await endTraceV2(project.db, input.request_id, {
        timestampMs: input.timestamp_ms ?? 0,
        status: input.status,
        metadata: toRecord(input.request_metadata),
        tags: toRecord(input.tags),
      });
      return { trace_info: traceInfoV2Json(info) };
    },
  }),
];
