// The `regexp` function behind RLIKE on SQLite: Python `re.search` patterns as MLflow's SQLite
// store evaluates them, including the Python-only spellings a filter is likely to carry.
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBoundedRegex } from '../../src/search/regex-pattern.js';
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

describe('patterns that could run for ever', () => {
  it('are switched to a linear-time engine instead of backtracking exponentially', () => {
    // Nested quantifiers against a near-miss: 2^60 steps for a backtracking engine.
    expect(matches(`${'a'.repeat(60)}b`, '^(a+)+$')).toBe(false);
    expect(matches(`${'a'.repeat(60)}`, '^(a|aa)+$')).toBe(true);
  });

  it.each([
    ['(a)\\1', 'a backreference'],
    ['(?P<x>a)(?P=x)', 'a backreference'],
    ['(?<x>a)\\k<x>', 'a backreference'],
    ['a(?=b)', 'a lookaround'],
    ['(?<!x)a', 'a lookaround'],
  ])('%j is refused in a filter (%s)', (pattern, construct) => {
    expect(() => assertBoundedRegex(pattern)).toThrow(construct);
  });

  it('lets ordinary patterns and escaped look-alikes through', () => {
    for (const pattern of ['^gpt-4o?$', '(?i)error', '\\\\1', 'a\\(?=b', '[0-9]{2,}']) {
      expect(() => assertBoundedRegex(pattern)).not.toThrow();
    }
  });
});
