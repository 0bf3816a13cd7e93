// Token usage and cost metadata, which MLflow keeps in columns of their own and writes back as
// JSON in a fixed form: a filter can only test whether they are there, or compare them with a value
// written in that same form (anything else never equals them).
import { pyFloat } from './python-repr.js';

const TOKEN_KEYS = [
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
  'cache_creation_input_tokens_above_1hr',
];
const COST_KEYS = ['input_cost', 'output_cost', 'total_cost'];
const INT64_MAX = 2n ** 63n - 1n;

export const RESERVED_METADATA = new Map<string, string[]>([
  ['mlflow.trace.tokenUsage', TOKEN_KEYS],
  ['mlflow.trace.cost', COST_KEYS],
]);

/** A token count as MLflow keeps it: a whole number in int64 range (numbers or their text). */
function tokenCount(value: unknown): string | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const text = String(value).trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || !Number.isInteger(n)) return undefined;
  const whole = BigInt(n);
  return whole > INT64_MAX || whole < -INT64_MAX - 1n ? undefined : whole.toString();
}

/** A cost as MLflow keeps it: a finite float, written as Python writes floats. */
function cost(value: unknown): string | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const n = Number(value);
  if (typeof value === 'string' && value.trim() === '') return undefined;
  return Number.isFinite(n) ? pyFloat(n) : undefined;
}

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
  const given = parsed as Record<string, unknown>;
  if (!Object.keys(given).every((k) => keys.includes(k))) return false;
  const convert = keys === TOKEN_KEYS ? tokenCount : cost;
  const parts: string[] = [];
  for (const k of keys) {
    const text = Object.hasOwn(given, k) ? convert(given[k]) : undefined;
    if (text !== undefined) parts.push(`${JSON.stringify(k)}: ${text}`);
  }
  return parts.length > 0 && value === `{${parts.join(', ')}}`;
}
