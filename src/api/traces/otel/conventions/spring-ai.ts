// Spring AI: the GenAI conventions' kinds and token keys, with prompt and completion carried by
// `gen_ai.content.prompt` / `gen_ai.content.completion` events rather than attributes.
import { stringifyJson64 } from '../../../../json-int64.js';
import { SpanType, kindFrom, tokensFrom, type Convention } from '../convention.js';
import { eventValue, type SpanView } from '../span-view.js';
import { INPUT_TOKENS_KEY, OPERATION_KEY, OUTPUT_TOKENS_KEY } from './genai-semconv.js';

const PROMPT_EVENT = 'gen_ai.content.prompt';
const COMPLETION_EVENT = 'gen_ai.content.completion';

/**
 * The first event of that name holding the value. MLflow stores the event value as it is (not
 * JSON-encoded): plain text stays plain text.
 */
function fromEvent(span: SpanView, eventName: string, key: string): string | undefined {
  for (const event of span.events) {
    if (event.name !== eventName) continue;
    if (eventValue(event, key) === undefined) continue;
    const value = event.attributes[key];
    return typeof value === 'string' ? value : stringifyJson64(value, true);
  }
  return undefined;
}

export const springAi: Convention = {
  name: 'spring-ai',
  keys: [OPERATION_KEY, INPUT_TOKENS_KEY, OUTPUT_TOKENS_KEY],
  eventNames: [PROMPT_EVENT, COMPLETION_EVENT],
  spanType: kindFrom(OPERATION_KEY, { chat: SpanType.CHAT_MODEL, embeddings: SpanType.EMBEDDING }),
  tokens: tokensFrom({ input: INPUT_TOKENS_KEY, output: OUTPUT_TOKENS_KEY }),
  inputsFromEvents: (span) => fromEvent(span, PROMPT_EVENT, 'gen_ai.prompt'),
  outputsFromEvents: (span) => fromEvent(span, COMPLETION_EVENT, 'gen_ai.completion'),
};
