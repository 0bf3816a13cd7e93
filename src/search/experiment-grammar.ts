// What an experiments filter and order_by may say: the attributes name, experiment_id,
// creation_time and last_update_time, and tags; with MLflow's checks and error messages. Unlike
// runs, MLflow compares experiment comparators as written (so lower-case `like` is rejected).
import { MlflowError } from '../errors.js';
import { parseExperimentId } from '../store/experiments.js';
import { parseComparisons, type RawComparison } from './filter-syntax.js';
import { parseStringList, splitIdentifier, stripQuotes, trimBackticks } from './filter-values.js';
import { parseOrderByTerm } from './order-by.js';
import { pyFloat, pySet, pyStr } from './python-repr.js';
import { METRIC_COMPARATORS, STRING_ATTRIBUTE_COMPARATORS } from './run-grammar.js';
import type { Node } from './sql-groups.js';

export type ExperimentAttribute = 'name' | 'experiment_id' | 'creation_time' | 'last_update_time';

const ATTRIBUTES: ExperimentAttribute[] = [
  'name',
  'experiment_id',
  'creation_time',
  'last_update_time',
];
const NUMERIC_ATTRIBUTES = ['creation_time', 'last_update_time'];
const ENTITY_TYPES = "('attribute', 'tag', 'tags')";

export interface ExperimentClause {
  type: 'attribute' | 'tag';
  key: string;
  comparator: string;
  value: string | string[] | number | null;
  /** Numeric literals written with a fraction or exponent, which MLflow rejects for times. */
  isFloat?: boolean;
}

function identify(text: string): { type: 'attribute' | 'tag'; key: string } {
  const parts = splitIdentifier(text);
  if (parts.entity !== undefined && !['attribute', 'tag', 'tags'].includes(parts.entity)) {
    throw MlflowError.invalidParameter(
      `Invalid entity type '${parts.entity}'. Valid entity types are ${ENTITY_TYPES}`,
    );
  }
  const type = parts.entity === 'tag' || parts.entity === 'tags' ? 'tag' : 'attribute';
  const key = trimBackticks(stripQuotes(parts.key));
  if (type === 'attribute' && !(ATTRIBUTES as string[]).includes(key)) {
    throw MlflowError.invalidParameter(
      `Invalid attribute key '${key}' specified. Valid keys are '${pySet(ATTRIBUTES)}'`,
    );
  }
  return { type, key };
}

function readValue(type: 'attribute' | 'tag', key: string, node: Node): Partial<ExperimentClause> {
  const stringLike = node.kind === 'string' || node.kind === 'identifier';
  if (type === 'tag') {
    if (stringLike) return { value: stripQuotes(node.text, true) };
    throw MlflowError.invalidParameter(
      `Expected a quoted string value for tag (e.g. 'my-value'). Got value ${node.text}`,
    );
  }
  if (NUMERIC_ATTRIBUTES.includes(key)) {
    if (node.kind !== 'integer' && node.kind !== 'float') {
      throw MlflowError.invalidParameter(
        `Expected numeric value type for numeric attribute: ${key}. Found ${node.text}`,
      );
    }
    return { value: Number(node.text), isFloat: node.kind === 'float' };
  }
  if (stringLike) return { value: stripQuotes(node.text, true) };
  if (node.kind === 'parenthesis') {
    if (key !== 'experiment_id') {
      throw MlflowError.invalidParameter(
        "Only ['experiment_id'] attributes support comparison with a list of quoted string values.",
      );
    }
    return { value: parseStringList(node.text) };
  }
  throw MlflowError.invalidParameter(
    `Expected a quoted string value for attributes. Got value ${node.text}`,
  );
}

function toClause(raw: RawComparison): ExperimentClause {
  const { type, key } = identify(raw.identifier);
  if (!raw.value) {
    if (type !== 'tag') {
      throw MlflowError.invalidParameter(
        `IS NULL / IS NOT NULL is only supported for tags, not for attribute '${key}'`,
      );
    }
    return { type, key, comparator: raw.comparator, value: null };
  }
  return {
    type,
    key,
    comparator: raw.comparator,
    ...readValue(type, key, raw.value),
  } as ExperimentClause;
}

export function parseExperimentFilter(filter: string | undefined): ExperimentClause[] {
  return parseComparisons(filter, { quoteInvalidClauses: false }, toClause);
}

/** A clause whose comparator MLflow accepts for its field, with experiment ids as numbers. */
export type CheckedExperimentClause =
  | { field: 'experiment_id'; comparator: '=' | '!=' | 'IN' | 'NOT IN'; ids: number[] }
  | { field: 'name'; comparator: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string }
  | { field: 'creation_time' | 'last_update_time'; comparator: string; value: number }
  | { field: 'tag'; key: string; comparator: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string }
  | { field: 'tag-presence'; key: string; comparator: 'IS NULL' | 'IS NOT NULL' };

function oneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}

/** MLflow's second pass over a parsed filter: comparators per field and value conversions. */
export function checkExperimentClause(clause: ExperimentClause): CheckedExperimentClause {
  const { key, comparator } = clause;
  if (clause.type === 'tag') {
    if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') {
      return { field: 'tag-presence', key, comparator };
    }
    if (!oneOf(comparator, ['=', '!=', 'LIKE', 'ILIKE'] as const)) {
      throw MlflowError.invalidParameter(`Invalid comparator for tag: ${comparator}`);
    }
    return { field: 'tag', key, comparator, value: clause.value as string };
  }
  if (key === 'experiment_id') {
    if (!oneOf(comparator, ['=', '!=', 'IN', 'NOT IN'] as const)) {
      throw MlflowError.invalidParameter(`Invalid comparator for experiment_id: ${comparator}`);
    }
    if (Array.isArray(clause.value) !== (comparator === 'IN' || comparator === 'NOT IN')) {
      // MLflow hands this mismatch to the database and relays the driver's error.
      throw MlflowError.invalidParameter(
        `Invalid comparator for experiment_id: ${comparator} cannot compare with this value`,
      );
    }
    const values = Array.isArray(clause.value) ? clause.value : [clause.value as string];
    return { field: 'experiment_id', comparator, ids: values.map((v) => parseExperimentId(v)) };
  }
  if (key === 'name') {
    if (!STRING_ATTRIBUTE_COMPARATORS.includes(comparator)) {
      throw MlflowError.invalidParameter(
        `Invalid comparator '${comparator}' not one of '${pySet(STRING_ATTRIBUTE_COMPARATORS)}'`,
      );
    }
    if (!oneOf(comparator, ['=', '!=', 'LIKE', 'ILIKE'] as const)) {
      throw MlflowError.invalidParameter(`Invalid comparator for string attribute: ${comparator}`);
    }
    return { field: 'name', comparator, value: clause.value as string };
  }
  if (!METRIC_COMPARATORS.includes(comparator)) {
    // Sic: MLflow names the string comparators and drops the closing quote here.
    throw MlflowError.invalidParameter(
      `Invalid comparator '${comparator}' not one of '${pySet(STRING_ATTRIBUTE_COMPARATORS)}`,
    );
  }
  const value = clause.value as number;
  if (clause.isFloat) {
    throw MlflowError.invalidParameter(
      `Invalid value for numeric attribute '${key}': ${pyStr(pyFloat(value))}`,
    );
  }
  return { field: key as 'creation_time' | 'last_update_time', comparator, value };
}

export interface ExperimentOrderTerm {
  key: ExperimentAttribute;
  ascending: boolean;
}

export function parseExperimentOrderBy(orderBy: string): ExperimentOrderTerm {
  const term = parseOrderByTerm(orderBy);
  const { type, key } = identify(term.identifier.trim());
  if (type !== 'attribute') {
    throw MlflowError.invalidParameter(`Invalid order_by entity: ${type}`);
  }
  return { key: key as ExperimentAttribute, ascending: term.ascending };
}
