// Groups tokens into the structures MLflow's parser (sqlparse) builds before MLflow looks at them:
// parentheses, dotted identifiers, arithmetic operations, `a <op> b` comparisons, aliases and comma
// lists. MLflow judges a filter by the shape of these groups (and quotes their text back in error
// messages), so the grouping rules follow sqlparse's, for the subset a search expression can hit.
import { tokenize, type Token, type TokenKind } from './sql-tokens.js';

export type NodeKind =
  TokenKind | 'parenthesis' | 'function' | 'identifier' | 'operation' | 'comparison' | 'list';

export interface Node {
  kind: NodeKind;
  /** The exact source text the node covers, whitespace included. */
  text: string;
  /** For comparisons: the operands and the comparator, whitespace dropped. */
  parts?: Node[];
}

const isWhitespace = (n: Node) => n.kind === 'whitespace';

function merge(kind: NodeKind, nodes: Node[], parts?: Node[]): Node {
  return { kind, text: nodes.map((n) => n.text).join(''), ...(parts ? { parts } : {}) };
}

/** Index of the next non-whitespace node after `i`, or -1. */
function nextIndex(nodes: Node[], i: number): number {
  for (let j = i + 1; j < nodes.length; j++) if (!isWhitespace(nodes[j])) return j;
  return -1;
}

/** Index of the previous non-whitespace node before `i`, or -1. */
function prevIndex(nodes: Node[], i: number): number {
  for (let j = i - 1; j >= 0; j--) if (!isWhitespace(nodes[j])) return j;
  return -1;
}

function isPunctuation(n: Node | undefined, text: string): boolean {
  return n?.kind === 'punctuation' && n.text === text;
}

/** Folds balanced parentheses into single nodes; an unbalanced one stays a plain token. */
function groupParentheses(tokens: Token[]): Node[] {
  const out: Node[] = [];
  const opens: number[] = [];
  for (const token of tokens) {
    out.push(token);
    if (isPunctuation(token, '(')) opens.push(out.length - 1);
    else if (isPunctuation(token, ')') && opens.length) {
      const start = opens.pop()!;
      const inner = out.splice(start);
      out.push(merge('parenthesis', inner));
    }
  }
  return out;
}

/** `f(...)`: a name followed by a parenthesis, whitespace allowed in between. */
function groupFunctions(nodes: Node[]): Node[] {
  const out = [...nodes];
  for (let i = 0; i < out.length; i++) {
    if (out[i].kind !== 'name') continue;
    const n = nextIndex(out, i);
    if (n < 0 || out[n].kind !== 'parenthesis') continue;
    out.splice(i, n - i + 1, merge('function', out.slice(i, n + 1)));
  }
  return out;
}

/** `a.b.c`, `metrics.\`x y\``, `tags."k"`: a name, then period-separated parts, as one identifier. */
function groupPeriods(nodes: Node[]): Node[] {
  const out = [...nodes];
  for (let i = 0; i < out.length; i++) {
    if (!isPunctuation(out[i], '.')) continue;
    const p = prevIndex(out, i);
    if (p < 0 || !['name', 'symbol', 'identifier'].includes(out[p].kind)) continue;
    const n = nextIndex(out, i);
    const nextOk =
      n >= 0 && ['name', 'symbol', 'wildcard', 'string', 'function'].includes(out[n].kind);
    // sqlparse keeps a dangling period inside the identifier (`metrics.` then something else).
    const end = nextOk ? n : i;
    const grouped = merge('identifier', out.slice(p, end + 1));
    out.splice(p, end - p + 1, grouped);
    i = p;
  }
  return out.map((n) =>
    n.kind === 'name' || n.kind === 'symbol' ? { ...n, kind: 'identifier' } : n,
  );
}

/** `x DESC`: an ordering keyword joins the identifier (or number) before it. */
function groupOrder(nodes: Node[]): Node[] {
  const out = [...nodes];
  for (let i = 0; i < out.length; i++) {
    if (out[i].kind !== 'order') continue;
    const p = prevIndex(out, i);
    if (p < 0 || !['identifier', 'integer', 'float'].includes(out[p].kind)) continue;
    out.splice(p, i - p + 1, merge('identifier', out.slice(p, i + 1)));
    i = p;
  }
  return out;
}

const OPERAND_KINDS: NodeKind[] = [
  'integer',
  'float',
  'string',
  'symbol',
  'name',
  'identifier',
  'parenthesis',
  'function',
  'operation',
];

/** Left-associative grouping of `operand <middle> operand` sequences. */
function groupBinary(
  nodes: Node[],
  isMiddle: (n: Node) => boolean,
  isOperand: (n: Node) => boolean,
  kind: NodeKind,
): Node[] {
  const out = [...nodes];
  for (let i = 0; i < out.length; i++) {
    if (!isMiddle(out[i])) continue;
    const p = prevIndex(out, i);
    const n = nextIndex(out, i);
    if (p < 0 || n < 0 || !isOperand(out[p]) || !isOperand(out[n])) continue;
    const parts = kind === 'comparison' ? [out[p], out[i], out[n]] : undefined;
    out.splice(p, n - p + 1, merge(kind, out.slice(p, n + 1), parts));
    i = p;
  }
  return out;
}

const isNullKeyword = (n: Node) => n.kind === 'keyword' && n.text.toUpperCase() === 'NULL';

/** `x foo` → one identifier, as sqlparse reads a trailing name as an alias. */
function groupAliases(nodes: Node[]): Node[] {
  const aliasable: NodeKind[] = [
    'parenthesis',
    'function',
    'identifier',
    'operation',
    'comparison',
    'integer',
    'float',
    'hex',
  ];
  const out = [...nodes];
  for (let i = 0; i < out.length; i++) {
    if (!aliasable.includes(out[i].kind)) continue;
    const n = nextIndex(out, i);
    if (n < 0 || out[n].kind !== 'identifier') continue;
    // Pairwise only: the merged identifier is not itself aliased again.
    out.splice(i, n - i + 1, merge('identifier', out.slice(i, n + 1)));
  }
  return out;
}

/** `a, b`: a comma between list-able nodes makes one list. */
function groupCommaLists(nodes: Node[]): Node[] {
  const listable: NodeKind[] = [
    'function',
    'identifier',
    'comparison',
    'list',
    'operation',
    'integer',
    'float',
    'string',
    'symbol',
    'name',
    'keyword',
    'comment',
    'wildcard',
  ];
  return groupBinary(
    nodes,
    (n) => isPunctuation(n, ','),
    (n) => listable.includes(n.kind),
    'list',
  );
}

export interface GroupOptions {
  /** order_by strings: ASC/DESC attach to the identifier before them. */
  ordering?: boolean;
}

/** One statement's top-level nodes, grouped as sqlparse would. */
export function groupStatement(text: string, options: GroupOptions = {}): Node[] {
  let nodes = groupPeriods(groupFunctions(groupParentheses(tokenize(text))));
  if (options.ordering) nodes = groupOrder(nodes);
  nodes = groupBinary(
    nodes,
    (n) => n.kind === 'operator' || n.kind === 'wildcard',
    (n) => OPERAND_KINDS.includes(n.kind),
    'operation',
  );
  nodes = groupBinary(
    nodes,
    (n) => n.kind === 'comparator',
    // A finished comparison may be the left side of another: `a > 1 > 2` nests.
    (n) => OPERAND_KINDS.includes(n.kind) || n.kind === 'comparison' || isNullKeyword(n),
    'comparison',
  );
  nodes = groupAliases(nodes);
  return groupCommaLists(nodes);
}

/**
 * Splits text into statements the way sqlparse does: a top-level semicolon ends a statement, and
 * whitespace and line comments right after it still belong to that statement. Text holding
 * nothing but whitespace has no statement at all.
 */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let offset = 0;
  let depth = 0;
  let ended = false;
  for (const token of tokenize(text)) {
    const trailing = token.kind === 'whitespace' || token.kind === 'comment';
    if (ended && !trailing) {
      statements.push(text.slice(start, offset));
      start = offset;
      ended = false;
    }
    offset += token.text.length;
    if (isPunctuation(token, '(')) depth++;
    else if (isPunctuation(token, ')')) depth = Math.max(0, depth - 1);
    else if (depth === 0 && isPunctuation(token, ';')) ended = true;
  }
  const last = text.slice(start);
  if (last.trim() !== '') statements.push(last);
  return statements;
}
