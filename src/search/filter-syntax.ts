// The statement level of MLflow's filter grammar, shared by runs and experiments: a filter is
// comparisons joined by AND (nothing else), where a comparison is `identifier <op> value`,
// `identifier [NOT] IN (list)` or `identifier IS [NOT] NULL`.
import { MlflowError } from '../errors.js';
import { groupStatement, splitStatements, type Node } from './sql-groups.js';
import { parseStringList } from './filter-values.js';
import { pyStr } from './python-repr.js';

/**
 * Bounds on one filter. MLflow sets none and lets the database fail (SQLite refuses past some
 * 500 terms, or 32,766 bound values); these sit well below, and far above any filter written by
 * hand or by a script that lists run ids.
 */
export const MAX_FILTER_COMPARISONS = 200;
export const MAX_FILTER_LIST_VALUES = 10_000;

export interface RawComparison {
  /** Source text of the left-hand identifier, e.g. `metrics.\`my key\``. */
  identifier: string;
  /** As written (`like`, `>=`, `in`), or the normalised `NOT IN`, `IS NULL`, `IS NOT NULL`. */
  comparator: string;
  /** The right-hand side; absent for IS [NOT] NULL. */
  value?: Node;
}

const isKeyword = (n: Node | undefined, word: string) =>
  n?.kind === 'keyword' && n.text.toUpperCase() === word;

const keyword = (text: string): Node => ({ kind: 'keyword', text });

function comparison(parts: Node[]): Node {
  return { kind: 'comparison', text: parts.map((p) => p.text).join(' '), parts };
}

/**
 * Joins `x IN (...)`, `x NOT IN (...)`, `x IS NULL` and `x IS NOT NULL` into comparisons; the
 * generic grouping only knows binary operators. Walks identifiers greedily in steps of three or
 * four nodes like MLflow does, so odd inputs are carved up (and reported) the same way.
 */
function joinKeywordComparisons(nodes: Node[]): Node[] {
  const out: Node[] = [];
  let i = 0;
  while (i < nodes.length) {
    if (nodes.length - i < 3) {
      out.push(...nodes.slice(i));
      break;
    }
    const [first, second, third, fourth] = nodes.slice(i, i + 4);
    if (first.kind !== 'identifier') {
      out.push(first);
      i += 1;
      continue;
    }
    if (isKeyword(second, 'IN') && third.kind === 'parenthesis') {
      out.push(comparison([first, second, third]));
      i += 3;
    } else if (isKeyword(second, 'IS') && isKeyword(third, 'NULL')) {
      out.push(comparison([first, keyword('IS NULL')]));
      i += 3;
    } else if (isKeyword(second, 'IS') && isKeyword(third, 'NOT NULL')) {
      out.push(comparison([first, keyword('IS NOT NULL')]));
      i += 3;
    } else if (!fourth) {
      out.push(first, second, third);
      break;
    } else if (
      isKeyword(second, 'NOT') &&
      isKeyword(third, 'IN') &&
      fourth.kind === 'parenthesis'
    ) {
      out.push(comparison([first, keyword('NOT IN'), fourth]));
      i += 4;
    } else {
      out.push(first, second, third, fourth);
      i += 4;
    }
  }
  return out;
}

function checkFilterSize(nodes: Node[]): void {
  const comparisons = nodes.filter((n) => n.kind === 'comparison');
  if (comparisons.length > MAX_FILTER_COMPARISONS) {
    throw MlflowError.invalidParameter(
      `Invalid filter: ${comparisons.length} comparisons; a filter may hold at most ` +
        `${MAX_FILTER_COMPARISONS}.`,
    );
  }
  const lists = comparisons
    .map((n) => n.parts?.[2])
    .filter((v): v is Node => v?.kind === 'parenthesis');
  // Commas bound the values from above (a comma may sit inside a string); count exactly only when
  // that bound is past the limit. A list that does not parse is left for the grammar to report.
  const bound = lists.reduce((sum, v) => sum + v.text.split(',').length, 0);
  if (bound <= MAX_FILTER_LIST_VALUES) return;
  let values = 0;
  for (const list of lists) {
    try {
      values += parseStringList(list.text).length;
    } catch {
      return;
    }
  }
  if (values > MAX_FILTER_LIST_VALUES) {
    throw MlflowError.invalidParameter(
      `Invalid filter: its IN lists hold ${values} values; a filter may hold at most ` +
        `${MAX_FILTER_LIST_VALUES}.`,
    );
  }
}

export interface SyntaxStyle {
  /** Runs quote each invalid clause in the error message, experiments do not. */
  quoteInvalidClauses: boolean;
}

/**
 * Parses a filter and hands each comparison, in order, to `interpret`, so the first bad clause is
 * the one reported (as MLflow does). Throws MLflow's INVALID_PARAMETER_VALUE messages.
 */
export function parseComparisons<T>(
  filter: string | undefined,
  style: SyntaxStyle,
  interpret: (comparison: RawComparison) => T,
): T[] {
  if (!filter) return [];
  const statements = splitStatements(filter);
  if (statements.length === 0) {
    throw MlflowError.invalidParameter(`Invalid filter '${filter}'. Could not be parsed.`);
  }
  if (statements.length > 1) {
    throw MlflowError.invalidParameter(
      `Search filter contained multiple expression ${pyStr(filter)}. ` +
        'Provide AND-ed expression list.',
    );
  }
  const nodes = joinKeywordComparisons(
    groupStatement(statements[0]).filter((n) => n.kind !== 'whitespace'),
  );
  const invalid = nodes.filter((n) => n.kind !== 'comparison' && !isKeyword(n, 'AND'));
  if (invalid.length) {
    const clauses = invalid.map((n) => (style.quoteInvalidClauses ? `'${n.text}'` : n.text));
    throw MlflowError.invalidParameter(`Invalid clause(s) in filter string: ${clauses.join(', ')}`);
  }
  checkFilterSize(nodes);
  return nodes
    .filter((n) => n.kind === 'comparison')
    .map((n) => {
      const [left, comparator, value] = n.parts!;
      if (left.kind !== 'identifier') {
        throw MlflowError.invalidParameter(
          `Invalid comparison clause. Expected 'Identifier' found '${left.text}'`,
        );
      }
      return interpret({ identifier: left.text, comparator: comparator.text, value });
    });
}
