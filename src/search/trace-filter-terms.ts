// The first half of MLflow's trace filter (SearchTraceUtils' parser): each comparison becomes a
// term (entity type, key, comparator, value) with the checks and messages MLflow gives while
// parsing, then search keys are renamed as MLflow does (`name` → the trace-name tag, `run_id` →
// source-run metadata, `text` → span content, `timestamp` → `timestamp_ms`, ...). What a term
// means, and the checks MLflow makes only then, is trace-grammar.ts's part.
import { MlflowError } from '../errors.js';
import { parseComparisons, type RawComparison } from './filter-syntax.js';
import { parseStringList, splitIdentifier, stripQuotes, trimBackticks } from './filter-values.js';
import { pySet } from './python-repr.js';
import type { Node } from './sql-groups.js';

export type TermType =
  'attribute' | 'tag' | 'request_metadata' | 'span' | 'feedback' | 'expectation' | 'issue';

export interface TraceTerm {
  type: TermType;
  key: string;
  /** As written; IS NULL and IS NOT NULL upper-cased (MLflow upper-cases only those here). */
  comparator: string;
  /** Absent for IS [NOT] NULL. */
  value?: string | number | string[];
  /** The value as written, for messages. */
  valueText?: string;
}

const ENTITY_TYPES = new Map<string, TermType>([
  ['tag', 'tag'],
  ['request_metadata', 'request_metadata'],
  ['attribute', 'attribute'],
  ['span', 'span'],
  ['feedback', 'feedback'],
  ['expectation', 'expectation'],
  ['issue', 'issue'],
  ['tags', 'tag'],
  ['attributes', 'attribute'],
  ['trace', 'attribute'],
  ['metadata', 'request_metadata'],
]);

export const NUMERIC_ATTRIBUTE_KEYS = [
  'timestamp_ms',
  'timestamp',
  'execution_time_ms',
  'execution_time',
  'end_time_ms',
  'end_time',
];
const SEARCH_KEYS = [
  'request_id',
  ...NUMERIC_ATTRIBUTE_KEYS,
  'status',
  'client_request_id',
  'name',
  'run_id',
  'prompt',
  'text',
];
const LIST_KEYS = ['name', 'status', 'request_id', 'run_id', 'client_request_id'];
export const NUMERIC_COMPARATORS = ['>', '>=', '!=', '=', '<', '<='];
export const SPAN_COMPARATORS = ['!=', '=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'];
const SPAN_CONTENT_COMPARATORS = ['LIKE', 'ILIKE'];
const SPAN_COLUMNS = ['name', 'type', 'status'];
const ORDERED_COMPARATORS = ['>', '>=', '<', '<='];

// Search keys MLflow stores elsewhere, by the entity type they become (`undefined`: the same);
// the key is matched in lower case, on any entity but spans.
const RELOCATED = new Map<string, { type?: TermType; key: string }>([
  ['name', { type: 'tag', key: 'mlflow.traceName' }],
  ['prompt', { type: 'tag', key: 'mlflow.linkedPrompts' }],
  ['run_id', { type: 'request_metadata', key: 'mlflow.sourceRun' }],
  ['text', { type: 'span', key: 'content' }],
  ['timestamp', { key: 'timestamp_ms' }],
  ['execution_time', { key: 'execution_time_ms' }],
  ['end_time', { key: 'end_time_ms' }],
]);

/** The value kinds MLflow's parser tells apart (sqlparse's string, number, list). */
function valueKind(value: Node): 'string' | 'number' | 'list' | 'other' {
  if (value.kind === 'string' || value.kind === 'identifier') return 'string';
  if (value.kind === 'integer' || value.kind === 'float') return 'number';
  if (value.kind === 'parenthesis') return 'list';
  return 'other';
}

function quotedValueExpected(type: string, value: Node): MlflowError {
  return MlflowError.invalidParameter(
    `Expected a quoted string value for ${type} (e.g. 'my-value'). Got value ${value.text}`,
  );
}

/**
 * `text` and `timestamp` are SQL type names to MLflow's parser, so a bare one is no identifier: a
 * comparison on it is an invalid clause, except `timestamp <op> <integer>`, which MLflow lets
 * through by hand (and when it does not, its parser lists the word twice).
 */
function checkBareTypeNames(comparisons: RawComparison[]): void {
  const invalid: string[] = [];
  for (const c of comparisons) {
    const word = c.identifier.trim();
    if (!/^(text|timestamp)$/i.test(word)) continue;
    const comparatorWords = c.comparator.startsWith('IS ')
      ? ['IS', c.comparator.slice(3)]
      : c.comparator === 'NOT IN'
        ? ['NOT', 'IN']
        : [c.comparator];
    const parts = [word, ...comparatorWords, ...(c.value ? [c.value.text] : [])];
    if (word !== 'timestamp') invalid.push(...parts);
    else if (!NUMERIC_COMPARATORS.includes(c.comparator) || c.value?.kind !== 'integer') {
      invalid.push(...parts.slice(0, 3), word, ...parts.slice(3));
    }
  }
  if (invalid.length > 0) {
    const clauses = invalid.map((text) => `'${text}'`).join(', ');
    throw MlflowError.invalidParameter(`Invalid clause(s) in filter string: ${clauses}`);
  }
}

function identify(identifier: string): { type: TermType; key: string } {
  const { entity, key: rawKey } = splitIdentifier(identifier.trim());
  const key = trimBackticks(stripQuotes(rawKey));
  if (entity === undefined) {
    if (!SEARCH_KEYS.includes(key)) {
      throw MlflowError.invalidParameter(
        `Invalid attribute key '${key}' specified. Valid keys are '${pySet(SEARCH_KEYS)}'`,
      );
    }
    return { type: 'attribute', key };
  }
  const name = trimBackticks(entity);
  const type = ENTITY_TYPES.get(name);
  if (!type) {
    throw MlflowError.invalidParameter(
      `Invalid entity type '${name}'. Valid values are ${pySet([...ENTITY_TYPES.keys()])}`,
    );
  }
  if (type === 'attribute' && !SEARCH_KEYS.includes(key)) {
    throw MlflowError.invalidParameter(
      `Invalid attribute key '${key}' specified. Valid keys are '${pySet(SEARCH_KEYS)}'`,
    );
  }
  return { type, key };
}

/** MLflow's check of a span term's key and comparator (made with the comparator as given). */
export function checkSpanTerm(key: string, comparator: string): void {
  let allowed = SPAN_COMPARATORS;
  if (key.startsWith('attributes.')) {
    if (key.length === 'attributes.'.length) {
      throw MlflowError.invalidParameter("Span attribute name cannot be empty after 'attributes.'");
    }
  } else if (key === 'content') {
    allowed = SPAN_CONTENT_COMPARATORS;
  } else if (!SPAN_COLUMNS.includes(key)) {
    throw MlflowError.invalidParameter(
      `Invalid span attribute '${key}'. Supported attributes: ` +
        `${[...SPAN_COLUMNS].sort().join(', ')}, attributes.<attribute_name>.`,
    );
  }
  if (!allowed.includes(comparator)) {
    throw MlflowError.invalidParameter(
      `span.${key} comparator '${comparator}' not one of '${pySet(allowed)}'`,
    );
  }
}

function assessmentValue(type: TermType, comparator: string, value: Node): string | number {
  const ordered = ORDERED_COMPARATORS.includes(comparator);
  const kind = valueKind(value);
  if (kind === 'string' && !ordered) return stripQuotes(value.text, true);
  if (kind === 'number' && ordered) return Number(value.text);
  throw MlflowError.invalidParameter(
    ordered
      ? `Expected a numeric value for ${type} when using comparator '${comparator}'. ` +
          `Got value ${value.text}`
      : `Expected a quoted string value for ${type} (e.g. 'my-value'). Got value ${value.text}`,
  );
}

function attributeValue(key: string, value: Node): string | number | string[] {
  switch (valueKind(value)) {
    case 'string':
      return stripQuotes(value.text, true);
    case 'list':
      if (!LIST_KEYS.includes(key)) {
        throw MlflowError.invalidParameter(
          `Only attributes in ${pySet(LIST_KEYS)} supports comparison with a list of quoted ` +
            'string values.',
        );
      }
      return parseStringList(value.text);
    case 'number':
      if (!NUMERIC_ATTRIBUTE_KEYS.includes(key)) {
        throw MlflowError.invalidParameter(
          `Only the '${pySet(NUMERIC_ATTRIBUTE_KEYS)}' attributes support comparison with ` +
            'numeric values.',
        );
      }
      return Number(value.text);
    default:
      throw MlflowError.invalidParameter(
        'Expected a quoted string value or a list of quoted string values for attributes. ' +
          `Got value ${value.text}`,
      );
  }
}

function termValue(type: TermType, key: string, comparator: string, value: Node) {
  if (type === 'feedback' || type === 'expectation') {
    return assessmentValue(type, comparator, value);
  }
  if (type === 'attribute') return attributeValue(key, value);
  const kind = valueKind(value);
  if (kind === 'string') return stripQuotes(value.text, true);
  if (kind === 'list' && (type === 'tag' || type === 'span')) return parseStringList(value.text);
  throw quotedValueExpected(type, value);
}

function parseTerm(raw: RawComparison): TraceTerm {
  const { type, key } = identify(raw.identifier);
  if (!raw.value) return { type, key, comparator: raw.comparator.toUpperCase() };
  const value = termValue(type, key, raw.comparator, raw.value);
  if (type === 'span') checkSpanTerm(key, raw.comparator);
  return { type, key, comparator: raw.comparator, value, valueText: raw.value.text };
}

/** Where MLflow keeps a search key: renames `name`, `run_id`, `prompt`, `text` and the aliases. */
function relocate(term: TraceTerm): TraceTerm {
  const target = term.type === 'span' ? undefined : RELOCATED.get(term.key.toLowerCase());
  return target ? { ...term, type: target.type ?? term.type, key: target.key } : term;
}

/** A filter's terms, in order, with the errors MLflow's parser gives (the first bad one wins). */
export function parseTraceTerms(filter: string | undefined): TraceTerm[] {
  const comparisons = parseComparisons(filter, { quoteInvalidClauses: true }, (c) => c);
  checkBareTypeNames(comparisons);
  return comparisons.map(parseTerm).map(relocate);
}
