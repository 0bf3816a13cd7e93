// Store-time translation of spans from other OpenTelemetry instrumentations into MLflow's span
// attributes, as MLflow 3.17's server does before storing (translate_span_when_storing): span
// type, inputs/outputs, token usage, chat message format, tool definitions, model, provider and
// cost. Conventions are consulted in MLflow's order; the first with an answer wins, and nothing a
// span already carries is replaced (but an UNKNOWN type is). A span with no attribute or event any
// convention reads (e.g. one made by MLflow's own client) costs one look at its keys.
import { PyFloat, pyLoads, pyTruthy, type PyJson } from '../../../python-json.js';
import type { Convention, RawTokens } from './convention.js';
import { claudeCode } from './conventions/claude-code.js';
import { geminiCli } from './conventions/gemini-cli.js';
import { genAiSemconv } from './conventions/genai-semconv.js';
import { googleAdk } from './conventions/google-adk.js';
import { laminar } from './conventions/laminar.js';
import { langfuse } from './conventions/langfuse.js';
import { liveKit } from './conventions/livekit.js';
import { openInference } from './conventions/open-inference.js';
import { springAi } from './conventions/spring-ai.js';
import { traceloop } from './conventions/traceloop.js';
import { vercelAi } from './conventions/vercel-ai.js';
import { voltAgent } from './conventions/voltagent.js';
import { spanCost } from './cost.js';
import {
  SpanView,
  dumpAttribute,
  loadsOrText,
  parseCount,
  type SpanEventView,
} from './span-view.js';

export const SpanAttribute = {
  TYPE: 'mlflow.spanType',
  INPUTS: 'mlflow.spanInputs',
  OUTPUTS: 'mlflow.spanOutputs',
  TOKEN_USAGE: 'mlflow.chat.tokenUsage',
  MESSAGE_FORMAT: 'mlflow.message.format',
  TOOLS: 'mlflow.chat.tools',
  MODEL: 'mlflow.llm.model',
  PROVIDER: 'mlflow.llm.provider',
  COST: 'mlflow.llm.cost',
} as const;

/** MLflow's translator order: where two conventions share a key, the earlier one answers. */
export const CONVENTIONS: readonly Convention[] = [
  openInference,
  geminiCli,
  claudeCode,
  genAiSemconv,
  springAi,
  traceloop,
  googleAdk,
  vercelAi,
  voltAgent,
  liveKit,
  laminar,
  langfuse,
];
/** The conventions MLflow asks for inputs and outputs carried by events, in its order. */
const EVENT_CONVENTIONS: readonly Convention[] = [springAi, liveKit, claudeCode];

const KNOWN_KEYS = new Set(CONVENTIONS.flatMap((c) => c.keys));
const KNOWN_PREFIXES = [...new Set(CONVENTIONS.flatMap((c) => c.keyPrefixes ?? []))];
const KNOWN_EVENTS = new Set(CONVENTIONS.flatMap((c) => c.eventNames ?? []));

/** Whether any convention reads something this span carries. */
function speaksAConvention(
  attributes: Record<string, string>,
  events: readonly SpanEventView[],
): boolean {
  for (const key in attributes) {
    if (KNOWN_KEYS.has(key)) return true;
    for (const prefix of KNOWN_PREFIXES) if (key.startsWith(prefix)) return true;
  }
  return events.some((e) => KNOWN_EVENTS.has(e.name));
}

function first<T>(
  conventions: readonly Convention[],
  read: (c: Convention) => T | undefined,
): T | undefined {
  for (const convention of conventions) {
    const value = read(convention);
    if (value !== undefined) return value;
  }
  return undefined;
}

const TOKEN_FIELDS: [keyof RawTokens, string][] = [
  ['input', 'input_tokens'],
  ['output', 'output_tokens'],
  ['total', 'total_tokens'],
  ['cacheRead', 'cache_read_input_tokens'],
  ['cacheCreation', 'cache_creation_input_tokens'],
];

/** The first convention's token counts (a total made from input + output when missing). */
function tokenUsage(span: SpanView): Map<string, PyJson> | undefined {
  for (const convention of CONVENTIONS) {
    const raw = convention.tokens?.(span);
    if (raw === undefined) continue;
    const counts: Partial<Record<keyof RawTokens, bigint | boolean>> = {};
    for (const [field] of TOKEN_FIELDS) counts[field] = parseCount(raw[field]);
    if (counts.total === undefined && counts.input !== undefined && counts.output !== undefined) {
      counts.total = BigInt(counts.input) + BigInt(counts.output);
    }
    if (counts.input === undefined && counts.output === undefined && counts.total === undefined) {
      continue;
    }
    const usage = new Map<string, PyJson>();
    for (const [field, key] of TOKEN_FIELDS) {
      if (counts[field] !== undefined) usage.set(key, counts[field]!);
    }
    return usage;
  }
  return undefined;
}

/** A `model` string in MLflow's inputs or outputs (a dict), MLflow's last resort for a name. */
function modelFromPayload(text: string | undefined): { found: boolean; model?: string } {
  // Only a dict with a "model" key can answer; anything else is not worth decoding.
  if (text === undefined || !text.includes('"model"') || text.trimStart()[0] !== '{') {
    return { found: false };
  }
  // The native parser is several times faster on large payloads; Python's extras (NaN,
  // Infinity) are left to ours.
  let model: PyJson | undefined;
  try {
    const payload = JSON.parse(text) as unknown;
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      return { found: false };
    }
    const value = (payload as Record<string, unknown>).model;
    model = typeof value === 'string' ? value : value === undefined ? undefined : pyOf(value);
  } catch {
    try {
      const payload = pyLoads(text);
      if (!(payload instanceof Map)) return { found: false };
      model = payload.get('model');
    } catch {
      return { found: false };
    }
  }
  if (model === undefined || !pyTruthy(model)) return { found: false };
  return { found: true, model: typeof model === 'string' ? model : undefined };
}

/** Enough of a natively parsed value for Python's truthiness test. */
function pyOf(value: unknown): PyJson {
  if (typeof value === 'number') return new PyFloat(value);
  if (Array.isArray(value)) return value.length > 0 ? [null] : [];
  if (value !== null && typeof value === 'object') {
    return new Map(Object.keys(value).map((k) => [k, null]));
  }
  return value as PyJson;
}

function modelName(span: SpanView, speaks: boolean): PyJson | undefined {
  const named = speaks ? first(CONVENTIONS, (c) => c.modelName?.(span)) : undefined;
  if (named !== undefined) return named;
  for (const key of [SpanAttribute.INPUTS, SpanAttribute.OUTPUTS]) {
    const { found, model } = modelFromPayload(span.raw(key));
    if (found) return model;
  }
  return undefined;
}

function setCost(span: SpanView): void {
  let model: PyJson;
  let usage: PyJson;
  let provider: PyJson | undefined;
  try {
    usage = span.strictDecoded(SpanAttribute.TOKEN_USAGE);
    model = span.strictDecoded(SpanAttribute.MODEL);
    provider = span.has(SpanAttribute.PROVIDER)
      ? span.strictDecoded(SpanAttribute.PROVIDER)
      : undefined;
  } catch {
    return;
  }
  const cost = spanCost(model, usage, provider);
  if (cost !== undefined) span.set(SpanAttribute.COST, dumpAttribute(cost));
}

/**
 * Adds MLflow's attributes to a span's (JSON-encoded) attributes in place, from whichever
 * convention it follows; `events` are its events with decoded attribute values.
 */
export function translateSpan(
  attributes: Record<string, string>,
  events: readonly SpanEventView[],
): void {
  const span = new SpanView(attributes, events);
  const speaks = speaksAConvention(attributes, events);
  if (speaks) translateConventions(span);
  if (!span.has(SpanAttribute.MODEL)) {
    const model = modelName(span, speaks);
    if (model !== undefined) span.set(SpanAttribute.MODEL, dumpAttribute(model), model);
  }
  if (speaks && !span.has(SpanAttribute.PROVIDER)) {
    const provider = first(CONVENTIONS, (c) => c.modelProvider?.(span));
    if (provider !== undefined) {
      span.set(SpanAttribute.PROVIDER, dumpAttribute(provider), provider);
    }
  }
  if (
    !span.has(SpanAttribute.COST) &&
    span.has(SpanAttribute.TOKEN_USAGE) &&
    span.has(SpanAttribute.MODEL)
  ) {
    setCost(span);
  }
}

function translateConventions(span: SpanView): void {
  const type = first(CONVENTIONS, (c) => c.spanType?.(span));
  if (type !== undefined) {
    const current = span.raw(SpanAttribute.TYPE);
    const currentType = current ? loadsOrText(current) : null;
    if (currentType === null || currentType === 'UNKNOWN') {
      span.set(SpanAttribute.TYPE, dumpAttribute(type));
    }
  }
  if (!span.has(SpanAttribute.INPUTS)) {
    const inputs =
      first(CONVENTIONS, (c) => c.inputs?.(span)) ??
      (span.events.length > 0
        ? first(EVENT_CONVENTIONS, (c) => c.inputsFromEvents?.(span))
        : undefined);
    if (inputs) span.set(SpanAttribute.INPUTS, inputs);
  }
  if (!span.has(SpanAttribute.OUTPUTS)) {
    const outputs =
      first(CONVENTIONS, (c) => c.outputs?.(span)) ??
      (span.events.length > 0
        ? first(EVENT_CONVENTIONS, (c) => c.outputsFromEvents?.(span))
        : undefined);
    if (outputs) span.set(SpanAttribute.OUTPUTS, outputs);
  }
  if (!span.has(SpanAttribute.TOKEN_USAGE)) {
    const usage = tokenUsage(span);
    if (usage !== undefined) span.set(SpanAttribute.TOKEN_USAGE, dumpAttribute(usage), usage);
  }
  if (!span.has(SpanAttribute.MESSAGE_FORMAT)) {
    const format = first(CONVENTIONS, (c) => c.messageFormat?.(span));
    if (format !== undefined) span.set(SpanAttribute.MESSAGE_FORMAT, dumpAttribute(format));
  }
  if (!span.has(SpanAttribute.TOOLS)) {
    const tools = first(CONVENTIONS, (c) => c.toolDefinitions?.(span));
    if (tools !== undefined) span.set(SpanAttribute.TOOLS, tools);
  }
}
