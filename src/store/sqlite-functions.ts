// SQL functions SQLite lacks and MLflow's SQLite store registers: `regexp`, behind `x REGEXP p`
// (search filters' RLIKE), with Python's `re.search` patterns read as search/regex-pattern.ts
// reads them; a pattern that cannot be read matches nothing, as in MLflow.
import type SQLite from 'better-sqlite3';
import { pythonRegex } from '../search/regex-pattern.js';

const CACHE_LIMIT = 64;

export function registerSqlFunctions(sqlite: SQLite.Database): SQLite.Database {
  const compiled = new Map<string, RegExp | null>();
  sqlite.function('regexp', { deterministic: true }, (pattern: unknown, text: unknown) => {
    if (typeof pattern !== 'string' || text === null || text === undefined) return 0;
    let regex = compiled.get(pattern);
    if (regex === undefined) {
      regex = pythonRegex(pattern);
      if (compiled.size >= CACHE_LIMIT) compiled.clear();
      compiled.set(pattern, regex);
    }
    return regex !== null && regex.test(String(text)) ? 1 : 0;
  });
  return sqlite;
}
