// Page tokens and page sizes as MLflow's SQL store handles them.
import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../src/errors.js';
import { validateMaxResults } from '../../src/search/max-results.js';
import { createPageToken, parsePageToken } from '../../src/search/page-token.js';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof MlflowError && err.code === 'INVALID_PARAMETER_VALUE') return err.message;
    throw err;
  }
  throw new Error('expected an MlflowError');
}

const encode = (text: string) => Buffer.from(text).toString('base64');

describe('page tokens', () => {
  it('are byte-identical to the tokens MLflow creates', () => {
    // base64.b64encode(json.dumps({"offset": 100}))
    expect(createPageToken(100)).toBe('eyJvZmZzZXQiOiAxMDB9');
    expect(parsePageToken(createPageToken(100))).toBe(100);
  });

  it('mean the first page when absent or empty', () => {
    expect(parsePageToken(undefined)).toBe(0);
    expect(parsePageToken('')).toBe(0);
  });

  it('accept what Python accepts: string offsets, spare padding, stray characters', () => {
    expect(parsePageToken(encode('{"offset": "7"}'))).toBe(7);
    expect(parsePageToken(`${encode('{"offset": 10}')}=`)).toBe(10);
    expect(parsePageToken(encode('{"offset": 5.9}'))).toBe(5);
    expect(parsePageToken(encode('{"offset": -3}'))).toBe(0);
  });

  it.each([
    ['abc', 'Invalid page token, could not base64-decode'],
    ['YQ=', 'Invalid page token, could not base64-decode'],
    ['abcd', "Invalid page token, decoded value=b'i\\xb7\\x1d'"],
    ['YQ==', "Invalid page token, decoded value=b'a'"],
    [encode('not json'), "Invalid page token, decoded value=b'not json'"],
    [encode('{"offset": 0}'), "Invalid page token, parsed value={'offset': 0}"],
    [encode('{"foo": 1}'), "Invalid page token, parsed value={'foo': 1}"],
    [encode('{"offset": "x"}'), 'Invalid page token, not stringable x'],
  ])('reject %j with MLflow’s message', (token, message) => {
    expect(messageOf(() => parsePageToken(token))).toBe(message);
  });
});

describe('max_results', () => {
  it('accepts 1 through 50000', () => {
    expect(() => validateMaxResults(1)).not.toThrow();
    expect(() => validateMaxResults(50000)).not.toThrow();
  });

  it.each([
    [0, "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer"],
    [-5, "Invalid value -5 for parameter 'max_results' supplied. It must be a positive integer"],
    [50001, "Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000"],
  ])('rejects %d', (value, message) => {
    expect(messageOf(() => validateMaxResults(value))).toBe(message);
  });
});
