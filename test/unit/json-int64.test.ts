// JSON with exact 64-bit integers: nanosecond times and OTLP int values survive a round trip, and
// doubles write as Python's json.dumps does.
import { describe, expect, it } from 'vitest';
import { parseJson64, stringifyJson64 } from '../../src/json-int64.js';

describe('json-int64', () => {
  it('reads integer literals as bigints, other numbers as numbers', () => {
    expect(parseJson64('{"t": 1796316330309194728, "x": 1.5, "e": 2e3, "n": -3}')).toEqual({
      t: 1796316330309194728n,
      x: 1.5,
      e: 2000,
      n: -3n,
    });
  });

  it('writes bigints in full and round-trips strings with escapes', () => {
    const text = '{"a":[1796316330309194728,"q\\"\\u00e9\\n",true,null,{}]}';
    expect(stringifyJson64(parseJson64(text))).toBe(
      '{"a":[1796316330309194728,"q\\"é\\n",true,null,{}]}',
    );
  });

  it("writes Python's spacing and float form when asked", () => {
    expect(stringifyJson64({ a: 1, b: [2n, 0.5], c: 'x' }, true)).toBe(
      '{"a": 1.0, "b": [2, 0.5], "c": "x"}',
    );
  });

  it('refuses malformed JSON', () => {
    for (const bad of ['{', '[1,]', '{"a" 1}', '1 2', '"open']) {
      expect(() => parseJson64(bad), bad).toThrow(SyntaxError);
    }
  });
});
