// Token usage and cost metadata, which MLflow keeps in columns of their own and writes back as
// JSON in a fixed form: a filter can only test whether they are there, or compare them with a value
// written in that same form (anything else never equals them). The form is the one the store
// writes (store/trace-analytics.ts).
import {
  COST_KEY,
  COST_KEYS,
  TOKEN_KEYS,
  TOKEN_USAGE_KEY,
  canonicalTraceMetadata,
} from '../store/trace-analytics.js';

export const RESERVED_METADATA = new Map<string, string[]>([
  [TOKEN_USAGE_KEY, TOKEN_KEYS],
  [COST_KEY, COST_KEYS],
]);

/** Whether `value` is exactly the JSON MLflow would write back for what it holds. */
export function isCanonicalReserved(key: string, value: string): boolean {
  const keys = RESERVED_METADATA.get(key)!;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return false;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
  if (!Object.keys(parsed).every((k) => keys.includes(k))) return false;
  return canonicalTraceMetadata({ [key]: value })[key] === value;
}
