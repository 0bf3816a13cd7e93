// Spans for the translation tests: attributes given as OTLP values are stored as the receiver
// stores them (JSON-encoded), translated, and the MLflow attributes read back decoded.
import { storedAttribute } from '../../../src/api/traces/otlp-spans.js';
import { translateSpan } from '../../../src/api/traces/otel/translate.js';
import type { SpanEventView } from '../../../src/api/traces/otel/span-view.js';
import type { JsonValue } from '../../../src/json-int64.js';

export interface Translated {
  /** Every `mlflow.*` attribute after translation, as stored (JSON text). */
  stored: Record<string, string>;
  /** The same, decoded (what MLflow's client shows as span.inputs, span.span_type, …). */
  mlflow: Record<string, unknown>;
}

/** As the receiver decodes OTLP: whole numbers were int values (bigints), others doubles. */
function otlpValue(value: JsonValue): JsonValue {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(otlpValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, otlpValue(v)]));
  }
  return value;
}

/** Translates a span whose attributes are given as OTLP values (JS numbers: see otlpValue). */
export function translate(
  attributes: Record<string, JsonValue>,
  events: SpanEventView[] = [],
): Translated {
  const stored: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    stored[key] = storedAttribute(otlpValue(value));
  }
  translateSpan(
    stored,
    events.map((e) => ({
      name: e.name,
      attributes: otlpValue(e.attributes) as SpanEventView['attributes'],
    })),
  );
  const mlflow: Record<string, unknown> = {};
  const mlflowStored: Record<string, string> = {};
  for (const [key, text] of Object.entries(stored)) {
    if (!key.startsWith('mlflow.')) continue;
    mlflowStored[key] = text;
    try {
      mlflow[key] = JSON.parse(text) as unknown;
    } catch {
      mlflow[key] = text;
    }
  }
  return { stored: mlflowStored, mlflow };
}

export const json = (value: unknown) => JSON.stringify(value);
