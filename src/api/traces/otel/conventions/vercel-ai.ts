// Vercel AI SDK (`ai.*`): https://ai-sdk.dev/docs/ai-sdk-core/telemetry#collected-data
// A provider call (`…doGenerate` / `…doStream`) gathers every `ai.prompt.*` attribute into its
// inputs and every `ai.response.*` one into its outputs, each value decoded up to twice.
import { pyDumps, pyLoads, type PyJson } from '../../../../python-json.js';
import { SpanType, firstOf, kindFrom, type Convention } from '../convention.js';
import type { SpanView } from '../span-view.js';

const KIND_KEY = 'ai.operationId';
const MESSAGE_FORMAT_KEY = 'mlflow.message.format';
const INPUTS = ['ai.prompt', 'ai.toolCall.args', 'ai.value', 'ai.values'];
const OUTPUTS = [
  'ai.response.text',
  'ai.toolCall.result',
  'ai.response.object',
  'ai.embedding',
  'ai.embeddings',
];
const CHAT_OPERATIONS = ['ai.generateText.doGenerate', 'ai.streamText.doStream'];
const plainInputs = firstOf(INPUTS);
const plainOutputs = firstOf(OUTPUTS);

/** MLflow's `_safe_load_json`: a string decoded while it stays JSON, at most `depth` + 1 times. */
function safeLoad(value: PyJson | undefined, depth = 2): PyJson | undefined {
  if (typeof value !== 'string') return value;
  let result: PyJson;
  try {
    result = pyLoads(value);
  } catch {
    return value;
  }
  return depth > 0 ? safeLoad(result, depth - 1) : result;
}

function isChatSpan(span: SpanView): boolean {
  const kind = safeLoad(span.raw(KIND_KEY));
  return typeof kind === 'string' && CHAT_OPERATIONS.includes(kind);
}

/** Every attribute under `prefix`, keyed by the rest of its name, in the span's order. */
function unpack(span: SpanView, prefix: string): Map<string, PyJson> {
  const out = new Map<string, PyJson>();
  for (const [key, value] of Object.entries(span.attributes)) {
    if (key.startsWith(prefix)) out.set(key.slice(prefix.length), safeLoad(value) as PyJson);
  }
  return out;
}

/** `[safe_load(tool) for tool in tools]`: Python iterates a list, a string's characters, a dict's keys. */
function loadTools(tools: PyJson): PyJson {
  if (Array.isArray(tools)) return tools.map((t) => safeLoad(t) as PyJson);
  if (typeof tools === 'string') return Array.from(tools, (c) => safeLoad(c) as PyJson);
  if (tools instanceof Map) return [...tools.keys()].map((k) => safeLoad(k) as PyJson);
  return tools;
}

export const vercelAi: Convention = {
  name: 'vercel-ai',
  keys: [KIND_KEY, ...INPUTS, ...OUTPUTS],
  spanType: kindFrom(KIND_KEY, {
    'ai.generateText': SpanType.LLM,
    'ai.generateText.doGenerate': SpanType.LLM,
    'ai.toolCall': SpanType.TOOL,
    'ai.streamText': SpanType.LLM,
    'ai.streamText.doStream': SpanType.LLM,
    'ai.generateObject': SpanType.LLM,
    'ai.generateObject.doGenerate': SpanType.LLM,
    'ai.streamObject': SpanType.LLM,
    'ai.streamObject.doStream': SpanType.LLM,
    'ai.embed': SpanType.EMBEDDING,
    'ai.embed.doEmbed': SpanType.EMBEDDING,
    'ai.embedMany': SpanType.EMBEDDING,
  }),
  inputs: (span) => {
    if (!isChatSpan(span)) return plainInputs(span);
    const inputs = unpack(span, 'ai.prompt.');
    const tools = inputs.get('tools');
    if (tools !== undefined) inputs.set('tools', loadTools(tools));
    // MLflow records the chat view's format here, as plain text rather than JSON, and whether
    // or not the span had one.
    span.set(MESSAGE_FORMAT_KEY, 'vercel_ai');
    return inputs.size > 0 ? pyDumps(inputs) : undefined;
  },
  outputs: (span) => {
    if (!isChatSpan(span)) return plainOutputs(span);
    const outputs = unpack(span, 'ai.response.');
    return outputs.size > 0 ? pyDumps(outputs) : undefined;
  },
};
