// The `regexp` function behind RLIKE on SQLite: Python `re.search` patterns as MLflow's SQLite
// store evaluates them, including the Python-only spellings a filter is likely to carry.
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { registerSqlFunctions } from '../../src/store/sqlite-functions.js';

const db = registerSqlFunctions(new SQLite(':memory:'));
afterAll(() => db.close());

function matches(text: string | null, pattern: string): boolean {
  const row = db.prepare('select ? regexp ? as hit').get(text, pattern) as { hit: number };
  return row.hit === 1;
}

describe('regexp', () => {
  it.each([
    ['gpt-4o', 'gpt', true],
    ['gpt-4o', '^gpt-4$', false],
    ['gpt-4o', '4o$', true],
    ['ERROR', '(?i)error', true],
    ['ERROR', 'error', false],
    ['alpha', '(?P<first>al)pha', true],
    ['abab', '(?P<x>ab)(?P=x)', true],
    ['line\nnext', '(?s)line.next', true],
  ])('%j against %j is %s', (text, pattern, expected) => {
    expect(matches(text, pattern)).toBe(expected);
  });

  it('matches nothing for a pattern that does not compile, or a NULL value', () => {
    expect(matches('[', '[')).toBe(false);
    expect(matches(null, '.*')).toBe(false);
  });
});
