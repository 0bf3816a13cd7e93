// A span's attributes as MLflow's translators read them: every value is JSON text (as the store
// keeps it), read with Python's json semantics (truthiness, `try_json_loads`, int parsing). Values
// are decoded at most once per span, and only those a translator asks for.
import { PyFloat, pyDumps, pyLoads, pyTruthy, type PyJson } from '../../../python-json.js';
import type { JsonValue } from '../../../json-int64.js';

/** A span event as the OTLP receiver decodes it (attribute values are not JSON-encoded). */
export interface SpanEventView {
  name: string;
  attributes: { [key: string]: JsonValue };
}

/** An OTLP-decoded value as Python holds it (doubles are floats, objects keep key order). */
export function toPy(value: JsonValue): PyJson {
  if (typeof value === 'number') return new PyFloat(value);
  if (Array.isArray(value)) return value.map(toPy);
  if (value !== null && typeof value === 'object') {
    return new Map(Object.entries(value).map(([k, v]) => [k, toPy(v)]));
  }
  return value;
}

/**
 * An event attribute (`event["attributes"].get(key)`): undefined when absent or, with
 * `truthyOnly`, when Python would skip it (`if value := …`).
 */
export function eventValue(
  event: SpanEventView,
  key: string,
  truthyOnly = true,
): PyJson | undefined {
  if (!Object.hasOwn(event.attributes, key)) return undefined;
  const value = toPy(event.attributes[key]);
  return truthyOnly && !pyTruthy(value) ? undefined : value;
}

/** `try_json_loads`: the decoded value, or the text itself when it is not JSON. */
export function loadsOrText(text: string): PyJson {
  // Most span kinds and names are plain JSON strings: no need for the full parser.
  if (text.length >= 2 && text[0] === '"' && text.at(-1) === '"' && !text.includes('\\')) {
    const inner = text.slice(1, -1);
    if (!inner.includes('"')) return inner;
  }
  try {
    return pyLoads(text);
  } catch {
    return text;
  }
}

/**
 * Python truthiness of `json.loads(text)` without decoding it: stored attribute values are valid
 * JSON, so the first character tells which kind of value it is. Text that is not JSON is kept as
 * is by MLflow, hence truthy.
 */
export function jsonTextTruthy(text: string): boolean {
  const t = text.trim();
  switch (t[0]) {
    case '"':
      return t !== '""';
    case '{':
    case '[':
      return !/^[{[]\s*[}\]]$/.test(t);
    case 'n':
      return t !== 'null';
    case 'f':
      return t !== 'false';
    case undefined:
      return false;
    default:
      if (t[0] === '-' || (t[0] >= '0' && t[0] <= '9')) {
        const n = Number(t);
        return Number.isNaN(n) || n !== 0;
      }
      return true;
  }
}

/** `json.dumps(value, ensure_ascii=False)` as MLflow's dump_span_attribute_value writes it. */
export function dumpAttribute(value: PyJson): string {
  return typeof value === 'string' ? JSON.stringify(value) : pyDumps(value, DUMP_OPTIONS);
}

const DUMP_OPTIONS = { ensureAscii: false };

const INT_TEXT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;
const PLAIN_INT = /^-?(?:0|[1-9]\d*)$/;

/** Python's `int(text)` for a decimal string, or undefined where it raises. */
export function pyIntOfText(text: string): bigint | undefined {
  return INT_TEXT.test(text) ? BigInt(text.trim().replaceAll('_', '')) : undefined;
}

/**
 * MLflow's `_parse_int_attribute`: an int, a JSON-encoded int, or a JSON string holding an int;
 * anything else (floats, words) is no count at all. A JSON boolean passes as Python's bool is an
 * int (it is written back as `true`, and counts as 1 in sums).
 */
export function parseCount(value: PyJson | string | undefined): bigint | boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'bigint') return value;
  if (typeof value !== 'string') return undefined;
  // The common case, an OTLP int stored as its digits, needs no JSON parser.
  if (PLAIN_INT.test(value)) return BigInt(value);
  const parsed = loadsOrText(value);
  if (typeof parsed === 'bigint' || typeof parsed === 'boolean') return parsed;
  if (typeof parsed === 'string' && parsed !== value) {
    const fromString = pyIntOfText(parsed);
    if (fromString !== undefined) return fromString;
  }
  return pyIntOfText(value);
}

/** The attributes of one span being translated; writes go straight to the record. */
export class SpanView {
  private decodedCache: Map<string, PyJson> | undefined;

  constructor(
    readonly attributes: Record<string, string>,
    readonly events: readonly SpanEventView[],
  ) {}

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.attributes, key);
  }

  raw(key: string): string | undefined {
    return this.has(key) ? this.attributes[key] : undefined;
  }

  /** `try_json_loads(attributes.get(key))`, decoded once. */
  decoded(key: string): PyJson | undefined {
    const raw = this.raw(key);
    if (raw === undefined) return undefined;
    this.decodedCache ??= new Map();
    let value = this.decodedCache.get(key);
    if (value === undefined) {
      value = loadsOrText(raw);
      this.decodedCache.set(key, value);
    }
    return value;
  }

  /** `_get_and_check_attribute_value`: the stored text when its value is truthy. */
  checked(key: string): string | undefined {
    const raw = this.raw(key);
    return raw !== undefined && jsonTextTruthy(raw) ? raw : undefined;
  }

  /** The first of `keys` whose value is truthy (`get_attribute_value`). */
  firstChecked(keys: readonly string[]): string | undefined {
    for (const key of keys) {
      const value = this.checked(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** `_try_decode_if_json` of the first truthy value of `keys` (model names, providers). */
  firstDecoded(keys: readonly string[]): PyJson | undefined {
    for (const key of keys) {
      if (this.checked(key) !== undefined) return this.decoded(key);
    }
    return undefined;
  }

  /** Sets an attribute's stored text; `decoded` (its value) spares decoding it again. */
  set(key: string, text: string, decoded?: PyJson): void {
    this.attributes[key] = text;
    if (decoded !== undefined) {
      this.decodedCache ??= new Map();
      this.decodedCache.set(key, decoded);
    } else {
      this.decodedCache?.delete(key);
    }
  }

  /** `json.loads(attributes[key])`: the decoded value, throwing where the text is not JSON. */
  strictDecoded(key: string): PyJson {
    const cached = this.decodedCache?.get(key);
    return cached !== undefined ? cached : pyLoads(this.raw(key) ?? '');
  }
}
