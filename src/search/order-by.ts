// The shape MLflow accepts for one order_by entry, shared by runs and experiments: exactly one
// identifier, optionally followed by ASC or DESC (any case), nothing else.
import { MlflowError } from '../errors.js';
import { groupStatement, splitStatements } from './sql-groups.js';

export interface OrderByTerm {
  /** The identifier text with quotes resolved, e.g. `metrics.my metric`. */
  identifier: string;
  ascending: boolean;
}

const unparsable = (orderBy: string) =>
  MlflowError.invalidParameter(`Invalid order_by clause '${orderBy}'. Could not be parsed.`);

/**
 * POSIX shell word splitting (Python's `shlex.split`), which MLflow uses to separate the key from
 * the direction and to drop quotes. Returns undefined on an unterminated quote or escape.
 */
export function shellSplit(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i];
      else word += char;
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
    } else if (char === '\\') {
      if (i + 1 >= text.length) return undefined;
      word = (word ?? '') + text[++i];
    } else {
      word = (word ?? '') + char;
    }
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}

export function parseOrderByTerm(orderBy: string): OrderByTerm {
  const statements = orderBy ? splitStatements(orderBy) : [];
  if (statements.length !== 1) throw unparsable(orderBy);
  const nodes = groupStatement(statements[0], { ordering: true });
  if (nodes.length !== 1 || nodes[0].kind !== 'identifier') throw unparsable(orderBy);
  // Backticked keys are read as double-quoted words, so `metrics.\`a b\` DESC` splits in two.
  const words = shellSplit(nodes[0].text.replaceAll('`', '"'));
  if (!words || words.length > 2) throw unparsable(orderBy);
  if (words.length === 1) return { identifier: words[0], ascending: true };
  const direction = words[1].toLowerCase();
  if (direction !== 'asc' && direction !== 'desc') {
    throw MlflowError.invalidParameter(`Invalid ordering key in order_by clause '${orderBy}'.`);
  }
  return { identifier: words[0], ascending: direction === 'asc' };
}
