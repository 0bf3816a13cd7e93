// JSON with exact 64-bit integers. Span times are nanoseconds (past 2^53) and OTLP int values are
// int64, so a JS number would round them; here every integer literal reads as a bigint and a
// bigint writes as its digits. Doubles stay numbers and write as Python does (1.0, not 1), so a
// value written by MLflow's Python client reads back with the same type.

export type JsonValue =
  string | number | bigint | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Parses JSON text; integer literals become bigints, other numbers stay numbers. */
export function parseJson64(text: string): JsonValue {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxError(`Invalid JSON at position ${i}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const value = (): JsonValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, JsonValue> = {};
      ws();
      if (text[i] === '}') return (i++, out);
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const key = str();
        ws();
        if (text[i++] !== ':') fail();
        out[key] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return (i++, out);
        else fail();
      }
    }
    if (c === '[') {
      i++;
      const out: JsonValue[] = [];
      ws();
      if (text[i] === ']') return (i++, out);
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return (i++, out);
        else fail();
      }
    }
    if (c === '"') return str();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
    ] as const) {
      if (text.startsWith(word, i)) return ((i += word.length), v);
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail();
    i += m[0].length;
    return m[1] === undefined && m[2] === undefined ? BigInt(m[0]) : Number(m[0]);
  };
  const str = (): string => {
    // From the opening quote to the closing one, escapes decoded by JSON.parse itself.
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const result = value();
  ws();
  if (i !== text.length) fail();
  return result;
}

/** JSON text; `python` spacing (`", "`, `": "`) as Python's json.dumps writes it. */
export function stringifyJson64(value: JsonValue | undefined, python = false): string {
  const [comma, colon] = python ? [', ', ': '] : [',', ':'];
  const write = (v: JsonValue | undefined): string => {
    if (v === undefined || v === null) return 'null';
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return 'NaN';
      if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
      return Number.isInteger(v) && python && Math.abs(v) < 1e16 ? `${v}.0` : String(v);
    }
    if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(write).join(comma)}]`;
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) {
      if (x !== undefined) parts.push(`${JSON.stringify(k)}${colon}${write(x)}`);
    }
    return `{${parts.join(comma)}}`;
  };
  return write(value);
}
