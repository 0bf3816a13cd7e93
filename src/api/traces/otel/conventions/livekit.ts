// LiveKit Agents: GenAI conventions for LLM calls (and their message events), `lk.*` attributes
// for everything else; a span with any `lk.*` attribute renders in MLflow's LiveKit chat view.
// https://docs.livekit.io/agents/observability/
import { SpanType, firstOf, type Convention } from '../convention.js';
import type { SpanView } from '../span-view.js';
import {
  GENAI_EVENT_NAMES,
  OPERATION_KEY,
  OPERATION_TYPES,
  REQUEST_MODEL_KEY,
  genAiBase,
  inputsFromGenAiEvents,
  outputsFromGenAiEvents,
} from './genai-semconv.js';

const PREFIX = 'lk.';
const INPUTS = ['lk.user_input', 'lk.user_transcript', 'lk.chat_ctx', 'lk.input_text'];
const OUTPUTS = ['lk.response.text', 'lk.response.function_calls'];
const AGENT_KEYS = ['lk.agent_name', 'lk.instructions', 'lk.generation_id'];
const SPEECH_KEYS = ['lk.user_transcript', 'lk.transcript_confidence', 'lk.transcription_delay'];

/** Python's `str(value)` is only compared with the operation names, which are strings. */
function operationName(span: SpanView): string | undefined {
  const op = span.decoded(OPERATION_KEY);
  return typeof op === 'string' ? op.toLowerCase() : undefined;
}

/** The type an `lk.*` attribute implies; the first telling attribute (in span order) wins. */
function typeFromKeys(span: SpanView): string | undefined {
  for (const key of Object.keys(span.attributes)) {
    if (key === 'lk.retry_count') return SpanType.LLM;
    if (key.startsWith('lk.function_tool')) return SpanType.TOOL;
    if (AGENT_KEYS.includes(key)) return SpanType.AGENT;
    if (key.startsWith('lk.tts') || key === 'lk.input_text') return SpanType.UNKNOWN;
    if (SPEECH_KEYS.includes(key)) return SpanType.UNKNOWN;
  }
  return undefined;
}

export const liveKit: Convention = {
  name: 'livekit',
  ...genAiBase,
  keyPrefixes: [PREFIX],
  eventNames: GENAI_EVENT_NAMES,
  spanType: (span) => {
    if (span.has(REQUEST_MODEL_KEY)) return SpanType.LLM;
    const op = span.has(OPERATION_KEY) ? operationName(span) : undefined;
    if (op !== undefined && Object.hasOwn(OPERATION_TYPES, op)) return OPERATION_TYPES[op];
    return typeFromKeys(span);
  },
  messageFormat: (span) => {
    for (const key in span.attributes) if (key.startsWith(PREFIX)) return 'livekit';
    return undefined;
  },
  inputs: firstOf(INPUTS),
  outputs: firstOf(OUTPUTS),
  inputsFromEvents: inputsFromGenAiEvents,
  outputsFromEvents: outputsFromGenAiEvents,
};
