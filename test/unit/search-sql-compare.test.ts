// Building blocks of the search grammar: LIKE → GLOB for case-sensitive matching on SQLite, the
// shell-style word splitting order_by uses, and the Python reprs MLflow's messages contain.
import { describe, expect, it } from 'vitest';
import { shellSplit } from '../../src/search/order-by.js';
import { pyBytes, pyFloat, pyRepr, pyStr, pyTuple } from '../../src/search/python-repr.js';
import { likeToGlob } from '../../src/search/sql-compare.js';

describe('likeToGlob', () => {
  it('maps LIKE wildcards and escapes GLOB’s own', () => {
    expect(likeToGlob('a%b_c')).toBe('a*b?c');
    expect(likeToGlob('x*y?[z]')).toBe('x[*]y[?][[]z]');
    expect(likeToGlob('100\\%')).toBe('100\\*');
  });
});

describe('shellSplit', () => {
  it('splits like Python’s shlex.split', () => {
    expect(shellSplit('metrics."my metric" DESC')).toEqual(['metrics.my metric', 'DESC']);
    expect(shellSplit("params.'a b'")).toEqual(['params.a b']);
    expect(shellSplit('a\\ b  c')).toEqual(['a b', 'c']);
    expect(shellSplit('x "unterminated')).toBeUndefined();
  });
});

describe('python reprs', () => {
  it('render like Python', () => {
    expect(pyStr("it's")).toBe('"it\'s"');
    expect(pyStr('a\nb')).toBe("'a\\nb'");
    expect(pyTuple(['a'])).toBe("('a',)");
    expect(pyTuple(['a', 1])).toBe("('a', 1)");
    expect(pyRepr({ offset: null, x: [true] })).toBe("{'offset': None, 'x': [True]}");
    expect(pyFloat(1000)).toBe('1000.0');
    expect(pyFloat(1e16)).toBe('1e+16');
    expect(pyFloat(0.00001)).toBe('1e-05');
    expect(pyBytes(Buffer.from([0x69, 0xb7, 0x27]))).toBe('b"i\\xb7\'"');
  });
});
