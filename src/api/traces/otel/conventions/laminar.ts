// Laminar (`lmnr.span.*`), with GenAI convention keys for model and token counts; its messages
// are in OpenAI's chat format.
import {
  SpanType,
  decodedFirstOf,
  firstOf,
  kindFrom,
  tokensFrom,
  type Convention,
} from '../convention.js';
import { INPUT_TOKENS_KEY, MODEL_KEYS, OUTPUT_TOKENS_KEY } from './genai-semconv.js';

const KIND_KEY = 'lmnr.span.type';
const INPUT_KEY = 'lmnr.span.input';
const OUTPUT_KEY = 'lmnr.span.output';
const PROVIDER_KEY = 'gen_ai.system';

export const laminar: Convention = {
  name: 'laminar',
  keys: [
    KIND_KEY,
    INPUT_KEY,
    OUTPUT_KEY,
    INPUT_TOKENS_KEY,
    OUTPUT_TOKENS_KEY,
    ...MODEL_KEYS,
    PROVIDER_KEY,
  ],
  spanType: kindFrom(KIND_KEY, {
    LLM: SpanType.LLM,
    TOOL: SpanType.TOOL,
    DEFAULT: SpanType.CHAIN,
    PIPELINE: SpanType.CHAIN,
    EXECUTOR: SpanType.AGENT,
    EVALUATOR: SpanType.EVALUATOR,
    HUMAN_EVALUATOR: SpanType.EVALUATOR,
    EVALUATION: SpanType.EVALUATOR,
    CACHED: SpanType.LLM,
  }),
  tokens: tokensFrom({ input: INPUT_TOKENS_KEY, output: OUTPUT_TOKENS_KEY }),
  inputs: firstOf([INPUT_KEY]),
  outputs: firstOf([OUTPUT_KEY]),
  modelName: decodedFirstOf(MODEL_KEYS),
  modelProvider: decodedFirstOf([PROVIDER_KEY]),
  messageFormat: (span) => (span.has(KIND_KEY) ? 'openai' : undefined),
};
