// MLflow's JSON shapes of traces (TraceInfoV3, assessments, traces.json spans) and the reading of
// values out of them. No DOM and no fetching here, so the span tree can be tested in Node.

export interface AssessmentSource {
  source_type?: string;
  source_id?: string;
}

/** A feedback or an expectation, as trace infos embed them. */
export interface Assessment {
  assessment_id: string;
  assessment_name: string;
  trace_id?: string;
  span_id?: string;
  source?: AssessmentSource;
  create_time?: string;
  last_update_time?: string;
  feedback?: {
    value?: unknown;
    error?: { error_code?: string; error_message?: string; stack_trace?: string };
  };
  expectation?: {
    value?: unknown;
    serialized_value?: { serialization_format?: string; value?: string };
  };
  rationale?: string;
  metadata?: Record<string, string>;
  overrides?: string;
  valid?: boolean;
}

export interface TraceInfo {
  trace_id: string;
  client_request_id?: string;
  trace_location?: { type?: string; mlflow_experiment?: { experiment_id: string } };
  request_preview?: string;
  response_preview?: string;
  /** RFC 3339. */
  request_time: string;
  /** Protobuf Duration text, `0.112s`. */
  execution_duration?: string;
  state: string;
  trace_metadata?: Record<string, string>;
  assessments?: Assessment[];
  tags?: Record<string, string>;
}

/** One span of traces.json: ids base64, times in ns, attribute values JSON text. */
export interface Span {
  trace_id: string;
  span_id: string;
  parent_span_id?: string | null;
  name: string;
  start_time_unix_nano: number;
  end_time_unix_nano?: number | null;
  events?: { name: string; time_unix_nano: number; attributes?: Record<string, unknown> }[];
  status?: { code?: string; message?: string };
  attributes?: Record<string, string>;
}

export const SOURCE_RUN = 'mlflow.sourceRun';
export const TRACE_NAME = 'mlflow.traceName';
export const TOKEN_USAGE = 'mlflow.trace.tokenUsage';

/** Milliseconds of `0.112s`; undefined when absent or not a duration. */
export function durationMs(text: string | undefined): number | undefined {
  const m = /^(-?\d+)(?:\.(\d+))?s$/.exec(text ?? '');
  if (!m) return undefined;
  return Number(m[1]) * 1000 + Number(`0.${m[2] ?? '0'}`) * 1000;
}

export const requestTimeMs = (info: TraceInfo) => Date.parse(info.request_time);

export const traceName = (info: TraceInfo) => info.tags?.[TRACE_NAME];

/** A JSON value as it was written, or the text itself when it is not JSON. */
export function parseJsonText(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The value an assessment carries: feedback's, an expectation's (serialized ones parsed). */
export function assessmentValue(a: Assessment): unknown {
  if (a.feedback) return a.feedback.value;
  const serialized = a.expectation?.serialized_value?.value;
  return serialized !== undefined ? parseJsonText(serialized) : a.expectation?.value;
}
