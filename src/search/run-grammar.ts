// What a runs filter and order_by may say: entity prefixes and their aliases, run attributes,
// value types per entity and the comparators each allows, with MLflow's error messages.
import { MlflowError } from '../errors.js';
import { parseComparisons, type RawComparison } from './filter-syntax.js';
import { parseStringList, splitIdentifier, stripQuotes, trimBackticks } from './filter-values.js';
import { parseOrderByTerm } from './order-by.js';
import { pySet } from './python-repr.js';
import type { Node } from './sql-groups.js';

export type RunEntity = 'metric' | 'parameter' | 'tag' | 'attribute' | 'dataset';

const ENTITY_ALIASES: Record<string, RunEntity> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'parameter',
  parameters: 'parameter',
  param: 'parameter',
  params: 'parameter',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};
const ENTITY_NAMES = "['metric', 'parameter', 'tag', 'attribute', 'dataset']";

const NUMERIC_ATTRIBUTES = ['start_time', 'end_time', 'created', 'Created'];
const SEARCHABLE_ATTRIBUTES = [
  'run_id',
  'run_name',
  'status',
  'user_id',
  'artifact_uri',
  ...NUMERIC_ATTRIBUTES,
  'run name',
  'Run name',
  'Run Name',
];
const ORDERABLE_ATTRIBUTES = [
  'run_id',
  'run_name',
  'status',
  'user_id',
  'artifact_uri',
  ...NUMERIC_ATTRIBUTES,
];
const DATASET_KEYS = ['name', 'digest', 'context'];

export const METRIC_COMPARATORS = ['=', '!=', '>', '>=', '<', '<='];
const PARAM_COMPARATORS = ['=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'];
const TAG_COMPARATORS = PARAM_COMPARATORS;
export const STRING_ATTRIBUTE_COMPARATORS = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
const DATASET_COMPARATORS = STRING_ATTRIBUTE_COMPARATORS;

export type RunFilterValue = string | number | string[] | null;

export interface RunClause {
  type: RunEntity;
  key: string;
  comparator: string;
  /** Metrics keep the literal's text; numeric attributes a number; IS [NOT] NULL null. */
  value: RunFilterValue;
}

/** MLflow's aliases for attribute names: `created` is start_time, `Run name` is run_name. */
export function canonicalAttribute(key: string): string {
  if (key === 'created' || key === 'Created') return 'start_time';
  if (key === 'run name' || key === 'Run name' || key === 'Run Name') return 'run_name';
  return key;
}

function identify(text: string, validAttributes: string[]): { type: RunEntity; key: string } {
  const parts = splitIdentifier(text);
  const entity = trimBackticks(parts.entity ?? 'attribute');
  const type = ENTITY_ALIASES[entity];
  if (!type) {
    throw MlflowError.invalidParameter(
      `Invalid entity type '${entity}'. Valid values are ${ENTITY_NAMES}`,
    );
  }
  const key = trimBackticks(stripQuotes(parts.key));
  if (type === 'attribute' && !validAttributes.includes(key)) {
    throw MlflowError.invalidParameter(
      `Invalid attribute key '${key}' specified. Valid keys are '${pySet(validAttributes)}'`,
    );
  }
  if (type === 'dataset' && !DATASET_KEYS.includes(key)) {
    throw MlflowError.invalidParameter(
      `Invalid dataset key '${key}' specified. Valid keys are '${pySet(DATASET_KEYS)}'`,
    );
  }
  return { type, key };
}

const isNumber = (n: Node) => n.kind === 'integer' || n.kind === 'float';
const isStringLike = (n: Node) => n.kind === 'string' || n.kind === 'identifier';

function readValue(type: RunEntity, key: string, node: Node): RunFilterValue {
  switch (type) {
    case 'metric':
      if (!isNumber(node)) {
        throw MlflowError.invalidParameter(
          `Expected numeric value type for metric. Found ${node.text}`,
        );
      }
      return node.text;
    case 'parameter':
    case 'tag':
      if (isStringLike(node)) return stripQuotes(node.text, true);
      throw MlflowError.invalidParameter(
        `Expected a quoted string value for ${type} (e.g. 'my-value'). Got value ${node.text}`,
      );
    case 'attribute':
      if (NUMERIC_ATTRIBUTES.includes(key)) {
        if (!isNumber(node)) {
          throw MlflowError.invalidParameter(
            `Expected numeric value type for numeric attribute: ${key}. Found ${node.text}`,
          );
        }
        return Number(node.text);
      }
      if (isStringLike(node)) return stripQuotes(node.text, true);
      if (node.kind === 'parenthesis') {
        if (key !== 'run_id') {
          throw MlflowError.invalidParameter(
            "Only ['run_id'] attributes support comparison with a list of quoted string values.",
          );
        }
        return parseStringList(node.text);
      }
      throw MlflowError.invalidParameter(
        `Expected a quoted string value for attributes. Got value ${node.text}`,
      );
    case 'dataset':
      if (isStringLike(node)) return stripQuotes(node.text, true);
      if (node.kind === 'parenthesis') return parseStringList(node.text);
      throw MlflowError.invalidParameter(
        `Expected a quoted string value for dataset attributes. Got value ${node.text}`,
      );
  }
}

function toClause(raw: RawComparison): RunClause {
  const { type, key } = identify(raw.identifier, SEARCHABLE_ATTRIBUTES);
  if (!raw.value) {
    if (type !== 'tag' && type !== 'parameter') {
      throw MlflowError.invalidParameter(
        `IS NULL / IS NOT NULL is only supported for tags and params, not for '${type}' '${key}'`,
      );
    }
    return { type, key, comparator: raw.comparator, value: null };
  }
  return { type, key, comparator: raw.comparator, value: readValue(type, key, raw.value) };
}

/** Parses a runs filter into clauses (syntax and value types only; see `checkRunComparator`). */
export function parseRunFilter(filter: string | undefined): RunClause[] {
  return parseComparisons(filter, { quoteInvalidClauses: true }, toClause);
}

export type RunClauseKind =
  'string-attribute' | 'numeric-attribute' | 'metric' | 'parameter' | 'tag' | 'dataset';

function invalidComparator(comparator: string, allowed: string[], closingQuote: boolean) {
  // MLflow leaves the closing quote off some of these messages; clients may match on them.
  return MlflowError.invalidParameter(
    `Invalid comparator '${comparator}' not one of '${pySet(allowed)}${closingQuote ? "'" : ''}`,
  );
}

/**
 * Classifies a parsed clause and checks its comparator (upper-cased, as MLflow compares them)
 * against what its entity allows. Returns the canonical attribute key and comparator.
 */
export function checkRunComparator(clause: RunClause): {
  kind: RunClauseKind;
  key: string;
  comparator: string;
} {
  const comparator = clause.comparator.toUpperCase();
  const key = clause.type === 'attribute' ? canonicalAttribute(clause.key) : clause.key;
  const check = (kind: RunClauseKind, allowed: string[], closingQuote: boolean) => {
    if (!allowed.includes(comparator)) throw invalidComparator(comparator, allowed, closingQuote);
    return { kind, key, comparator };
  };
  switch (clause.type) {
    case 'attribute':
      if (!NUMERIC_ATTRIBUTES.includes(key)) {
        const checked = check('string-attribute', STRING_ATTRIBUTE_COMPARATORS, true);
        requireListComparator(clause, comparator);
        return checked;
      }
      // MLflow lists the string comparators in this message although numeric ones are meant.
      if (!METRIC_COMPARATORS.includes(comparator)) {
        throw invalidComparator(comparator, STRING_ATTRIBUTE_COMPARATORS, false);
      }
      return { kind: 'numeric-attribute', key, comparator };
    case 'metric':
      return check('metric', METRIC_COMPARATORS, false);
    case 'parameter':
      return check('parameter', PARAM_COMPARATORS, true);
    case 'tag':
      return check('tag', TAG_COMPARATORS, false);
    case 'dataset': {
      const checked = check('dataset', DATASET_COMPARATORS, false);
      requireListComparator(clause, comparator);
      return checked;
    }
  }
}

/**
 * A list only makes sense with IN / NOT IN (and a single string not at all with them). MLflow
 * passes such mismatches on to the database and answers with its driver's error; we say why.
 */
function requireListComparator(clause: RunClause, comparator: string): void {
  const isList = Array.isArray(clause.value);
  const wantsList = comparator === 'IN' || comparator === 'NOT IN';
  if (isList !== wantsList) {
    throw MlflowError.invalidParameter(
      isList
        ? `Invalid comparator '${comparator}' for a list of values; use IN or NOT IN`
        : `Comparator '${comparator}' expects a list of quoted string values`,
    );
  }
}

export interface RunOrderTerm {
  type: Exclude<RunEntity, 'dataset'>;
  /** Canonical: attribute aliases resolved (`created` → `start_time`). */
  key: string;
  ascending: boolean;
}

/** Parses one runs order_by entry; ordering by a dataset field is not supported. */
export function parseRunOrderBy(orderBy: string): RunOrderTerm {
  const term = parseOrderByTerm(orderBy);
  const { type, key } = identify(term.identifier.trim(), ORDERABLE_ATTRIBUTES);
  if (type === 'dataset') {
    throw MlflowError.invalidParameter(`Invalid identifier type '${type}'`);
  }
  return {
    type,
    key: type === 'attribute' ? canonicalAttribute(key) : key,
    ascending: term.ascending,
  };
}
