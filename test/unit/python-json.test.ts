// Python-compatible JSON: what json.loads/json.dumps make of values MLflow hashes or returns.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PyFloat, pyDumps, pyLoads, PyJsonSyntaxError } from '../../src/python-json.js';

describe('pyLoads and pyDumps', () => {
  const text =
    '{"question": "What is MLflow?", "n": 1.0, "\\u00e9": [1, 2e3, 12345678901234567890], "2": null}';

  it('writes what json.dumps writes, keeping key order, floats and big ints', () => {
    expect(pyDumps(pyLoads(text))).toBe(
      '{"question": "What is MLflow?", "n": 1.0, "\\u00e9": [1, 2000.0, 12345678901234567890], "2": null}',
    );
  });

  it('sorts keys like sort_keys=True, so the sha256 matches MLflow’s upsert key', () => {
    const sorted = pyDumps(pyLoads(text), { sortKeys: true });
    expect(sorted).toBe(
      '{"2": null, "n": 1.0, "question": "What is MLflow?", "\\u00e9": [1, 2000.0, 12345678901234567890]}',
    );
    expect(createHash('sha256').update(sorted).digest('hex')).toBe(
      '12a14e61e556f69e6d48f9b53a907e9f8815e9ff5fc5e20b04f049c266dac748',
    );
  });

  it('writes Python float reprs and ASCII escapes', () => {
    const values = [1e16, 1e-5, 0.1, -0, Infinity, 123.456, 1e22].map((v) => new PyFloat(v));
    expect(pyDumps([...values, '\x7f\u2028\u{1F600}\n'])).toBe(
      '[1e+16, 1e-05, 0.1, -0.0, Infinity, 123.456, 1e+22, "\\u007f\\u2028\\ud83d\\ude00\\n"]',
    );
  });

  it('rejects malformed JSON', () => {
    for (const bad of ['{', '[1,]', '{"a" 1}', '01', '"a', '1 2', "{'a': 1}"]) {
      expect(() => pyLoads(bad), bad).toThrow(PyJsonSyntaxError);
    }
  });
});
