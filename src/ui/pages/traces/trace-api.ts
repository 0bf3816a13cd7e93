// MLflow 3's traces as the UI reads them: trace infos (SearchTracesV3, GetTraceInfoV3), a trace's
// spans in the traces.json form (get-trace-artifact, as MLflow's own UI reads them: attributes as
// JSON text), and tag writes. Only public REST paths, below the page's project.
import { get, post, send } from '../../api.js';
import type { Span, TraceInfo } from './trace-shapes.js';

const V3 = '/api/3.0/mlflow';
const tracePath = (traceId: string) => `${V3}/traces/${encodeURIComponent(traceId)}`;

export interface TracePage {
  traces?: TraceInfo[];
  next_page_token?: string;
}

export function searchTraces(query: {
  experimentId: string;
  filter?: string;
  orderBy?: string;
  maxResults: number;
  pageToken?: string;
}): Promise<TracePage> {
  return post<TracePage>(`${V3}/traces/search`, {
    locations: [
      { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: query.experimentId } },
    ],
    max_results: query.maxResults,
    ...(query.filter ? { filter: query.filter } : {}),
    ...(query.orderBy ? { order_by: [query.orderBy] } : {}),
    ...(query.pageToken ? { page_token: query.pageToken } : {}),
  });
}

export const getTraceInfo = (traceId: string) =>
  get<{ trace: { trace_info: TraceInfo } }>(tracePath(traceId)).then((r) => r.trace.trace_info);

export const getSpans = (traceId: string) =>
  get<{ spans?: Span[] }>(`${V3}/get-trace-artifact`, { request_id: traceId }).then(
    (r) => r.spans ?? [],
  );

export const setTraceTag = (traceId: string, key: string, value: string) =>
  send('PATCH', `${tracePath(traceId)}/tags`, { key, value });

export const deleteTraceTag = (traceId: string, key: string) =>
  send('DELETE', `${tracePath(traceId)}/tags?${new URLSearchParams({ key })}`);
