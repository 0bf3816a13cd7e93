// RLIKE patterns: Python's `re.search` syntax read by JavaScript's RegExp, and kept to what runs in
// bounded time. Every project shares one thread, so one filter must not stall the server: V8 is
// told to switch a pattern to its linear-time engine once it backtracks too much, which works for
// every pattern except those with backreferences or lookaround; those are refused up front.
import v8 from 'node:v8';
import { MlflowError } from '../errors.js';

v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/** Python's named groups and leading inline flags, in JavaScript's spelling; null if unreadable. */
export function pythonRegex(pattern: string): RegExp | null {
  let flags = '';
  let source = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const flag of 'ims') if (inline[1].includes(flag)) flags += flag;
  }
  source = source.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  try {
    return new RegExp(source, flags);
  } catch {
    return null;
  }
}

/**
 * The same pattern in PostgreSQL's spelling (its `~` operator): named groups as plain groups, a
 * leading case-insensitive flag as PostgreSQL's own; null if Python could not read it either.
 */
export function postgresRegex(pattern: string): string | null {
  if (pythonRegex(pattern) === null) return null;
  let source = pattern;
  let prefix = '';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    if (inline[1].includes('i')) prefix = '(?i)';
  }
  return prefix + source.replace(/\(\?P<\w+>/g, '(');
}

/** The construct that could make `pattern` take exponential time, if any. */
function unboundedConstruct(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<')) return 'a backreference';
      i++;
    } else if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2, i + 4);
      if (rest.startsWith('P=')) return 'a backreference';
      if (/^(=|!|<=|<!)/.test(rest)) return 'a lookaround';
    }
  }
  return undefined;
}

/** Throws MLflow's INVALID_PARAMETER_VALUE for a pattern this server will not run. */
export function assertBoundedRegex(pattern: string): void {
  const construct = unboundedConstruct(pattern);
  if (construct) {
    throw MlflowError.invalidParameter(
      `RLIKE pattern '${pattern}' uses ${construct}, which this server does not run: such ` +
        'patterns can take exponential time on a server shared by every project.',
    );
  }
}
