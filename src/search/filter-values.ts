// Reading identifiers and values out of filter text the way MLflow does: quote stripping, the
// `entity.key` split, and the `('a', 'b')` lists MLflow evaluates as Python tuple literals.
import { MlflowError } from '../errors.js';
import { pyTuple, type PyValue } from './python-repr.js';

function isQuoted(value: string, quote: string): boolean {
  return value.length >= 2 && value.startsWith(quote) && value.endsWith(quote);
}

export function trimBackticks(value: string): string {
  return isQuoted(value, '`') ? value.slice(1, -1) : value;
}

/**
 * Removes one level of single or double quotes. Escapes inside are kept verbatim, as in MLflow:
 * `'it''s'` means the four characters `it''s`.
 */
export function stripQuotes(value: string, expectQuoted = false): string {
  if (isQuoted(value, "'") || isQuoted(value, '"')) return value.slice(1, -1);
  if (expectQuoted) {
    throw MlflowError.invalidParameter(
      'Parameter value is either not quoted or unidentified quote types used for string value ' +
        `${value}. Use either single or double quotes.`,
    );
  }
  return value;
}

/** `metrics.a.b` → [`metrics`, `a.b`]; a bare `status` has no entity part. */
export function splitIdentifier(text: string): { entity?: string; key: string } {
  const dot = text.indexOf('.');
  return dot < 0 ? { key: text } : { entity: text.slice(0, dot), key: text.slice(dot + 1) };
}

const ILL_FORMED =
  'While parsing a list in the query, expected a non-empty list of string values, ' +
  'but got ill-formed list.';

class ListSyntaxError extends Error {}

/** Python's single-character string escapes (a backslash-newline continues the line). */
const PYTHON_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
};

/** A tiny reader for the Python literals a list may hold: strings, numbers, None/True/False. */
class TupleReader {
  private pos = 0;
  constructor(private readonly text: string) {}

  read(): PyValue[] {
    this.skipSpace();
    this.expect('(');
    const items: PyValue[] = [];
    this.skipSpace();
    while (this.peek() !== ')') {
      items.push(this.readAtom());
      this.skipSpace();
      if (this.peek() === ',') {
        this.pos++;
        this.skipSpace();
      } else if (this.peek() !== ')') {
        throw new ListSyntaxError();
      }
    }
    this.pos++;
    this.skipSpace();
    if (this.pos !== this.text.length) throw new ListSyntaxError();
    // `('a')` is a parenthesised string rather than a tuple in Python; MLflow wraps it into a
    // one-element list, which is what `items` already is.
    return items;
  }

  private readAtom(): PyValue {
    const char = this.peek();
    if (char === "'" || char === '"') {
      // Adjacent string literals concatenate, as in Python: ('a' 'b') is ('ab').
      let value = '';
      while (this.peek() === "'" || this.peek() === '"') {
        value += this.readString();
        this.skipSpace();
      }
      return value;
    }
    const number = /^[+-]?\s*(\d[\d_]*(\.\d*)?([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)/.exec(
      this.text.slice(this.pos),
    );
    if (number) {
      this.pos += number[0].length;
      return Number(number[0].replace(/[\s_]/g, ''));
    }
    for (const [word, value] of [
      ['None', null],
      ['True', true],
      ['False', false],
    ] as const) {
      if (
        this.text.startsWith(word, this.pos) &&
        !/\w/.test(this.text[this.pos + word.length] ?? '')
      ) {
        this.pos += word.length;
        return value;
      }
    }
    throw new ListSyntaxError();
  }

  private readString(): string {
    const quote = this.text[this.pos++];
    let out = '';
    while (this.pos < this.text.length) {
      const char = this.text[this.pos++];
      if (char === quote) return out;
      if (char === '\n') break;
      if (char !== '\\') {
        out += char;
        continue;
      }
      const next = this.text[this.pos++];
      if (next in PYTHON_ESCAPES) out += PYTHON_ESCAPES[next];
      else if (next === 'x' || next === 'u') {
        const width = next === 'x' ? 2 : 4;
        const hex = this.text.slice(this.pos, this.pos + width);
        if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) throw new ListSyntaxError();
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += width;
      } else out += `\\${next ?? ''}`;
    }
    throw new ListSyntaxError();
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private expect(char: string): void {
    if (this.text[this.pos] !== char) throw new ListSyntaxError();
    this.pos++;
  }
}

/** The strings of an `IN (...)` list, with MLflow's messages for empty or non-string lists. */
export function parseStringList(text: string): string[] {
  let items: PyValue[];
  try {
    items = new TupleReader(text).read();
  } catch (err) {
    if (err instanceof ListSyntaxError) throw MlflowError.invalidParameter(ILL_FORMED);
    throw err;
  }
  if (items.length === 0) {
    throw MlflowError.invalidParameter(
      'While parsing a list in the query, expected a non-empty list of string values, ' +
        'but got empty list',
    );
  }
  if (!items.every((item) => typeof item === 'string')) {
    throw MlflowError.invalidParameter(
      'While parsing a list in the query, expected string value, punctuation, or whitespace, ' +
        `but got different type in list: ${pyTuple(items)}`,
    );
  }
  return items as string[];
}
