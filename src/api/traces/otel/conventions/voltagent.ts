// VoltAgent: chat-formatted `agent.messages` / `llm.messages`, plain `input` / `output`, and
// `span.type` on child spans with `entity.type` on the root agent span.
import { SpanType, firstOf, type Convention } from '../convention.js';
import type { SpanView } from '../span-view.js';

// Child spans inherit `entity.type` from their agent, so `span.type` is read first.
const KIND_KEYS = ['span.type', 'entity.type'];
const TYPES = new Map([
  ['agent', SpanType.AGENT],
  ['llm', SpanType.LLM],
  ['tool', SpanType.TOOL],
  ['memory', SpanType.MEMORY],
]);
const DETECTION_KEYS = ['voltagent.operation_id', 'voltagent.conversation_id'];
const INPUTS = ['agent.messages', 'llm.messages', 'input'];
const OUTPUTS = ['output'];
const TOKEN_KEYS = {
  input: ['usage.prompt_tokens', 'llm.usage.prompt_tokens'],
  output: ['usage.completion_tokens', 'llm.usage.completion_tokens'],
  total: ['usage.total_tokens', 'llm.usage.total_tokens'],
};

function either(span: SpanView, [first, second]: string[]): string | undefined {
  return span.raw(first) ?? span.raw(second);
}

export const voltAgent: Convention = {
  name: 'voltagent',
  keys: [
    ...KIND_KEYS,
    ...DETECTION_KEYS,
    ...INPUTS,
    ...OUTPUTS,
    ...Object.values(TOKEN_KEYS).flat(),
  ],
  spanType: (span) => {
    for (const key of KIND_KEYS) {
      const kind = span.decoded(key);
      const type = typeof kind === 'string' ? TYPES.get(kind) : undefined;
      if (type !== undefined) return type;
    }
    return undefined;
  },
  messageFormat: (span) => (DETECTION_KEYS.some((k) => span.has(k)) ? 'voltagent' : undefined),
  tokens: (span) => ({
    input: either(span, TOKEN_KEYS.input),
    output: either(span, TOKEN_KEYS.output),
    total: either(span, TOKEN_KEYS.total),
  }),
  inputs: firstOf(INPUTS),
  outputs: firstOf(OUTPUTS),
};
