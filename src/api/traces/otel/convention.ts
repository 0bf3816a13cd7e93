// What one OpenTelemetry naming convention (OpenInference, GenAI semconv, Traceloop, …) tells
// MLflow about a span, as MLflow 3.17's translators read it (mlflow/tracing/otel/translation).
// A convention is mostly data — which attribute holds the kind, the tokens, the inputs — and the
// builders below turn that data into the readers; a few conventions add their own rules.
import type { PyJson } from '../../../python-json.js';
import type { SpanView } from './span-view.js';

/** MLflow's span types (mlflow.entities.SpanType). */
export const SpanType = {
  LLM: 'LLM',
  CHAIN: 'CHAIN',
  AGENT: 'AGENT',
  TOOL: 'TOOL',
  CHAT_MODEL: 'CHAT_MODEL',
  RETRIEVER: 'RETRIEVER',
  PARSER: 'PARSER',
  EMBEDDING: 'EMBEDDING',
  RERANKER: 'RERANKER',
  MEMORY: 'MEMORY',
  UNKNOWN: 'UNKNOWN',
  WORKFLOW: 'WORKFLOW',
  TASK: 'TASK',
  GUARDRAIL: 'GUARDRAIL',
  EVALUATOR: 'EVALUATOR',
} as const;

/**
 * Token counts as a convention finds them: stored attribute text (or a count it computed),
 * parsed by the translator with MLflow's int rules.
 */
export interface RawTokens {
  input?: PyJson;
  output?: PyJson;
  total?: PyJson;
  cacheRead?: PyJson;
  cacheCreation?: PyJson;
}

export interface Convention {
  readonly name: string;
  /** Attribute keys the convention reads; a span with none of them is never shown to it. */
  readonly keys: readonly string[];
  /** Key prefixes that also make a span worth a look (attribute families like `lk.*`). */
  readonly keyPrefixes?: readonly string[];
  /** Span event names the convention reads inputs or outputs from. */
  readonly eventNames?: readonly string[];
  spanType?(span: SpanView): string | undefined;
  tokens?(span: SpanView): RawTokens | undefined;
  /** The inputs, as stored attribute text (JSON, or plain text MLflow keeps as it is). */
  inputs?(span: SpanView): string | undefined;
  outputs?(span: SpanView): string | undefined;
  inputsFromEvents?(span: SpanView): string | undefined;
  outputsFromEvents?(span: SpanView): string | undefined;
  messageFormat?(span: SpanView): string | undefined;
  toolDefinitions?(span: SpanView): string | undefined;
  modelName?(span: SpanView): PyJson | undefined;
  modelProvider?(span: SpanView): PyJson | undefined;
}

/** MLflow's base rule: the kind attribute's (decoded) value looked up in a table. */
export function kindFrom(
  key: string,
  table: Readonly<Record<string, string>>,
): (span: SpanView) => string | undefined {
  return (span) => {
    const kind = span.decoded(key);
    return typeof kind === 'string' && Object.hasOwn(table, kind) ? table[kind] : undefined;
  };
}

/** Token counts read from fixed attribute keys. */
export function tokensFrom(keys: {
  input?: string;
  output?: string;
  total?: string;
  cacheRead?: string;
  cacheCreation?: string;
}): (span: SpanView) => RawTokens | undefined {
  const all = Object.values(keys);
  return (span) => {
    // Most spans carry none of a convention's token keys: no object for them.
    if (!all.some((k) => span.has(k))) return undefined;
    return {
      input: keys.input === undefined ? undefined : span.raw(keys.input),
      output: keys.output === undefined ? undefined : span.raw(keys.output),
      total: keys.total === undefined ? undefined : span.raw(keys.total),
      cacheRead: keys.cacheRead === undefined ? undefined : span.raw(keys.cacheRead),
      cacheCreation: keys.cacheCreation === undefined ? undefined : span.raw(keys.cacheCreation),
    };
  };
}

/** The first of `keys` holding a truthy value, as stored. */
export function firstOf(keys: readonly string[]): (span: SpanView) => string | undefined {
  return (span) => span.firstChecked(keys);
}

/** The first of `keys` holding a truthy value, decoded (model names and providers). */
export function decodedFirstOf(keys: readonly string[]): (span: SpanView) => PyJson | undefined {
  return (span) => span.firstDecoded(keys);
}
