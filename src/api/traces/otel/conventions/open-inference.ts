// OpenInference (Arize Phoenix and its instrumentations):
// https://github.com/Arize-ai/openinference/tree/main/spec
import {
  SpanType,
  decodedFirstOf,
  firstOf,
  kindFrom,
  tokensFrom,
  type Convention,
} from '../convention.js';

const KIND_KEY = 'openinference.span.kind';
const TOKENS = {
  input: 'llm.token_count.prompt',
  output: 'llm.token_count.completion',
  total: 'llm.token_count.total',
  cacheRead: 'llm.token_count.prompt_details.cache_read',
  cacheCreation: 'llm.token_count.prompt_details.cache_write',
};
/** The resolved response model first, then the legacy name, then the request alias. */
const MODEL_KEYS = [
  'llm.response.model_name',
  'llm.model_name',
  'llm.request.model_name',
  'embedding.model_name',
];
const PROVIDER_KEY = 'llm.provider';

export const openInference: Convention = {
  name: 'openinference',
  keys: [
    KIND_KEY,
    ...Object.values(TOKENS),
    'input.value',
    'output.value',
    ...MODEL_KEYS,
    PROVIDER_KEY,
  ],
  spanType: kindFrom(KIND_KEY, {
    TOOL: SpanType.TOOL,
    CHAIN: SpanType.CHAIN,
    LLM: SpanType.LLM,
    RETRIEVER: SpanType.RETRIEVER,
    EMBEDDING: SpanType.EMBEDDING,
    AGENT: SpanType.AGENT,
    RERANKER: SpanType.RERANKER,
    UNKNOWN: SpanType.UNKNOWN,
    GUARDRAIL: SpanType.GUARDRAIL,
    EVALUATOR: SpanType.EVALUATOR,
  }),
  tokens: tokensFrom(TOKENS),
  inputs: firstOf(['input.value']),
  outputs: firstOf(['output.value']),
  modelName: decodedFirstOf(MODEL_KEYS),
  modelProvider: decodedFirstOf([PROVIDER_KEY]),
};
