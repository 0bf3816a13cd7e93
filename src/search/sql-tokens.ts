// Splits a filter or order_by string into SQL-ish tokens the way MLflow's parser (sqlparse) sees
// them, so that what MLflow accepts, rejects, and quotes back in its error messages matches.
// Only the part of sqlparse's lexicon that a search expression can meaningfully hit is covered;
// anything else becomes an `error` token and ends up reported as an invalid clause.

export type TokenKind =
  | 'whitespace'
  | 'comment'
  | 'name' // bare word, `backticked` or a word in identifier position
  | 'symbol' // "double quoted": a name to SQL, a string to MLflow
  | 'string' // 'single quoted'
  | 'integer'
  | 'float'
  | 'hex'
  | 'keyword'
  | 'order' // ASC / DESC (optionally with NULLS FIRST/LAST)
  | 'comparator'
  | 'punctuation'
  | 'operator'
  | 'wildcard'
  | 'error';

export interface Token {
  kind: TokenKind;
  text: string;
}

// Python's `\w` is Unicode-aware; JavaScript's is ASCII-only even with the `u` flag.
const W = '[\\p{L}\\p{N}_]';
const LETTER = '[\\p{L}]';

/** Words sqlparse lexes as keywords that change how a search expression groups. */
const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'IS',
  'NULL',
  'TRUE',
  'FALSE',
  'BETWEEN',
  'EXISTS',
  'SELECT',
  'FROM',
  'WHERE',
  'AS',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'ALL',
  'ANY',
  'SOME',
]);

interface Rule {
  pattern: RegExp;
  kind: TokenKind | ((text: string) => TokenKind);
}

function rule(source: string, kind: Rule['kind']): Rule {
  // Sticky so each pattern is tried exactly at the current position; `i` and `u` as sqlparse's
  // IGNORECASE | UNICODE.
  return { pattern: new RegExp(source, 'iuy'), kind };
}

// Order matters: the first rule matching at a position wins, as in sqlparse's lexer.
const RULES: Rule[] = [
  rule('(--|# ).*?(\\r\\n|\\r|\\n|$)', 'comment'),
  rule('\\s+', 'whitespace'),
  rule(':=', 'operator'),
  rule('::', 'punctuation'),
  rule('\\*', 'wildcard'),
  rule('`(``|[^`])*`', 'name'),
  // IN and AS may be followed by a parenthesis yet are never function names.
  rule(`(CASE|IN|VALUES|USING|FROM|AS)(?!${W})`, 'keyword'),
  // A word followed by a period is a name (`metrics.`), and so is a word right after a period,
  // even when it is otherwise a keyword (`params.select`).
  rule(`${LETTER}${W}*(?=\\s*\\.(?!\\d))`, 'name'),
  rule(`(?<=\\.)${LETTER}${W}*`, 'name'),
  // A word right before a parenthesis is a (function) name, keyword or not.
  rule(`${LETTER}${W}*(?=\\()`, 'name'),
  rule('-?0x[\\dA-F]+', 'hex'),
  rule('-?\\d+(\\.\\d+)?E-?\\d+', 'float'),
  rule(`(?![_\\p{L}])-?(\\d+(\\.\\d*)|\\.\\d+)(?![_\\p{L}])`, 'float'),
  rule(`(?![_\\p{L}])-?\\d+(?![_\\p{L}])`, 'integer'),
  rule("'(''|\\\\'|[^'])*'", 'string'),
  rule('"(""|\\\\"|[^"])*"', 'symbol'),
  rule('NOT\\s+NULL\\b', 'keyword'),
  rule('(ASC|DESC)(\\s+NULLS\\s+(FIRST|LAST))?\\b', 'order'),
  rule('NULLS\\s+(FIRST|LAST)\\b', 'order'),
  rule('(NOT\\s+)?(LIKE|ILIKE|RLIKE)\\b', 'comparator'),
  rule('(NOT\\s+)?(REGEXP)(\\s+(BINARY))?\\b', 'comparator'),
  rule(`${W}[$#\\p{L}\\p{N}_]*`, (text) => (KEYWORDS.has(text.toUpperCase()) ? 'keyword' : 'name')),
  rule('[;:()\\[\\],.]', 'punctuation'),
  rule('(->>?|#>>?|@>|<@|\\?\\|?|\\?&|-|#-)', 'operator'),
  rule('[<>=~!]+', 'comparator'),
  rule('[+/@#%^&|-]+', 'operator'),
];

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  outer: while (pos < text.length) {
    for (const { pattern, kind } of RULES) {
      pattern.lastIndex = pos;
      const match = pattern.exec(text);
      if (match && match[0].length > 0) {
        const value = match[0];
        tokens.push({ kind: typeof kind === 'function' ? kind(value) : kind, text: value });
        pos += value.length;
        continue outer;
      }
    }
    // Like sqlparse, an unrecognised character becomes a token of its own rather than an error.
    const char = String.fromCodePoint(text.codePointAt(pos)!);
    tokens.push({ kind: 'error', text: char });
    pos += char.length;
  }
  return tokens;
}
