// OTLP requests for tests, encoded with the same protobuf messages the receiver decodes.
import { encodeProtobufRequest } from '../../src/api/traces/otlp-proto.js';

export interface TestSpan {
  traceId: string; // 32 hex
  spanId: string; // 16 hex
  parentSpanId?: string;
  name: string;
  start: string; // ns, as text
  end: string;
  attributes?: Record<string, unknown>;
  status?: 0 | 1 | 2;
  statusMessage?: string;
  events?: { name: string; time: string; attributes?: Record<string, unknown> }[];
}

function anyValue(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'bigint') return { intValue: v.toString() };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (v && typeof v === 'object') return { kvlistValue: { values: keyValues(v as object) } };
  return {};
}

function keyValues(attrs: object): { key: string; value: Record<string, unknown> }[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) }));
}

/** The ExportTraceServiceRequest as an object (protobufjs field names, ids as bytes). */
export function otlpObject(spans: TestSpan[], resource: Record<string, unknown> = {}) {
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValues({ 'telemetry.sdk.language': 'node', ...resource }) },
        scopeSpans: [
          {
            spans: spans.map((s) => ({
              traceId: Buffer.from(s.traceId, 'hex'),
              spanId: Buffer.from(s.spanId, 'hex'),
              ...(s.parentSpanId ? { parentSpanId: Buffer.from(s.parentSpanId, 'hex') } : {}),
              name: s.name,
              startTimeUnixNano: s.start,
              endTimeUnixNano: s.end,
              attributes: keyValues(s.attributes ?? {}),
              events: (s.events ?? []).map((e) => ({
                name: e.name,
                timeUnixNano: e.time,
                attributes: keyValues(e.attributes ?? {}),
              })),
              status: { code: s.status ?? 1, message: s.statusMessage ?? '' },
            })),
          },
        ],
      },
    ],
  };
}

export function otlpProtobuf(spans: TestSpan[], resource?: Record<string, unknown>): Buffer {
  return Buffer.from(encodeProtobufRequest(otlpObject(spans, resource)));
}

/** The same request in OTLP-JSON (camelCase, hex ids, int64 as strings). */
export function otlpJson(spans: TestSpan[]): string {
  return JSON.stringify(otlpObject(spans), (_k, v: unknown) => {
    if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer') {
      return Buffer.from((v as { data: number[] }).data).toString('hex');
    }
    return v;
  });
}
