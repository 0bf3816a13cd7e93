// Gemini CLI: the GenAI conventions' keys with its own operation names, recognised by
// `gen_ai.agent.name = "gemini-cli"`; messages are rewrapped in the Gemini SDK's shapes
// (`{"contents": …}`, `{"candidates": …}`) that MLflow's chat view renders.
import { pyDumps, type PyJson } from '../../../../python-json.js';
import { SpanType, firstOf, kindFrom, type Convention } from '../convention.js';
import { loadsOrText, type SpanView } from '../span-view.js';
import { INPUT_KEYS, OPERATION_KEY, OUTPUT_KEYS, genAiBase } from './genai-semconv.js';

const AGENT_NAME_KEY = 'gen_ai.agent.name';
const operationType = kindFrom(OPERATION_KEY, {
  llm_call: SpanType.LLM,
  tool_call: SpanType.TOOL,
  agent_call: SpanType.AGENT,
});
const genAiInputs = firstOf(INPUT_KEYS);
const genAiOutputs = firstOf(OUTPUT_KEYS);

function isGeminiCli(span: SpanView): boolean {
  return span.decoded(AGENT_NAME_KEY) === 'gemini-cli';
}

function wrapInputs(value: string, operation: string | undefined): string {
  let decoded = loadsOrText(value);
  if (decoded instanceof Map && decoded.has('contents')) return value;
  // MLflow compares the stored (JSON-encoded) operation with the bare name, so a span received
  // over OTLP never matches; kept as MLflow has it.
  if (operation === 'system_prompt' && Array.isArray(decoded)) {
    decoded = decoded.map((item) =>
      item instanceof Map && item.get('role') === 'user'
        ? new Map([...item, ['role', 'system']])
        : item,
    );
  }
  if (Array.isArray(decoded) || typeof decoded === 'string') {
    return pyDumps(new Map([['contents', decoded]]));
  }
  return value;
}

function wrapOutputs(value: string): string {
  const decoded = loadsOrText(value);
  if (decoded instanceof Map && decoded.has('candidates')) return value;
  if (!Array.isArray(decoded)) return value;
  // One content object a streamed chunk: the chat view wants one candidate with every part.
  const parts: PyJson[] = [];
  for (const item of decoded) {
    const itemParts = item instanceof Map ? item.get('parts') : undefined;
    if (Array.isArray(itemParts)) parts.push(...itemParts);
  }
  if (parts.length === 0) return value;
  const content = new Map<string, PyJson>([
    ['role', 'model'],
    ['parts', parts],
  ]);
  return pyDumps(new Map([['candidates', [new Map([['content', content]])]]]));
}

export const geminiCli: Convention = {
  name: 'gemini-cli',
  ...genAiBase,
  keys: [...genAiBase.keys, AGENT_NAME_KEY],
  spanType: (span) => (isGeminiCli(span) ? operationType(span) : undefined),
  messageFormat: (span) => (isGeminiCli(span) ? 'gemini' : undefined),
  inputs: (span) => {
    if (!isGeminiCli(span)) return undefined;
    const value = genAiInputs(span);
    return value === undefined ? undefined : wrapInputs(value, span.raw(OPERATION_KEY));
  },
  outputs: (span) => {
    if (!isGeminiCli(span)) return undefined;
    const value = genAiOutputs(span);
    return value === undefined ? undefined : wrapOutputs(value);
  },
};
