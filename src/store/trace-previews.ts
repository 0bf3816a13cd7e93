// A trace's request and response previews from its root span's inputs and outputs, as MLflow
// writes them (_get_truncated_preview): for chat payloads (OpenAI chat messages or choices,
// Responses API input/output, a ResponsesAgent request) the text of the last message of the
// role, otherwise the JSON text itself; at most 1,000 characters.
import { pyLoads, pyTruthy, type PyDict, type PyJson } from '../python-json.js';

export const PREVIEW_CHARS = 1000;

/** A payload MLflow fails on (a message whose text is not a string): it sets no preview then. */
export const PREVIEW_FAILED = Symbol('preview failed');

function isMessage(item: PyJson): item is PyDict {
  return item instanceof Map && item.has('role') && item.has('content');
}

function truthyList(value: PyJson | undefined): value is PyJson[] {
  return Array.isArray(value) && value.length > 0;
}

function extractMessages(obj: PyJson | undefined): PyDict[] | undefined {
  if (!(obj instanceof Map)) return undefined;
  const messages = obj.get('messages');
  if (truthyList(messages)) return messages.filter(isMessage);
  const choices = obj.get('choices');
  if (truthyList(choices) && choices[0] instanceof Map) {
    const message = choices[0].get('message');
    if (message !== undefined && isMessage(message)) return [message];
  }
  const input = obj.get('input');
  if (truthyList(input)) return input.filter(isMessage);
  const output = obj.get('output');
  if (truthyList(output)) return output.filter(isMessage);
  if (obj.has('request')) return extractMessages(obj.get('request'));
  return undefined;
}

function lastMessage(messages: PyDict[], role: string): PyDict {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].get('role') === role) return messages[i];
  }
  return messages[messages.length - 1];
}

/** The message's text: a string content, or its first text part; anything else as MLflow has it. */
function messageText(message: PyDict): PyJson | undefined {
  const content = message.get('content');
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  for (const part of content) {
    if (typeof part === 'string') return part;
    if (part instanceof Map) {
      const type = part.get('type');
      if (type === 'text' || type === 'output_text') return part.get('text') ?? null;
    }
  }
  return '';
}

// Only payloads holding one of these keys can yield a message; others are not decoded.
const MESSAGE_KEYS = /"(?:messages|choices|input|output|request)"/;

function truncate(text: string): string {
  if (text.length <= PREVIEW_CHARS) return text;
  // Python counts code points, not UTF-16 units.
  const chars = Array.from(text);
  return chars.length <= PREVIEW_CHARS ? text : `${chars.slice(0, PREVIEW_CHARS - 3).join('')}...`;
}

/**
 * The preview of a root span's stored inputs (role `user`) or outputs (role `assistant`), or
 * PREVIEW_FAILED where MLflow's preview code raises.
 */
export function tracePreview(
  stored: string,
  role: 'user' | 'assistant',
): string | typeof PREVIEW_FAILED {
  let text: PyJson | undefined;
  if (stored.trimStart().startsWith('{') && MESSAGE_KEYS.test(stored)) {
    let payload: PyJson | undefined;
    try {
      payload = pyLoads(stored);
    } catch {
      payload = undefined;
    }
    const messages = extractMessages(payload);
    if (messages !== undefined && messages.length > 0) {
      text = messageText(lastMessage(messages, role));
    }
  }
  if (text === undefined || !pyTruthy(text)) return truncate(stored);
  // A truthy text that is not a string (a number, a list): MLflow's length check raises.
  return typeof text === 'string' ? truncate(text) : PREVIEW_FAILED;
}
