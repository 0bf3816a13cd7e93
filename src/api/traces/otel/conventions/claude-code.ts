// Claude Code (and the Claude Agent SDK): its own schema, every span naming itself in `span.type`
// (`claude_code.interaction` / `.llm_request` / `.tool`, or the bare names in some versions).
// Prompt and tool content is `<REDACTED>` unless the user opted in; redacted values are ignored.
// https://code.claude.com/docs/en/monitoring-usage#traces-beta
import { PyFloat, pyDumps, pyTruthy, type PyJson } from '../../../../python-json.js';
import { SpanType, type Convention } from '../convention.js';
import {
  dumpAttribute,
  eventValue,
  loadsOrText,
  pyIntOfText,
  type SpanView,
} from '../span-view.js';

const KIND_KEY = 'span.type';
const PREFIX = 'claude_code.';
const TYPES = new Map([
  ['claude_code.interaction', SpanType.AGENT],
  ['claude_code.llm_request', SpanType.LLM],
  ['claude_code.tool', SpanType.TOOL],
]);
const REDACTED = '<REDACTED>';
const TOOL_OUTPUT_EVENT = 'tool.output';
const TOOL_OUTPUT_KEYS = ['output', 'content', 'diff'];
const TOOL_DETAIL_KEYS = ['full_command', 'file_path', 'skill_name', 'subagent_type'];

function claudeType(span: SpanView): string | undefined {
  const kind = span.decoded(KIND_KEY);
  if (typeof kind !== 'string') return undefined;
  const name = kind.startsWith(PREFIX) ? kind : PREFIX + kind;
  return TYPES.has(name) ? name : undefined;
}

/** Python's `int(value)` of a decoded attribute, or undefined where it would raise. */
function intOf(value: PyJson | undefined): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (value instanceof PyFloat) {
    return Number.isFinite(value.value) ? BigInt(Math.trunc(value.value)) : undefined;
  }
  if (typeof value === 'string') return pyIntOfText(value);
  return undefined;
}

function count(span: SpanView, key: string): bigint | undefined {
  return intOf(span.decoded(key));
}

function content(span: SpanView, key: string): string | undefined {
  const value = span.checked(key);
  return value === undefined || span.decoded(key) === REDACTED ? undefined : value;
}

export const claudeCode: Convention = {
  name: 'claude-code',
  keys: [KIND_KEY],
  eventNames: [TOOL_OUTPUT_EVENT],
  spanType: (span) => {
    const name = claudeType(span);
    return name === undefined ? undefined : TYPES.get(name);
  },
  tokens: (span) => {
    if (claudeType(span) !== 'claude_code.llm_request') return undefined;
    const cacheRead = count(span, 'cache_read_tokens');
    const cacheCreation = count(span, 'cache_creation_tokens');
    const input = count(span, 'input_tokens');
    // Claude counts input without the cached tokens; MLflow adds them back, as its Anthropic
    // autologging and cost calculation count them.
    return {
      input: input === undefined ? undefined : input + (cacheRead ?? 0n) + (cacheCreation ?? 0n),
      output: count(span, 'output_tokens'),
      cacheRead,
      cacheCreation,
    };
  },
  inputs: (span) => {
    switch (claudeType(span)) {
      case 'claude_code.interaction':
        return content(span, 'user_prompt') ?? content(span, 'new_context');
      case 'claude_code.llm_request':
        return content(span, 'new_context');
      case 'claude_code.tool': {
        const toolInput = content(span, 'tool_input');
        if (toolInput !== undefined) return toolInput;
        const details = new Map<string, PyJson>();
        for (const key of TOOL_DETAIL_KEYS) {
          const value = content(span, key);
          if (value !== undefined) details.set(key, loadsOrText(value));
        }
        return details.size > 0 ? pyDumps(details) : undefined;
      }
      default:
        return undefined;
    }
  },
  outputs: (span) => {
    switch (claudeType(span)) {
      case 'claude_code.llm_request':
        return content(span, 'response.model_output');
      case 'claude_code.tool':
        return content(span, 'new_context');
      default:
        return undefined;
    }
  },
  outputsFromEvents: (span) => {
    if (claudeType(span) !== 'claude_code.tool') return undefined;
    for (const event of span.events) {
      if (event.name !== TOOL_OUTPUT_EVENT) continue;
      for (const key of TOOL_OUTPUT_KEYS) {
        const raw = eventValue(event, key, false);
        const value = typeof raw === 'string' ? loadsOrText(raw) : raw;
        if (value !== undefined && value !== REDACTED && pyTruthy(value)) {
          return dumpAttribute(value);
        }
      }
    }
    return undefined;
  },
};
