// JSON as Python's `json` module reads and writes it, for values MLflow hashes or hands back as
// JSON text: ints stay exact (bigint), floats stay floats (`1.0` is not `1`), objects keep their
// key order (a Map, so `"2"` does not jump ahead of `"a"`), and `dumps` writes Python's spacing
// (`", "`, `": "`), its ASCII escapes and float reprs. Imports nothing of ours but a repr helper.
import { pyFloat } from './search/python-repr.js';

/** A Python float (a JSON number written with a fraction or an exponent). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyJson = null | boolean | string | bigint | PyFloat | PyJson[] | PyDict;
export type PyDict = Map<string, PyJson>;

export class PyJsonSyntaxError extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/** `json.loads(text)`: strict JSON plus Python's NaN, Infinity and -Infinity. */
export function pyLoads(text: string): PyJson {
  let pos = 0;
  const fail = (what: string): never => {
    throw new PyJsonSyntaxError(`${what} at position ${pos}`);
  };
  const skip = () => {
    // Most positions hold no whitespace: a character test is cheaper than the regex.
    const c = text.charCodeAt(pos);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
    WHITESPACE.lastIndex = pos;
    WHITESPACE.exec(text);
    pos = WHITESPACE.lastIndex;
  };
  const literal = (word: string) => {
    if (!text.startsWith(word, pos)) return false;
    pos += word.length;
    return true;
  };
  const string = (): string => {
    const start = pos;
    pos++;
    for (;;) {
      const char = text[pos];
      if (char === undefined) fail('Unterminated string');
      if (char === '"') break;
      if (char === '\\') pos++;
      else if (char < ' ') fail('Invalid control character');
      pos++;
    }
    pos++;
    try {
      return JSON.parse(text.slice(start, pos)) as string;
    } catch {
      return fail('Invalid escape');
    }
  };
  const value = (depth: number): PyJson => {
    if (depth > 1000) fail('Nesting too deep');
    skip();
    const char = text[pos];
    if (char === '"') return string();
    if (char === '{') {
      pos++;
      const dict: PyDict = new Map();
      skip();
      if (text[pos] === '}') {
        pos++;
        return dict;
      }
      for (;;) {
        skip();
        if (text[pos] !== '"') fail('Expecting property name enclosed in double quotes');
        const key = string();
        skip();
        if (text[pos] !== ':') fail("Expecting ':' delimiter");
        pos++;
        dict.set(key, value(depth + 1));
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] === '}') {
          pos++;
          return dict;
        } else fail("Expecting ',' delimiter");
      }
    }
    if (char === '[') {
      pos++;
      const list: PyJson[] = [];
      skip();
      if (text[pos] === ']') {
        pos++;
        return list;
      }
      for (;;) {
        list.push(value(depth + 1));
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] === ']') {
          pos++;
          return list;
        } else fail("Expecting ',' delimiter");
      }
    }
    if (literal('null')) return null;
    if (literal('true')) return true;
    if (literal('false')) return false;
    if (literal('NaN')) return new PyFloat(NaN);
    if (literal('Infinity')) return new PyFloat(Infinity);
    if (literal('-Infinity')) return new PyFloat(-Infinity);
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (!match) return fail('Expecting value');
    pos = NUMBER.lastIndex;
    return match[1] !== undefined || match[2] !== undefined
      ? new PyFloat(Number(match[0]))
      : BigInt(match[0]);
  };
  const result = value(0);
  skip();
  if (pos !== text.length) fail('Extra data');
  return result;
}

/** A JSON string literal as `json.dumps` writes it (ensure_ascii: \uXXXX for all but printable ASCII). */
export function pyJsonString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function floatText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Object.is(value, -0)) return '-0.0';
  return pyFloat(value);
}

/**
 * `json.dumps(value[, sort_keys=True][, ensure_ascii=False])` with the default separators.
 * (Without ensure_ascii, a lone surrogate is written escaped where Python writes it raw.)
 */
export function pyDumps(
  value: PyJson,
  opts: { sortKeys?: boolean; ensureAscii?: boolean } = {},
): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return dumpString(value, opts.ensureAscii);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof PyFloat) return floatText(value.value);
  if (Array.isArray(value)) return `[${value.map((v) => pyDumps(v, opts)).join(', ')}]`;
  const keys = [...value.keys()];
  // Python sorts str keys by code point; JS's default sort compares UTF-16 units. They differ
  // only for astral characters against U+E000–U+FFFF, which keys here do not hold in practice.
  if (opts.sortKeys) keys.sort();
  const parts = keys.map(
    (k) => `${dumpString(k, opts.ensureAscii)}: ${pyDumps(value.get(k)!, opts)}`,
  );
  return `{${parts.join(', ')}}`;
}

function dumpString(text: string, ensureAscii: boolean | undefined): string {
  return ensureAscii === false ? JSON.stringify(text) : pyJsonString(text);
}

export function isPyDict(value: PyJson | undefined): value is PyDict {
  return value instanceof Map;
}

/** The type name MLflow's dataset schema records for a value (`_infer_field_type`). */
export function pyTypeName(value: PyJson): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'bigint') return 'integer';
  if (value instanceof PyFloat) return 'float';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  return 'object';
}

/** Python truthiness of a JSON value (`if x:`). */
export function pyTruthy(value: PyJson | undefined): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (typeof value === 'string') return value !== '';
  if (typeof value === 'bigint') return value !== 0n;
  if (value instanceof PyFloat) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  return true;
}

/** `str(value)` for a JSON value, as MLflow stores a tag value (containers as JSON, not repr). */
export function pyStrOf(value: PyJson): string {
  if (typeof value === 'string') return value;
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null) return 'None';
  return pyDumps(value);
}
