// SQL functions SQLite lacks and MLflow's SQLite store registers: `regexp`, behind `x REGEXP p`
// (search filters' RLIKE). It reads Python's `re.search` patterns with JavaScript's RegExp, after
// rewriting the Python-only syntax a filter is likely to use; a pattern either cannot read
// matches nothing, as in MLflow.
import type SQLite from 'better-sqlite3';

const CACHE_LIMIT = 64;

/** Python's named groups and leading inline flags, in JavaScript's spelling. */
function toJavaScript(pattern: string): RegExp {
  let flags = '';
  let source = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const flag of 'ims') if (inline[1].includes(flag)) flags += flag;
  }
  source = source.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  return new RegExp(source, flags);
}

export function registerSqlFunctions(sqlite: SQLite.Database): SQLite.Database {
  const compiled = new Map<string, RegExp | null>();
  sqlite.function('regexp', { deterministic: true }, (pattern: unknown, text: unknown) => {
    if (typeof pattern !== 'string' || text === null || text === undefined) return 0;
    let regex = compiled.get(pattern);
    if (regex === undefined) {
      try {
        regex = toJavaScript(pattern);
      } catch {
        regex = null;
      }
      if (compiled.size >= CACHE_LIMIT) compiled.clear();
      compiled.set(pattern, regex);
    }
    return regex !== null && regex.test(String(text)) ? 1 : 0;
  });
  return sqlite;
}
