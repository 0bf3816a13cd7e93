// The OTLP trace messages (opentelemetry-proto: collector/trace/v1, trace/v1, common/v1,
// resource/v1; field numbers as published) and their decoding, from protobuf or OTLP-JSON, into
// the same protobufjs messages. Only what a receiver reads is declared; unknown fields are skipped.
import protobuf from 'protobufjs';

const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope {
  string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4;
}
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
  fixed32 flags = 16; string name = 5; int32 kind = 6;
  fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12;
  repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
  message Event {
    fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3;
    uint32 dropped_attributes_count = 4;
  }
  message Link {
    bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5; fixed32 flags = 6;
  }
}
message Status { string message = 2; StatusCode code = 3; }
enum StatusCode { STATUS_CODE_UNSET = 0; STATUS_CODE_OK = 1; STATUS_CODE_ERROR = 2; }
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
`;

const root = protobuf.parse(OTLP_TRACE_PROTO).root;
const ExportTraceServiceRequest = root.lookupType('otlp.ExportTraceServiceRequest');

/** A 64-bit integer as protobufjs decodes it (long.js). */
interface Int64 {
  toString(): string;
}

export interface PbAnyValue {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64 | number;
  doubleValue?: number;
  arrayValue?: { values?: PbAnyValue[] };
  kvlistValue?: { values?: PbKeyValue[] };
  bytesValue?: Uint8Array;
}

export interface PbKeyValue {
  key: string;
  value?: PbAnyValue;
}

export interface PbSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId: Uint8Array;
  name: string;
  startTimeUnixNano: Int64 | number;
  endTimeUnixNano: Int64 | number;
  attributes?: PbKeyValue[];
  events?: { timeUnixNano: Int64 | number; name: string; attributes?: PbKeyValue[] }[];
  status?: { message?: string; code?: number };
}

export interface PbExportRequest {
  resourceSpans?: {
    resource?: { attributes?: PbKeyValue[] };
    scopeSpans?: { spans?: PbSpan[] }[];
  }[];
}

/** Decodes a binary ExportTraceServiceRequest; throws on malformed input. */
export function decodeProtobufRequest(body: Uint8Array): PbExportRequest {
  return ExportTraceServiceRequest.decode(body) as unknown as PbExportRequest;
}

export function encodeProtobufRequest(request: unknown): Uint8Array {
  return ExportTraceServiceRequest.encode(
    ExportTraceServiceRequest.fromObject(request as object),
  ).finish();
}

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * OTLP-JSON (lowerCamelCase or proto field names, ids in hex, 64-bit integers as strings or
 * numbers) to the protobuf message; unknown fields are ignored. `json` comes from a parser that
 * reads integers as bigints (json-int64.ts), so no digit of a nanosecond time is lost.
 */
export function decodeJsonRequest(json: unknown): PbExportRequest {
  const prepare = (value: unknown, key?: string): unknown => {
    if (typeof value === 'bigint') {
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    }
    if (typeof value === 'string' && key !== undefined && ID_FIELDS.has(key)) {
      if (!/^([0-9a-fA-F]{2})*$/.test(value)) throw new Error(`${key} is not hex`);
      return Buffer.from(value, 'hex');
    }
    if (Array.isArray(value)) return value.map((v) => prepare(v));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[camel(k)] = prepare(v, camel(k));
      return out;
    }
    return value;
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('not an object');
  }
  const message = ExportTraceServiceRequest.fromObject(prepare(json) as object);
  return message as unknown as PbExportRequest;
}
