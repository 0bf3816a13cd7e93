// MLflow's error messages embed Python reprs (strings, tuples, sets, dicts, bytes); these render
// our values the same way so clients that match on messages see MLflow's text.

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/** Python's `repr(str)`: single quotes unless only double quotes avoid escaping. */
export function pyStr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '\\') out += '\\\\';
    else if (char === quote) out += `\\${quote}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return quote + out + quote;
}

/** Python's `repr(float)`: shortest round-trip digits, always with a fraction or exponent. */
export function pyFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    // Python writes the exponent with at least two digits and an explicit sign.
    const [mantissa, exponent] = value.toExponential().split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  const text = String(value);
  return text.includes('.') ? text : `${text}.0`;
}

export function pyRepr(value: PyValue): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return pyStr(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  const entries = Object.entries(value).map(([k, v]) => `${pyStr(k)}: ${pyRepr(v)}`);
  return `{${entries.join(', ')}}`;
}

/** Python's `repr(tuple)`, e.g. `('a',)` for one element. */
export function pyTuple(items: PyValue[]): string {
  if (items.length === 1) return `(${pyRepr(items[0])},)`;
  return `(${items.map(pyRepr).join(', ')})`;
}

/**
 * Python's `repr(set)` of strings. Python's own order depends on per-process hash seeds, so no
 * client can rely on it; we print the members in the order given.
 */
export function pySet(items: readonly string[]): string {
  return `{${items.map(pyStr).join(', ')}}`;
}

/** Python's `repr(bytes)`: `b'...'` with non-ASCII and control bytes escaped. */
export function pyBytes(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    if (char === '\\') out += '\\\\';
    else if (char === quote) out += `\\${quote}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return `b${quote}${out}${quote}`;
}
