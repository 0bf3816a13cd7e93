// SQL for the comparisons a search clause can make, with MLflow's semantics on every database we
// target: `=`, `!=` and LIKE compare case-sensitively, ILIKE case-insensitively, RLIKE by regular
// expression (on SQLite through the `regexp` function store/sqlite-functions.ts registers).
import { sql, SqliteAdapter, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { assertBoundedRegex, postgresRegex } from './regex-pattern.js';

export type SqlFlavour = 'sqlite' | 'other';

/**
 * Only SQLite needs special treatment (for LIKE, below). `getExecutor()` is how Kysely exposes the
 * dialect adapter; it is marked internal but is the one place the dialect is visible at run time.
 */
export function sqlFlavour(db: { getExecutor(): { adapter: unknown } }): SqlFlavour {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'other';
}

/**
 * SQLite's LIKE ignores ASCII case (MLflow turns that off with a connection-wide pragma we would
 * rather not depend on), so on SQLite a LIKE pattern is rewritten to the equivalent GLOB, which is
 * case-sensitive and can still use an index for a literal prefix. PostgreSQL's LIKE is already
 * case-sensitive and is used as is. `%` → `*`, `_` → `?`, and GLOB's own wildcards are escaped by
 * putting them in a one-character class.
 */
export function likeToGlob(pattern: string): string {
  let glob = '';
  for (const char of pattern) {
    if (char === '%') glob += '*';
    else if (char === '_') glob += '?';
    else if (char === '*' || char === '?' || char === '[') glob += `[${char}]`;
    else glob += char;
  }
  return glob;
}

const NUMERIC_OPERATORS: Record<string, string> = {
  '=': '=',
  '!=': '<>',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};

/** A text SQLite reads as a number when it meets a column of numeric affinity. */
const SQLITE_NUMERIC_TEXT = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * `column <op> value` for the comparators MLflow allows on numbers. A text value is bound as text,
 * as MLflow binds it, and answers as it does on SQLite, the store MLflow's tests pin: against a
 * table column a text that reads as a number is that number; any other text, and any text
 * against a computed expression (`computed`, which has no affinity), sorts after every number.
 * SQLite does that itself; elsewhere the same answer is spelled out (PostgreSQL would instead
 * refuse a text that is not a number).
 */
export function compareNumber(
  flavour: SqlFlavour,
  column: Expression<unknown>,
  comparator: string,
  value: number | string,
  computed = false,
): RawBuilder<SqlBool> {
  const operator = NUMERIC_OPERATORS[comparator];
  if (!operator) throw new Error(`unsupported numeric comparator ${comparator}`);
  if (typeof value === 'string' && flavour !== 'sqlite') {
    if (!computed && SQLITE_NUMERIC_TEXT.test(value)) {
      return sql<SqlBool>`${column} ${sql.raw(operator)} ${Number(value)}`;
    }
    // Every number is less than any text; a NULL column still matches nothing.
    const numberIsLess = operator === '<' || operator === '<=' || operator === '<>';
    return numberIsLess ? sql<SqlBool>`${column} IS NOT NULL` : sql<SqlBool>`1 = 0`;
  }
  return sql<SqlBool>`${column} ${sql.raw(operator)} ${value}`;
}

/**
 * `column <op> value` for the comparators MLflow allows on strings (including IN lists, and IS
 * [NOT] NULL, which take no value).
 */
export function compareText(
  flavour: SqlFlavour,
  column: Expression<unknown>,
  comparator: string,
  value?: string | string[],
): RawBuilder<SqlBool> {
  if (comparator === 'IS NULL') return sql<SqlBool>`${column} IS NULL`;
  if (comparator === 'IS NOT NULL') return sql<SqlBool>`${column} IS NOT NULL`;
  if (value === undefined) throw new Error(`comparator ${comparator} needs a value`);
  if (Array.isArray(value)) {
    const list = sql.join(value.map((v) => sql`${v}`));
    if (comparator === 'IN') return sql<SqlBool>`${column} IN (${list})`;
    if (comparator === 'NOT IN') return sql<SqlBool>`NOT (${column} IN (${list}))`;
    throw new Error(`comparator ${comparator} does not take a list`);
  }
  switch (comparator) {
    case '=':
      return sql<SqlBool>`${column} = ${value}`;
    case '!=':
      return sql<SqlBool>`${column} <> ${value}`;
    case 'LIKE':
      return flavour === 'sqlite'
        ? sql<SqlBool>`${column} GLOB ${likeToGlob(value)}`
        : sql<SqlBool>`${column} LIKE ${value}`;
    case 'ILIKE':
      return sql<SqlBool>`lower(${column}) LIKE lower(${value})`;
    case 'RLIKE': {
      assertBoundedRegex(value);
      if (flavour === 'sqlite') return sql<SqlBool>`${column} REGEXP ${value}`;
      // A pattern that cannot be read matches nothing, as the SQLite function answers.
      const pattern = postgresRegex(value);
      return pattern === null ? sql<SqlBool>`1 = 0` : sql<SqlBool>`${column} ~ ${pattern}`;
    }
    default:
      throw new Error(`unsupported string comparator ${comparator}`);
  }
}
