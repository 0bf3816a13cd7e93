// Traceloop / OpenLLMetry: https://github.com/traceloop/openllmetry (semconv_ai). Besides the
// entity input/output, LLM spans flatten messages into `gen_ai.prompt.<n>.content` and
// `gen_ai.completion.<n>.content`: the first such attribute (in the span's order) is taken.
import { SpanType, decodedFirstOf, kindFrom, tokensFrom, type Convention } from '../convention.js';
import type { SpanView } from '../span-view.js';

const KIND_KEY = 'traceloop.span.kind';
const TOKENS = {
  input: 'gen_ai.usage.prompt_tokens',
  output: 'gen_ai.usage.completion_tokens',
  total: 'llm.usage.total_tokens',
};
const PROVIDER_KEY = 'gen_ai.system';
// Python's re.match: anchored at the start only, \d any Unicode digit.
const INPUTS: (string | RegExp)[] = [
  'traceloop.entity.input',
  /^gen_ai\.prompt\.\p{Nd}+\.content/u,
  /^gen_ai\.completion\.\p{Nd}+\.tool_calls\.\p{Nd}+\.arguments/u,
];
const OUTPUTS: (string | RegExp)[] = [
  'traceloop.entity.output',
  /^gen_ai\.completion\.\p{Nd}+\.content/u,
];

function firstMatching(span: SpanView, keys: (string | RegExp)[]): string | undefined {
  for (const key of keys) {
    if (typeof key === 'string') {
      const value = span.checked(key);
      if (value !== undefined) return value;
      continue;
    }
    for (const name of Object.keys(span.attributes)) {
      if (!key.test(name)) continue;
      const value = span.checked(name);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

export const traceloop: Convention = {
  name: 'traceloop',
  keys: [KIND_KEY, ...Object.values(TOKENS), PROVIDER_KEY, INPUTS[0], OUTPUTS[0]] as string[],
  keyPrefixes: ['gen_ai.prompt.', 'gen_ai.completion.'],
  spanType: kindFrom(KIND_KEY, {
    workflow: SpanType.WORKFLOW,
    task: SpanType.TASK,
    agent: SpanType.AGENT,
    tool: SpanType.TOOL,
    unknown: SpanType.UNKNOWN,
  }),
  tokens: tokensFrom(TOKENS),
  inputs: (span) => firstMatching(span, INPUTS),
  outputs: (span) => firstMatching(span, OUTPUTS),
  modelProvider: decodedFirstOf([PROVIDER_KEY]),
};
