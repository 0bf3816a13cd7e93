// Langfuse observations (`langfuse.observation.*`), as its OTel processor forwards them.
import { SpanType, firstOf, kindFrom, type Convention } from '../convention.js';

const KIND_KEY = 'langfuse.observation.type';
const INPUT_KEY = 'langfuse.observation.input';
const OUTPUT_KEY = 'langfuse.observation.output';

export const langfuse: Convention = {
  name: 'langfuse',
  keys: [KIND_KEY, INPUT_KEY, OUTPUT_KEY],
  spanType: kindFrom(KIND_KEY, {
    generation: SpanType.LLM,
    embedding: SpanType.EMBEDDING,
    tool: SpanType.TOOL,
    retriever: SpanType.RETRIEVER,
    agent: SpanType.AGENT,
    chain: SpanType.CHAIN,
    evaluator: SpanType.EVALUATOR,
    guardrail: SpanType.GUARDRAIL,
    span: SpanType.UNKNOWN,
  }),
  inputs: firstOf([INPUT_KEY]),
  outputs: firstOf([OUTPUT_KEY]),
};
