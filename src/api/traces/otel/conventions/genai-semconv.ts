// OpenTelemetry GenAI semantic conventions (`gen_ai.*`):
// https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
import { pyDumps, type PyJson } from '../../../../python-json.js';
import {
  SpanType,
  decodedFirstOf,
  firstOf,
  kindFrom,
  tokensFrom,
  type Convention,
} from '../convention.js';
import { eventValue, loadsOrText, type SpanView } from '../span-view.js';

export const OPERATION_KEY = 'gen_ai.operation.name';
export const REQUEST_MODEL_KEY = 'gen_ai.request.model';
export const INPUT_TOKENS_KEY = 'gen_ai.usage.input_tokens';
export const OUTPUT_TOKENS_KEY = 'gen_ai.usage.output_tokens';
const CACHE_READ_KEY = 'gen_ai.usage.cache_read.input_tokens';
const CACHE_WRITE_KEY = 'gen_ai.usage.cache_write.input_tokens';
/** The previous registry's name for cache writes, read when the current one is absent. */
const LEGACY_CACHE_WRITE_KEY = 'gen_ai.usage.cache_creation.input_tokens';
export const INPUT_KEYS = ['gen_ai.input.messages', 'gen_ai.tool.call.arguments'];
export const OUTPUT_KEYS = ['gen_ai.output.messages', 'gen_ai.tool.call.result'];
export const MODEL_KEYS = ['gen_ai.response.model', REQUEST_MODEL_KEY];
const PROVIDER_KEY = 'gen_ai.provider.name';
const TOOLS_KEY = 'gen_ai.tool.definitions';

export const OPERATION_TYPES: Readonly<Record<string, string>> = {
  chat: SpanType.CHAT_MODEL,
  create_agent: SpanType.AGENT,
  embeddings: SpanType.EMBEDDING,
  execute_tool: SpanType.TOOL,
  generate_content: SpanType.LLM,
  invoke_agent: SpanType.AGENT,
  text_completion: SpanType.LLM,
  response: SpanType.LLM,
};

const tokens = tokensFrom({
  input: INPUT_TOKENS_KEY,
  output: OUTPUT_TOKENS_KEY,
  cacheRead: CACHE_READ_KEY,
  cacheCreation: CACHE_WRITE_KEY,
});

/**
 * What every translator built on the GenAI conventions shares (Gemini CLI and LiveKit extend it):
 * token counts, model, provider and tool definitions.
 */
export const genAiBase = {
  keys: [
    OPERATION_KEY,
    INPUT_TOKENS_KEY,
    OUTPUT_TOKENS_KEY,
    CACHE_READ_KEY,
    CACHE_WRITE_KEY,
    LEGACY_CACHE_WRITE_KEY,
    ...INPUT_KEYS,
    ...OUTPUT_KEYS,
    ...MODEL_KEYS,
    PROVIDER_KEY,
    TOOLS_KEY,
  ],
  tokens: (span: SpanView) => {
    const counts = tokens(span);
    if (counts !== undefined) counts.cacheCreation ??= span.raw(LEGACY_CACHE_WRITE_KEY);
    return counts;
  },
  modelName: decodedFirstOf(MODEL_KEYS),
  modelProvider: decodedFirstOf([PROVIDER_KEY]),
  toolDefinitions: firstOf([TOOLS_KEY]),
};

const MESSAGE_EVENTS = new Map([
  ['gen_ai.system.message', 'system'],
  ['gen_ai.user.message', 'user'],
  ['gen_ai.assistant.message', 'assistant'],
]);
const CHOICE_EVENT = 'gen_ai.choice';
export const GENAI_EVENT_NAMES = [...MESSAGE_EVENTS.keys(), CHOICE_EVENT];

function decodeEventValue(value: PyJson): PyJson {
  return typeof value === 'string' ? loadsOrText(value) : value;
}

function messages(list: PyJson[]): string | undefined {
  return list.length > 0 ? pyDumps(list) : undefined;
}

/** Input messages from `gen_ai.{system,user,assistant}.message` events, in event order. */
export function inputsFromGenAiEvents(span: SpanView): string | undefined {
  const out: PyJson[] = [];
  for (const event of span.events) {
    const role = MESSAGE_EVENTS.get(event.name);
    if (role === undefined) continue;
    const content = eventValue(event, 'content');
    if (content === undefined) continue;
    out.push(
      new Map<string, PyJson>([
        ['role', role],
        ['content', decodeEventValue(content)],
      ]),
    );
  }
  return messages(out);
}

/** Output messages from `gen_ai.choice` events (role `assistant` unless the event names one). */
export function outputsFromGenAiEvents(span: SpanView): string | undefined {
  const out: PyJson[] = [];
  for (const event of span.events) {
    if (event.name !== CHOICE_EVENT) continue;
    const content = eventValue(event, 'content');
    if (content === undefined) continue;
    const role = eventValue(event, 'role', false) ?? 'assistant';
    out.push(
      new Map<string, PyJson>([
        ['role', decodeEventValue(role)],
        ['content', decodeEventValue(content)],
      ]),
    );
  }
  return messages(out);
}

export const genAiSemconv: Convention = {
  name: 'genai-semconv',
  ...genAiBase,
  spanType: kindFrom(OPERATION_KEY, OPERATION_TYPES),
  inputs: firstOf(INPUT_KEYS),
  outputs: firstOf(OUTPUT_KEYS),
};
