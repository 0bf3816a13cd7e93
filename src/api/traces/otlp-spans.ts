// OTLP spans to MLflow spans, as MLflow's Span.from_otel_proto and its store-time translation do:
// the trace id is always `tr-` + the OTel trace id in hex; every attribute is decoded from its
// AnyValue and kept JSON-encoded (one layer of double encoding removed), then other instrumentations'
// attributes are translated into MLflow's (otel/translate.ts); the span's content is the
// traces.json form (ids base64, attributes as JSON strings).
import { stringifyJson64, parseJson64, type JsonValue } from '../../json-int64.js';
import type { SpanRecord } from '../../store/spans.js';
import type { PbAnyValue, PbExportRequest, PbKeyValue, PbSpan } from './otlp-proto.js';
import { translateSpan } from './otel/translate.js';

export const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;
const STATUS_SHORT = ['UNSET', 'OK', 'ERROR'] as const;

/** A span the receiver cannot turn into an MLflow span (MLflow answers 422). */
export class SpanConversionError extends Error {}

export function anyValueToJson(value: PbAnyValue | undefined): JsonValue {
  if (!value?.value) return null;
  switch (value.value) {
    case 'stringValue':
      return value.stringValue ?? '';
    case 'boolValue':
      return value.boolValue ?? false;
    case 'intValue':
      return BigInt((value.intValue ?? 0).toString());
    case 'doubleValue':
      return value.doubleValue ?? 0;
    case 'arrayValue':
      return (value.arrayValue?.values ?? []).map(anyValueToJson);
    case 'kvlistValue':
      return keyValuesToJson(value.kvlistValue?.values);
    case 'bytesValue':
      return Buffer.from(value.bytesValue ?? []).toString('base64');
    default:
      return null;
  }
}

function keyValuesToJson(values: PbKeyValue[] | undefined): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const kv of values ?? []) out[kv.key] = anyValueToJson(kv.value);
  return out;
}

/** `json.dumps` of the decoded value, less one layer of double encoding (sanitize_attributes). */
export function storedAttribute(value: JsonValue): string {
  // Only a string holding a JSON string, object or array loses a layer; anything else (most span
  // attributes: types, names, ids) is not parsed at all, a failed parse being costly.
  if (typeof value === 'string' && '"{['.includes(value.trimStart()[0] ?? ' ')) {
    try {
      const inner = parseJson64(value);
      if (typeof inner === 'string' || (typeof inner === 'object' && inner !== null)) return value;
    } catch {
      // not JSON: stored as a JSON string below
    }
  }
  return stringifyJson64(value, true);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

export interface ConvertedBatch {
  spans: SpanRecord[];
  /** Resource attributes other than telemetry.sdk.* and mlflow.*, as trace tags. */
  resourceTags: Record<string, string>;
}

/** Every span of the request; throws SpanConversionError on a span MLflow would refuse. */
export function convertRequest(request: PbExportRequest): ConvertedBatch {
  const spans: SpanRecord[] = [];
  const resourceTags: Record<string, string> = {};
  for (const resourceSpans of request.resourceSpans ?? []) {
    for (const kv of resourceSpans.resource?.attributes ?? []) {
      if (kv.key.startsWith('telemetry.sdk.') || kv.key.startsWith('mlflow.')) continue;
      const value = anyValueToJson(kv.value);
      resourceTags[kv.key] = typeof value === 'string' ? value : stringifyJson64(value, true);
    }
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) spans.push(convertSpan(span));
    }
  }
  return { spans, resourceTags };
}

function sentType(stored: string | undefined): string | null {
  if (stored === undefined) return null;
  try {
    const parsed = JSON.parse(stored) as unknown;
    return typeof parsed === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

function convertSpan(span: PbSpan): SpanRecord {
  if (!span.traceId?.length || !span.spanId?.length) {
    throw new SpanConversionError('trace_id and span_id are required');
  }
  if (span.traceId.length > 16 || span.spanId.length > 8) {
    throw new SpanConversionError('trace_id or span_id too long');
  }
  const traceIdHex = hex(span.traceId).padStart(32, '0');
  const spanIdHex = hex(span.spanId).padStart(16, '0');
  const parent = span.parentSpanId?.length ? hex(span.parentSpanId).padStart(16, '0') : null;
  const traceId = `tr-${traceIdHex}`;
  const code = span.status?.code ?? 0;
  const statusIndex = code === 1 || code === 2 ? code : 0;
  const attributes: Record<string, string> = {};
  for (const kv of span.attributes ?? [])
    attributes[kv.key] = storedAttribute(anyValueToJson(kv.value));
  attributes['mlflow.traceRequestId'] = JSON.stringify(traceId);
  const startNs = BigInt(span.startTimeUnixNano.toString());
  const endRaw = BigInt(span.endTimeUnixNano.toString());
  const endNs = endRaw === 0n ? null : endRaw;
  // The searchable type is the one the span was sent with, as MLflow's store keeps it (its span
  // row is written from the span before translation); the translated type is in the content.
  const type = sentType(attributes['mlflow.spanType']);
  const events = (span.events ?? []).map((e) => ({
    name: e.name,
    time_unix_nano: BigInt(e.timeUnixNano.toString()),
    attributes: keyValuesToJson(e.attributes),
  }));
  translateSpan(attributes, events);
  const content = stringifyJson64({
    trace_id: b64(Buffer.from(traceIdHex, 'hex')),
    span_id: b64(Buffer.from(spanIdHex, 'hex')),
    parent_span_id: parent === null ? null : b64(Buffer.from(parent, 'hex')),
    name: span.name,
    start_time_unix_nano: startNs,
    end_time_unix_nano: endNs,
    events,
    status: { code: STATUS_NAMES[statusIndex], message: span.status?.message ?? '' },
    attributes,
    links: [],
  });
  return {
    traceId,
    spanId: spanIdHex,
    parentSpanId: parent,
    name: span.name,
    type,
    status: STATUS_SHORT[statusIndex],
    startNs,
    endNs,
    attributes,
    content,
  };
}
