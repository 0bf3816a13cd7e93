// What a trace search may say, as MLflow's SearchTraceUtils and SQL store read it: comparisons
// joined by AND on attributes (bare, `attribute.`, `attributes.`, `trace.`), `tag(s).`,
// `metadata.`/`request_metadata.`, `span.` (name, type, status, content, attributes.<k>),
// `feedback.`/`expectation.`/`issue.`, with =, !=, LIKE, ILIKE, RLIKE, IN, IS NULL and the numeric
// comparators where MLflow takes them; order_by on attributes, `tags.<k>` and `metadata.<k>`.
// Parsing is trace-filter-terms.ts; here each term gets its meaning and MLflow's later checks.
import { MlflowError } from '../errors.js';
import { splitIdentifier, trimBackticks } from './filter-values.js';
import { parseOrderByTerm } from './order-by.js';
import { pySet, pyStr } from './python-repr.js';
import {
  NUMERIC_COMPARATORS,
  checkSpanTerm,
  parseTraceTerms,
  type TraceTerm,
} from './trace-filter-terms.js';
import { RESERVED_METADATA, isCanonicalReserved } from './trace-reserved-metadata.js';

export type TraceNumericColumn = 'timestamp_ms' | 'execution_time_ms' | 'end_time_ms';
export type TraceTextColumn = 'request_id' | 'status' | 'client_request_id' | 'trace_name';

export type TraceClause =
  // A text value is bound as is: SQLite then compares it the way it does for MLflow.
  | { kind: 'number'; column: TraceNumericColumn; comparator: string; value: number | string }
  | { kind: 'text'; column: TraceTextColumn; comparator: string; value?: string | string[] }
  | { kind: 'run'; value: string[]; negate: boolean }
  | { kind: 'prompt'; value: string }
  | { kind: 'tag' | 'metadata'; key: string; comparator: string; value?: string }
  | {
      kind: 'span';
      field: 'name' | 'type' | 'status' | 'content' | 'attribute';
      key?: string;
      comparator: string;
      value: string | string[];
    }
  | {
      kind: 'assessment';
      type: 'feedback' | 'expectation' | 'issue';
      name: string;
      comparator: string;
      value?: string | number;
    }
  // Matches nothing (a comparison MLflow's store answers with `false`).
  | { kind: 'none' };

const STRING_COMPARATORS = ['!=', '=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'];
const KEY_VALUE_COMPARATORS = ['!=', '=', 'LIKE', 'ILIKE', 'RLIKE', 'IS NULL', 'IS NOT NULL'];
const ASSESSMENT_COMPARATORS = [
  '!=',
  '=',
  '>',
  '>=',
  '<',
  '<=',
  'LIKE',
  'ILIKE',
  'RLIKE',
  'IS NULL',
  'IS NOT NULL',
];
const TRACE_NAME_TAG = 'mlflow.traceName';
const LINKED_PROMPTS_TAG = 'mlflow.linkedPrompts';
const SOURCE_RUN_KEY = 'mlflow.sourceRun';
const PROMPT_FORMAT = 'Expected format: prompt = "name/version"';

function refuse(message: string): never {
  throw MlflowError.invalidParameter(message);
}

/**
 * A value for one comparison. MLflow hands a list to a comparator that wants one value on to the
 * database, which fails (400 with SQL in the message); we say so ourselves.
 */
function single(term: TraceTerm, comparator: string): string | undefined {
  if (!Array.isArray(term.value)) return term.value === undefined ? undefined : String(term.value);
  return refuse(
    `Invalid value ${term.valueText} for comparator '${comparator}': only IN and NOT IN take a list.`,
  );
}

/** `single` for the comparators that take a list (IN, NOT IN) or one value (the rest). */
function listOrSingle(term: TraceTerm, comparator: string): string | string[] {
  const list = comparator === 'IN' || comparator === 'NOT IN';
  if (list && Array.isArray(term.value)) return term.value;
  return single(term, comparator) ?? '';
}

function attributeClause(term: TraceTerm, comparator: string): TraceClause {
  if (
    term.key === 'timestamp_ms' ||
    term.key === 'execution_time_ms' ||
    term.key === 'end_time_ms'
  ) {
    if (!NUMERIC_COMPARATORS.includes(comparator)) {
      // MLflow's message names the string comparators here, and has no closing quote.
      refuse(`Invalid comparator '${comparator}' not one of '${pySet(STRING_COMPARATORS)}`);
    }
    const value = typeof term.value === 'number' ? term.value : single(term, comparator)!;
    return { kind: 'number', column: term.key, comparator, value };
  }
  if (!STRING_COMPARATORS.includes(comparator)) {
    refuse(`Invalid comparator '${comparator}' not one of '${pySet(STRING_COMPARATORS)}'`);
  }
  const column = term.key as TraceTextColumn;
  return { kind: 'text', column, comparator, value: listOrSingle(term, comparator) };
}

function tagClause(term: TraceTerm, comparator: string): TraceClause {
  if (!KEY_VALUE_COMPARATORS.includes(comparator)) {
    refuse(`Invalid comparator '${comparator}' not one of '${pySet(KEY_VALUE_COMPARATORS)}`);
  }
  const value = single(term, comparator);
  if (term.key === TRACE_NAME_TAG) return { kind: 'text', column: 'trace_name', comparator, value };
  if (term.key === LINKED_PROMPTS_TAG) {
    if (comparator !== '=') {
      refuse(
        `Invalid comparator '${comparator}' for prompts filter. Only '=' is supported with ` +
          `format: prompt = "name/version"`,
      );
    }
    if (value!.split('/').length !== 2) {
      refuse(`Invalid prompts filter value '${value}'. ${PROMPT_FORMAT}`);
    }
    return { kind: 'prompt', value: value! };
  }
  return { kind: 'tag', key: term.key, comparator, value };
}

function metadataClause(term: TraceTerm, comparator: string): TraceClause {
  if (!KEY_VALUE_COMPARATORS.includes(comparator)) {
    refuse(`Invalid comparator '${comparator}' not one of '${pySet(KEY_VALUE_COMPARATORS)}'`);
  }
  const value = single(term, comparator);
  const { key } = term;
  if (RESERVED_METADATA.has(key) && comparator !== 'IS NULL' && comparator !== 'IS NOT NULL') {
    if (comparator !== '=' && comparator !== '!=') {
      refuse(
        `Comparator '${comparator}' is not supported for reserved metadata '${key}'. ` +
          "Only '=', '!=', 'IS NULL', and 'IS NOT NULL' are supported.",
      );
    }
    if (!isCanonicalReserved(key, value!)) {
      // Never equal to what is stored; `!=` then holds wherever the metadata is present.
      return comparator === '='
        ? { kind: 'none' }
        : { kind: 'metadata', key, comparator: 'IS NOT NULL' };
    }
  }
  // The source run also counts traces linked to the run, as MLflow's store does for `=`.
  if (key === SOURCE_RUN_KEY && comparator === '=') {
    return { kind: 'run', value: [value!], negate: false };
  }
  return { kind: 'metadata', key, comparator, value };
}

function spanClause(term: TraceTerm, comparator: string): TraceClause {
  checkSpanTerm(term.key, comparator);
  if (term.key.startsWith('attributes.')) {
    const key = trimBackticks(term.key.slice('attributes.'.length));
    // MLflow builds a LIKE pattern out of the value, so a list has nowhere to go.
    return { kind: 'span', field: 'attribute', key, comparator, value: single(term, comparator)! };
  }
  const field = term.key as 'name' | 'type' | 'status' | 'content';
  return { kind: 'span', field, comparator, value: listOrSingle(term, comparator) };
}

function assessmentClause(term: TraceTerm, comparator: string): TraceClause {
  const type = term.type as 'feedback' | 'expectation';
  if (!term.key) refuse('Assessment field name cannot be empty');
  if (!ASSESSMENT_COMPARATORS.includes(comparator)) {
    refuse(
      `assessment.${term.key} comparator '${comparator}' not one of ` +
        `'${pySet(ASSESSMENT_COMPARATORS)}'`,
    );
  }
  const value = typeof term.value === 'number' ? term.value : single(term, comparator);
  return { kind: 'assessment', type, name: term.key, comparator, value };
}

function issueClause(term: TraceTerm, comparator: string): TraceClause {
  if (term.key !== 'id') refuse(`Invalid issue attribute '${term.key}'. Supported attributes: id`);
  if (comparator !== '=') refuse(`issue.id comparator '${comparator}' not one of '{'='}'`);
  return {
    kind: 'assessment',
    type: 'issue',
    name: term.key,
    comparator,
    value: term.value as string,
  };
}

/** A term's meaning, with the checks MLflow's store makes (comparators upper-cased first). */
function clauseOf(term: TraceTerm): TraceClause {
  const comparator = term.comparator.toUpperCase();
  switch (term.type) {
    case 'attribute':
      return attributeClause(term, comparator);
    case 'tag':
      return tagClause(term, comparator);
    case 'request_metadata':
      return metadataClause(term, comparator);
    case 'span':
      return spanClause(term, comparator);
    case 'issue':
      return issueClause(term, comparator);
    default:
      return assessmentClause(term, comparator);
  }
}

/** A filter's clauses; MLflow's parse errors come before any of its later checks. */
export function parseTraceFilter(filter: string | undefined): TraceClause[] {
  return parseTraceTerms(filter).map(clauseOf);
}

// order_by ------------------------------------------------------------------------------------

const ENTITY_ALIASES: Record<string, string> = {
  attribute: 'attribute',
  attributes: 'attribute',
  trace: 'attribute',
  tag: 'tag',
  tags: 'tag',
  metadata: 'request_metadata',
  request_metadata: 'request_metadata',
  span: 'span',
  feedback: 'feedback',
  expectation: 'expectation',
  issue: 'issue',
};

const NUMERIC_KEYS: Record<string, TraceNumericColumn> = {
  timestamp: 'timestamp_ms',
  timestamp_ms: 'timestamp_ms',
  execution_time: 'execution_time_ms',
  execution_time_ms: 'execution_time_ms',
  end_time: 'end_time_ms',
  end_time_ms: 'end_time_ms',
};

function identify(text: string): { entity: string; key: string } {
  const { entity, key } = splitIdentifier(text.trim());
  if (entity === undefined) return { entity: 'attribute', key: trimBackticks(key) };
  const resolved = ENTITY_ALIASES[trimBackticks(entity)];
  if (!resolved) {
    throw MlflowError.invalidParameter(
      `Invalid entity type '${entity}'. Valid values are ${pySet(Object.keys(ENTITY_ALIASES))}`,
    );
  }
  return { entity: resolved, key: trimBackticks(key) };
}

export type TraceOrderKey =
  | { kind: 'column'; column: 'experiment_id' | TraceNumericColumn | TraceTextColumn }
  | { kind: 'tag' | 'metadata'; key: string };

export interface TraceOrderTerm {
  key: TraceOrderKey;
  ascending: boolean;
}

const ORDER_COLUMNS: Record<string, TraceOrderKey> = {
  experiment_id: { kind: 'column', column: 'experiment_id' },
  ...Object.fromEntries(
    Object.entries(NUMERIC_KEYS).map(([k, column]) => [k, { kind: 'column', column }]),
  ),
  status: { kind: 'column', column: 'status' },
  request_id: { kind: 'column', column: 'request_id' },
  name: { kind: 'column', column: 'trace_name' },
  run_id: { kind: 'metadata', key: 'mlflow.sourceRun' },
};
const UNORDERABLE_METADATA = ['mlflow.trace.tokenUsage', 'mlflow.trace.cost'];

/** order_by terms, then MLflow's tie-breakers (timestamp_ms DESC, request_id ASC). */
export function parseTraceOrderBy(orderBy: string[] | undefined): TraceOrderTerm[] {
  const terms: TraceOrderTerm[] = [];
  const seen = new Set<string>();
  for (const text of orderBy ?? []) {
    const { identifier, ascending } = parseOrderByTerm(text);
    const { entity, key } = identify(identifier);
    let orderKey: TraceOrderKey | undefined;
    if (entity === 'attribute') orderKey = ORDER_COLUMNS[key];
    else if (entity === 'tag')
      orderKey = key === 'mlflow.traceName' ? ORDER_COLUMNS.name : { kind: 'tag', key };
    else if (entity === 'request_metadata' && !UNORDERABLE_METADATA.includes(key)) {
      orderKey = { kind: 'metadata', key };
    }
    if (!orderKey) {
      throw MlflowError.invalidParameter(`Invalid order_by entity: ${identifier}`);
    }
    const id = JSON.stringify(orderKey);
    if (seen.has(id)) {
      throw MlflowError.invalidParameter(
        `\`order_by\` contains duplicate fields: ${pyStr(identifier)}`,
      );
    }
    seen.add(id);
    terms.push({ key: orderKey, ascending });
  }
  for (const [column, ascending] of [
    ['timestamp_ms', false],
    ['request_id', true],
  ] as const) {
    const key: TraceOrderKey = { kind: 'column', column };
    if (!seen.has(JSON.stringify(key))) terms.push({ key, ascending });
  }
  return terms;
}
