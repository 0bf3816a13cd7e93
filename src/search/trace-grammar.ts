// What a trace search may say (MLflow's SearchTraceUtils): comparisons joined by AND on attributes
// (bare, `attribute.`, `attributes.`, `trace.`), `tag(s).`, `metadata.`/`request_metadata.`,
// `span.` (name, type, status, content, attributes.<k>), `feedback.`/`expectation.`/`issue.`;
// order_by on attributes, `tags.<k>` and `metadata.<k>`. RLIKE is not supported (400).
import { MlflowError } from '../errors.js';
import { parseComparisons, type RawComparison } from './filter-syntax.js';
import { parseStringList, splitIdentifier, stripQuotes, trimBackticks } from './filter-values.js';
import { parseOrderByTerm } from './order-by.js';
import { pyStr } from './python-repr.js';

export type TraceNumericColumn = 'timestamp_ms' | 'execution_time_ms' | 'end_time_ms';
export type TraceTextColumn = 'request_id' | 'status' | 'client_request_id' | 'trace_name';

export type TraceClause =
  | { kind: 'number'; column: TraceNumericColumn; comparator: string; value: number }
  | { kind: 'text'; column: TraceTextColumn; comparator: string; value: string | string[] }
  | { kind: 'run'; value: string[]; negate: boolean }
  | { kind: 'prompt'; value: string }
  | { kind: 'content'; comparator: string; value: string }
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
    };

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
const SEARCH_KEYS = [
  'request_id',
  ...Object.keys(NUMERIC_KEYS),
  'status',
  'client_request_id',
  'name',
  'run_id',
  'prompt',
  'text',
];
const NUMERIC_OPS = ['=', '!=', '>', '>=', '<', '<='];
const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
const KEY_VALUE_OPS = ['=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'];
const IN_KEYS = ['status', 'request_id', 'run_id', 'client_request_id'];
const ASSESSMENT_OPS = [...KEY_VALUE_OPS, '>', '>=', '<', '<='];

function pySet(values: string[]): string {
  return `{${values.map(pyStr).join(', ')}}`;
}

function normaliseComparator(text: string): string {
  return text.replace(/\s+/g, ' ').toUpperCase();
}

function checkComparator(comparator: string, allowed: string[], what: string): void {
  if (comparator === 'RLIKE') {
    throw MlflowError.invalidParameter(`The RLIKE comparator is not supported here (${what}).`);
  }
  if (!allowed.includes(comparator)) {
    throw MlflowError.invalidParameter(
      `Invalid comparator '${comparator}' not one of '${pySet(allowed)}' for ${what}`,
    );
  }
}

function stringValue(raw: RawComparison): string {
  if (!raw.value || (raw.value.kind !== 'string' && !/^["']/.test(raw.value.text))) {
    throw MlflowError.invalidParameter(
      `Expected a quoted string value for '${raw.identifier}', got '${raw.value?.text ?? ''}'.`,
    );
  }
  return stripQuotes(raw.value.text, true);
}

function listValue(raw: RawComparison): string[] {
  if (raw.value?.kind !== 'parenthesis') {
    throw MlflowError.invalidParameter(
      `Expected a list of quoted strings for '${raw.identifier}' ${raw.comparator}.`,
    );
  }
  return parseStringList(raw.value.text);
}

function numberValue(raw: RawComparison): number {
  const text = raw.value?.text ?? '';
  const n = Number(text);
  if (text.trim() === '' || Number.isNaN(n) || /^["']/.test(text)) {
    throw MlflowError.invalidParameter(
      `Expected numeric value type for numeric attribute: ${raw.identifier}. Found ${text}`,
    );
  }
  return n;
}

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

function attributeClause(raw: RawComparison, key: string, comparator: string): TraceClause {
  if (!SEARCH_KEYS.includes(key)) {
    throw MlflowError.invalidParameter(
      `Invalid attribute key '${key}' specified. Valid keys are '${pySet(SEARCH_KEYS)}'`,
    );
  }
  const numeric = NUMERIC_KEYS[key];
  if (numeric) {
    checkComparator(comparator, NUMERIC_OPS, `numeric attribute '${key}'`);
    return { kind: 'number', column: numeric, comparator, value: numberValue(raw) };
  }
  if (raw.value && (raw.value.kind === 'integer' || raw.value.kind === 'float')) {
    throw MlflowError.invalidParameter(
      `Only the '${pySet(Object.keys(NUMERIC_KEYS))}' attributes support comparison with numeric values.`,
    );
  }
  const list = comparator === 'IN' || comparator === 'NOT IN';
  if (list && !IN_KEYS.includes(key)) {
    throw MlflowError.invalidParameter(
      `Invalid comparator '${comparator}' for attribute '${key}'; IN works only for ${pySet(IN_KEYS)}.`,
    );
  }
  switch (key) {
    case 'run_id':
      checkComparator(comparator, ['=', '!=', 'IN', 'NOT IN'], "'run_id'");
      return {
        kind: 'run',
        value: list ? listValue(raw) : [stringValue(raw)],
        negate: comparator === '!=' || comparator === 'NOT IN',
      };
    case 'prompt':
      checkComparator(comparator, ['='], "'prompt'");
      return { kind: 'prompt', value: stringValue(raw) };
    case 'text':
      checkComparator(comparator, ['LIKE', 'ILIKE'], "'text'");
      return { kind: 'content', comparator, value: stringValue(raw) };
    default: {
      checkComparator(comparator, STRING_OPS, `string attribute '${key}'`);
      const column = key === 'name' ? 'trace_name' : (key as TraceTextColumn);
      return { kind: 'text', column, comparator, value: list ? listValue(raw) : stringValue(raw) };
    }
  }
}

function interpret(raw: RawComparison): TraceClause {
  const comparator = normaliseComparator(raw.comparator);
  const { entity, key } = identify(raw.identifier);
  const nullTest = comparator === 'IS NULL' || comparator === 'IS NOT NULL';
  switch (entity) {
    case 'attribute':
      return attributeClause(raw, key, comparator);
    case 'tag':
    case 'request_metadata': {
      checkComparator(comparator, KEY_VALUE_OPS, `${entity} '${key}'`);
      if (entity === 'tag' && key === 'mlflow.traceName' && !nullTest) {
        return { kind: 'text', column: 'trace_name', comparator, value: stringValue(raw) };
      }
      return {
        kind: entity === 'tag' ? 'tag' : 'metadata',
        key,
        comparator,
        ...(nullTest ? {} : { value: stringValue(raw) }),
      };
    }
    case 'span': {
      if (key.startsWith('attributes.')) {
        checkComparator(comparator, ['LIKE', 'ILIKE'], `span attribute '${key}'`);
        return {
          kind: 'span',
          field: 'attribute',
          key: trimBackticks(key.slice('attributes.'.length)),
          comparator,
          value: stringValue(raw),
        };
      }
      if (key === 'content') {
        checkComparator(comparator, ['LIKE', 'ILIKE'], 'span content');
        return { kind: 'span', field: 'content', comparator, value: stringValue(raw) };
      }
      if (key !== 'name' && key !== 'type' && key !== 'status') {
        throw MlflowError.invalidParameter(
          `Invalid span attribute '${key}'. Supported attributes: ${pySet(['name', 'type', 'status'])}, content, attributes.<key>.`,
        );
      }
      checkComparator(comparator, STRING_OPS, `span '${key}'`);
      const list = comparator === 'IN' || comparator === 'NOT IN';
      return {
        kind: 'span',
        field: key,
        comparator,
        value: list ? listValue(raw) : stringValue(raw),
      };
    }
    default: {
      const type = entity as 'feedback' | 'expectation' | 'issue';
      checkComparator(comparator, ASSESSMENT_OPS, `${type} '${key}'`);
      if (nullTest) return { kind: 'assessment', type, name: key, comparator };
      const numeric = ['>', '>=', '<', '<='].includes(comparator);
      const value = numeric
        ? numberValue(raw)
        : raw.value && (raw.value.kind === 'integer' || raw.value.kind === 'float')
          ? raw.value.text
          : stringValue(raw);
      return { kind: 'assessment', type, name: key, comparator, value };
    }
  }
}

export function parseTraceFilter(filter: string | undefined): TraceClause[] {
  return parseComparisons(filter, { quoteInvalidClauses: true }, interpret);
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
