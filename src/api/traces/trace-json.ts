// MLflow's JSON shapes for traces (TraceInfoV3, full traces with OTLP spans) and assessments:
// proto field names, Timestamp as RFC 3339, Duration as "0.052s", span ids base64, attributes as
// typed AnyValues, int64 as JSON numbers written in full (json-int64.ts).
import { parseJson64, stringifyJson64, type JsonValue } from '../../json-int64.js';
import type { AssessmentsTable } from '../../store/schema.js';
import type { StoredSpan as StoredSpanRow } from '../../store/spans.js';
import type { TraceInfoRecord } from '../../store/traces.js';

/** RFC 3339 UTC with 0 or 3 fractional digits, as protobuf's JSON writes a millisecond time. */
export function timestampJson(ms: number): string {
  const iso = new Date(ms).toISOString();
  // `….000Z` → `…Z`; sliced rather than matched (a search page formats a hundred of these).
  return ms % 1000 === 0 && iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** Milliseconds of an RFC 3339 time (fractions beyond milliseconds are dropped). */
export function parseTimestamp(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) return undefined;
  const base = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(base)) return undefined;
  return base + Number((m[2] ?? '0').padEnd(3, '0').slice(0, 3));
}

export function durationJson(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const rest = ms % 1000;
  return rest === 0 ? `${seconds}s` : `${seconds}.${String(rest).padStart(3, '0')}s`;
}

export function parseDuration(text: string): number | undefined {
  const m = /^(-?\d+)(?:\.(\d+))?s$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * 1000 + Number((m[2] ?? '0').padEnd(3, '0').slice(0, 3));
}

function parseStored(text: string | null): JsonValue {
  if (text === null) return null;
  try {
    // Without a digit there is no number whose type or precision JSON.parse could lose.
    return /[0-9]/.test(text) ? parseJson64(text) : (JSON.parse(text) as JsonValue);
  } catch {
    return text;
  }
}

export function assessmentJson(a: AssessmentsTable): Record<string, unknown> {
  const out: Record<string, unknown> = {
    assessment_id: a.assessment_id,
    assessment_name: a.name,
    trace_id: a.trace_id,
  };
  if (a.span_id) out.span_id = a.span_id;
  out.source = { source_type: a.source_type, ...(a.source_id ? { source_id: a.source_id } : {}) };
  out.create_time = timestampJson(Number(a.created_timestamp));
  out.last_update_time = timestampJson(Number(a.last_updated_timestamp));
  const value = a.value === null ? null : (JSON.parse(a.value) as unknown);
  if (a.assessment_type === 'expectation') {
    const scalar = ['string', 'number', 'boolean'].includes(typeof value);
    out.expectation = scalar
      ? { value }
      : { serialized_value: { serialization_format: 'JSON_FORMAT', value: a.value ?? 'null' } };
  } else {
    const feedback: Record<string, unknown> = { value };
    if (a.error !== null) feedback.error = JSON.parse(a.error) as unknown;
    out.feedback = feedback;
  }
  if (a.rationale !== null) out.rationale = a.rationale;
  if (a.assessment_metadata !== null) {
    const metadata = JSON.parse(a.assessment_metadata) as Record<string, string>;
    if (Object.keys(metadata).length > 0) out.metadata = metadata;
  }
  if (a.overrides) out.overrides = a.overrides;
  out.valid = a.valid === 1;
  return out;
}

/**
 * TraceInfoV3 as JSON text. Tags and metadata are spliced in as the store's JSON text; a search
 * page of 100 traces is mostly their text, never turned into objects and back.
 */
export function traceInfoText(info: TraceInfoRecord): string {
  const str = JSON.stringify;
  let text = `{"trace_id":${str(info.request_id)}`;
  if (info.client_request_id !== null)
    text += `,"client_request_id":${str(info.client_request_id)}`;
  text += `,"trace_location":{"type":"MLFLOW_EXPERIMENT","mlflow_experiment":{"experiment_id":"${info.experiment_id}"}}`;
  if (info.request_preview !== null) text += `,"request_preview":${str(info.request_preview)}`;
  if (info.response_preview !== null) text += `,"response_preview":${str(info.response_preview)}`;
  text += `,"request_time":"${timestampJson(Number(info.timestamp_ms))}"`;
  if (info.execution_time_ms !== null) {
    text += `,"execution_duration":"${durationJson(Number(info.execution_time_ms))}"`;
  }
  text += `,"state":${str(info.status)}`;
  if (info.metadataJson !== '{}') text += `,"trace_metadata":${info.metadataJson}`;
  if (info.assessments.length > 0) {
    text += `,"assessments":${str(info.assessments.map(assessmentJson))}`;
  }
  if (info.tagsJson !== '{}') text += `,"tags":${info.tagsJson}`;
  return `${text}}`;
}

function anyValue(value: JsonValue): JsonValue {
  if (value === null) return {};
  if (typeof value === 'string') return { string_value: value };
  if (typeof value === 'bigint') return { int_value: value };
  if (typeof value === 'number') return { double_value: value };
  if (typeof value === 'boolean') return { bool_value: value };
  if (Array.isArray(value)) return { array_value: { values: value.map(anyValue) } };
  return { kvlist_value: { values: keyValues(value) } };
}

function keyValues(values: { [key: string]: JsonValue }): JsonValue[] {
  return Object.entries(values).map(([key, v]) => ({ key, value: anyValue(v) }));
}

type StoredSpan = {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  start_time_unix_nano: bigint;
  end_time_unix_nano: bigint | null;
  events: { name: string; time_unix_nano: bigint; attributes: { [key: string]: JsonValue } }[];
  status: { code: string; message: string };
  attributes: { [key: string]: string };
};

/**
 * A stored span (traces.json form) as an OTLP span in proto JSON (GetTrace, BatchGetTraces). The
 * content is read with JSON.parse (fast: its values are strings), its times from the columns as
 * exact text; only a span with events is read again keeping its event times exact.
 */
export function spanJson(stored: StoredSpanRow): JsonValue {
  let span = JSON.parse(stored.content) as StoredSpan;
  if (span.events.length > 0) span = parseJson64(stored.content) as unknown as StoredSpan;
  span.start_time_unix_nano = BigInt(stored.startNs);
  span.end_time_unix_nano = stored.endNs === null ? null : BigInt(stored.endNs);
  const out: { [key: string]: JsonValue } = { trace_id: span.trace_id, span_id: span.span_id };
  if (span.parent_span_id) out.parent_span_id = span.parent_span_id;
  out.name = span.name;
  out.start_time_unix_nano = span.start_time_unix_nano;
  if (span.end_time_unix_nano !== null) out.end_time_unix_nano = span.end_time_unix_nano;
  const attributes = Object.entries(span.attributes).map(([key, text]) => ({
    key,
    value: anyValue(parseStored(text)),
  }));
  if (attributes.length > 0) out.attributes = attributes;
  if (span.events.length > 0) {
    out.events = span.events.map((e) => {
      const event: { [key: string]: JsonValue } = {
        time_unix_nano: e.time_unix_nano,
        name: e.name,
      };
      const attrs = keyValues(e.attributes ?? {});
      if (attrs.length > 0) event.attributes = attrs;
      return event;
    });
  }
  const status: { [key: string]: JsonValue } = {};
  if (span.status.message) status.message = span.status.message;
  if (span.status.code !== 'STATUS_CODE_UNSET') status.code = span.status.code;
  out.status = status;
  return out;
}

/** `{"trace_info": …, "spans": […]}` as JSON text (spans hold int64 numbers). */
export function traceText(info: TraceInfoRecord, stored: StoredSpanRow[]): string {
  const spans = `[${stored.map((s) => stringifyJson64(spanJson(s))).join(',')}]`;
  return `{"trace_info":${traceInfoText(info)},"spans":${spans}}`;
}
