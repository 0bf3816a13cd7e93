// The trace metadata MLflow 3.17 keeps in columns of its own (token usage and cost) and hands back
// rewritten: as `json.dumps` of the known keys, in its order, with token counts as integers
// (`6.0` and `"6"` become 6, `1.5` or `true` are dropped) and costs as finite floats. A value with
// nothing usable left is dropped altogether. Ours keeps them as metadata rows, written already
// rewritten, so what a trace shows and what a reserved-metadata filter compares are MLflow's.
import { PyFloat, isPyDict, pyDumps, pyLoads, type PyDict, type PyJson } from '../python-json.js';

export const TOKEN_USAGE_KEY = 'mlflow.trace.tokenUsage';
export const COST_KEY = 'mlflow.trace.cost';

export const TOKEN_KEYS = [
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
  'cache_creation_input_tokens_above_1hr',
];
export const COST_KEYS = ['input_cost', 'output_cost', 'total_cost'];
const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;

/** Python's `Decimal(str(value))` as a whole number within int64, else null. */
export function tokenCount(value: PyJson | undefined): bigint | null {
  if (value === undefined || value === null || typeof value === 'boolean') return null;
  if (typeof value === 'bigint') return value >= BIGINT_MIN && value <= BIGINT_MAX ? value : null;
  let text: string;
  if (value instanceof PyFloat) {
    if (!Number.isFinite(value.value) || !Number.isInteger(value.value)) return null;
    text = BigInt(value.value).toString();
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return null;
  }
  // A decimal literal, as Decimal reads it: whole when mantissa × 10^exponent has no fraction.
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || `${m[2]}${m[3] ?? ''}` === '') return null;
  const mantissa = BigInt(`${m[2]}${m[3] ?? ''}`);
  const scale = (m[3] ?? '').length - Number(m[4] ?? '0');
  let n: bigint;
  if (scale <= 0) {
    if (mantissa !== 0n && -scale > 40) return null; // far beyond int64
    n = mantissa * 10n ** BigInt(Math.min(-scale, 40));
  } else {
    if (mantissa === 0n) n = 0n;
    else if (scale > 400) return null;
    else {
      const divisor = 10n ** BigInt(scale);
      if (mantissa % divisor !== 0n) return null;
      n = mantissa / divisor;
    }
  }
  if (m[1] === '-') n = -n;
  return n >= BIGINT_MIN && n <= BIGINT_MAX ? n : null;
}

/** Python's `float(value)` when finite, else null. */
export function finiteFloat(value: PyJson | undefined): number | null {
  if (value === undefined || value === null || typeof value === 'boolean') return null;
  let n: number;
  if (value instanceof PyFloat) n = value.value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string') {
    const text = value.trim().replace(/_/g, '');
    n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
  } else return null;
  return Number.isFinite(n) ? n : null;
}

function jsonObject(text: string): PyDict | undefined {
  try {
    const value = pyLoads(text);
    return isPyDict(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function rewritten(
  text: string,
  keys: string[],
  convert: (v: PyJson | undefined) => PyJson | null,
): string | undefined {
  const object = jsonObject(text);
  if (!object) return undefined;
  const out = new Map<string, PyJson>();
  for (const key of keys) {
    const value = object.has(key) ? convert(object.get(key)) : null;
    if (value !== null) out.set(key, value);
  }
  return out.size > 0 ? pyDumps(out) : undefined;
}

/** The metadata as MLflow stores and answers it: token usage and cost rewritten or dropped. */
export function canonicalTraceMetadata(metadata: Record<string, string>): Record<string, string> {
  if (!(TOKEN_USAGE_KEY in metadata) && !(COST_KEY in metadata)) return metadata;
  const out = { ...metadata };
  for (const [key, keys, convert] of [
    [TOKEN_USAGE_KEY, TOKEN_KEYS, tokenCount],
    [COST_KEY, COST_KEYS, (v: PyJson | undefined) => finiteOrNull(finiteFloat(v))],
  ] as const) {
    if (!(key in out)) continue;
    const value = rewritten(out[key], keys, convert);
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

function finiteOrNull(n: number | null): PyFloat | null {
  return n === null ? null : new PyFloat(n);
}
