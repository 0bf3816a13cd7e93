// What a registered-model or model-version filter and order_by may say (MLflow's SearchModelUtils,
// SearchModelVersionUtils and the SQL store's checks): attributes, `tags.<key>`, IN lists on some
// attributes, numbers on version_number; comparators are read in any letter case.
import { MlflowError } from '../errors.js';
import { parseComparisons, type RawComparison } from './filter-syntax.js';
import { parseStringList, splitIdentifier, stripQuotes, trimBackticks } from './filter-values.js';
import { parseOrderByTerm } from './order-by.js';
import { pyFloat, pyRepr, pySet } from './python-repr.js';
import { METRIC_COMPARATORS, STRING_ATTRIBUTE_COMPARATORS } from './run-grammar.js';
import type { Node } from './sql-groups.js';

export type RegistryEntity = 'registered-model' | 'model-version';

interface EntityGrammar {
  searchKeys: string[];
  numericKeys: string[];
  listKeys: string[];
}

const GRAMMAR: Record<RegistryEntity, EntityGrammar> = {
  'registered-model': { searchKeys: ['name'], numericKeys: [], listKeys: ['name'] },
  'model-version': {
    searchKeys: ['name', 'version_number', 'run_id', 'source_path'],
    numericKeys: ['version_number', 'creation_timestamp', 'last_updated_timestamp'],
    listKeys: ['name', 'run_id'],
  },
};

const ENTITY_TYPES = "('attribute', 'tag', 'tags')";
const TAG_COMPARATORS = ['=', '!=', 'LIKE', 'ILIKE'] as const;
export type TagComparator = (typeof TAG_COMPARATORS)[number];

/** Model-version columns behind the filter's attribute names. */
export type VersionColumn = 'name' | 'version' | 'run_id' | 'source';
const VERSION_COLUMNS: Record<string, VersionColumn> = {
  name: 'name',
  version_number: 'version',
  run_id: 'run_id',
  source_path: 'source',
};

export type RegistryClause =
  | { kind: 'tag'; key: string; comparator: TagComparator; value: string }
  | { kind: 'text'; column: VersionColumn; comparator: string; value: string | string[] }
  | { kind: 'number'; column: 'version'; comparator: string; value: number };

interface RawClause {
  type: 'attribute' | 'tag';
  key: string;
  comparator: string;
  value: string | string[] | number;
  isFloat: boolean;
}

function identify(
  grammar: EntityGrammar,
  text: string,
): { type: 'attribute' | 'tag'; key: string } {
  const parts = splitIdentifier(text);
  if (parts.entity !== undefined && !['attribute', 'tag', 'tags'].includes(parts.entity)) {
    throw MlflowError.invalidParameter(
      `Invalid entity type '${parts.entity}'. Valid entity types are ${ENTITY_TYPES}`,
    );
  }
  const type = parts.entity === 'tag' || parts.entity === 'tags' ? 'tag' : 'attribute';
  // MLflow checks the attribute name before it strips quotes from it.
  if (type === 'attribute' && !grammar.searchKeys.includes(parts.key)) {
    throw MlflowError.invalidParameter(
      `Invalid attribute key '${parts.key}' specified. Valid keys are '${pySet(grammar.searchKeys)}'`,
    );
  }
  return { type, key: trimBackticks(stripQuotes(parts.key)) };
}

function readValue(
  grammar: EntityGrammar,
  type: 'attribute' | 'tag',
  key: string,
  node: Node,
): Pick<RawClause, 'value' | 'isFloat'> {
  const stringLike = node.kind === 'string' || node.kind === 'identifier';
  if (stringLike) return { value: stripQuotes(node.text, true), isFloat: false };
  if (type === 'tag') {
    throw MlflowError.invalidParameter(
      `Expected a quoted string value for tag (e.g. 'my-value'). Got value ${node.text}`,
    );
  }
  if (node.kind === 'parenthesis') {
    if (!grammar.listKeys.includes(key)) {
      throw MlflowError.invalidParameter(
        `Only [${[...grammar.listKeys]
          .sort()
          .map((k) => `'${k}'`)
          .join(', ')}] attributes support comparison with a list of quoted string values.`,
      );
    }
    return { value: parseStringList(node.text), isFloat: false };
  }
  if ((node.kind === 'integer' || node.kind === 'float') && grammar.numericKeys.length) {
    if (!grammar.numericKeys.includes(key)) {
      throw MlflowError.invalidParameter(
        `Only the '${pySet(grammar.numericKeys)}' attributes support comparison with numeric values.`,
      );
    }
    return { value: Number(node.text), isFloat: node.kind === 'float' };
  }
  throw MlflowError.invalidParameter(
    'Expected a quoted string value or a list of quoted string values for attributes. ' +
      `Got value ${node.text}`,
  );
}

function toRawClause(grammar: EntityGrammar, raw: RawComparison): RawClause {
  const { type, key } = identify(grammar, raw.identifier);
  if (!raw.value) {
    throw MlflowError.invalidParameter(
      `Invalid comparison clause. '${raw.comparator}' is not supported in this search.`,
    );
  }
  return {
    type,
    key,
    comparator: raw.comparator.toUpperCase(),
    ...readValue(grammar, type, key, raw.value),
  };
}

function oneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}

/** Python's int() of a filter value, with MLflow's message when it is not one. */
function versionNumber(clause: RawClause): number {
  const { key, value } = clause;
  const shown = clause.isFloat ? pyFloat(value as number) : pyRepr(value as string | number);
  const bad = () =>
    MlflowError.invalidParameter(`Invalid value for numeric attribute '${key}': ${shown}`);
  if (clause.isFloat) throw bad();
  if (typeof value === 'number') return value;
  const text = String(value).trim();
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw bad();
  return Number(text);
}

/** The store's second look at a clause: comparators per field, as MLflow's SQL store checks. */
function checkClause(entity: RegistryEntity, clause: RawClause): RegistryClause {
  const { key, comparator } = clause;
  if (clause.type === 'tag') {
    if (!oneOf(comparator, TAG_COMPARATORS)) {
      throw MlflowError.invalidParameter(`Invalid comparator for tag: ${comparator}`);
    }
    return { kind: 'tag', key, comparator, value: clause.value as string };
  }
  if (entity === 'model-version' && key === 'version_number') {
    if (!METRIC_COMPARATORS.includes(comparator)) {
      throw MlflowError.invalidParameter(`Invalid comparator for attribute ${key}: ${comparator}`);
    }
    return { kind: 'number', column: 'version', comparator, value: versionNumber(clause) };
  }
  const isList = Array.isArray(clause.value);
  const listComparator = comparator === 'IN' || comparator === 'NOT IN';
  if (
    !STRING_ATTRIBUTE_COMPARATORS.includes(comparator) ||
    (listComparator && !['name', 'run_id'].includes(key))
  ) {
    throw MlflowError.invalidParameter(`Invalid comparator for attribute: ${comparator}`);
  }
  if (isList !== listComparator) {
    // MLflow hands this mismatch to the database and relays its error.
    throw MlflowError.invalidParameter(
      `Invalid comparator for attribute: ${comparator} cannot compare with this value`,
    );
  }
  return {
    kind: 'text',
    column: VERSION_COLUMNS[key],
    comparator,
    value: clause.value as string | string[],
  };
}

export function parseRegistryFilter(
  entity: RegistryEntity,
  filter: string | undefined,
): RegistryClause[] {
  const grammar = GRAMMAR[entity];
  const raw = parseComparisons(filter, { quoteInvalidClauses: false }, (c) =>
    toRawClause(grammar, c),
  );
  return raw.map((clause) => checkClause(entity, clause));
}

export const IS_PROMPT_TAG_KEY = 'mlflow.prompt.is_prompt';

/**
 * Prompts are registered models tagged `mlflow.prompt.is_prompt=true`; searches leave them out
 * unless the filter asks for them (MLflow's `_is_querying_prompt`, first such clause decides).
 */
export function isQueryingPrompts(clauses: RegistryClause[]): boolean {
  const clause = clauses.find((c) => c.kind === 'tag' && c.key === IS_PROMPT_TAG_KEY);
  if (!clause || clause.kind !== 'tag') return false;
  const value = clause.value.toLowerCase();
  return (
    (clause.comparator === '=' && value === 'true') ||
    (clause.comparator === '!=' && value === 'false')
  );
}

export interface RegistryOrderTerm<C extends string> {
  column: C;
  ascending: boolean;
}

function duplicateFields(orderBy: string[]): MlflowError {
  return MlflowError.invalidParameter(`\`order_by\` contains duplicate fields: ${pyRepr(orderBy)}`);
}

export type ModelOrderColumn = 'name' | 'last_updated_time';

/** Registered models: `name`, `timestamp` or `last_updated_timestamp`, then name as tie-breaker. */
export function parseRegisteredModelOrderBy(
  orderBy: string[],
): RegistryOrderTerm<ModelOrderColumn>[] {
  const terms: RegistryOrderTerm<ModelOrderColumn>[] = [];
  for (const entry of orderBy) {
    const term = parseOrderByTerm(entry);
    const key = term.identifier.trim();
    let column: ModelOrderColumn;
    if (key === 'name') column = 'name';
    else if (key === 'timestamp' || key === 'last_updated_timestamp') column = 'last_updated_time';
    else {
      throw MlflowError.invalidParameter(
        `Invalid order by key '${key}' specified. Valid keys are '${pySet(['name', 'timestamp'])}'`,
      );
    }
    if (terms.some((t) => t.column === column)) throw duplicateFields(orderBy);
    terms.push({ column, ascending: term.ascending });
  }
  if (!terms.some((t) => t.column === 'name')) terms.push({ column: 'name', ascending: true });
  return terms;
}

export type VersionOrderColumn = 'name' | 'version' | 'creation_time' | 'last_updated_time';
const VERSION_ORDER_COLUMNS: Record<string, VersionOrderColumn> = {
  name: 'name',
  version_number: 'version',
  creation_timestamp: 'creation_time',
  last_updated_timestamp: 'last_updated_time',
};
const VERSION_ORDER_KEYS = Object.keys(VERSION_ORDER_COLUMNS);
export const DEFAULT_VERSION_ORDER = [
  'last_updated_timestamp DESC',
  'name ASC',
  'version_number DESC',
];

/** Model versions: their attributes, then name ASC and version DESC as tie-breakers. */
export function parseModelVersionOrderBy(
  orderBy: string[],
): RegistryOrderTerm<VersionOrderColumn>[] {
  const terms: RegistryOrderTerm<VersionOrderColumn>[] = [];
  for (const entry of orderBy) {
    const term = parseOrderByTerm(entry);
    const parts = splitIdentifier(term.identifier.trim());
    if (parts.entity !== undefined && !['attribute', 'tag', 'tags'].includes(parts.entity)) {
      throw MlflowError.invalidParameter(
        `Invalid entity type '${parts.entity}'. Valid entity types are ${ENTITY_TYPES}`,
      );
    }
    const key = trimBackticks(stripQuotes(parts.key));
    const isTag = parts.entity === 'tag' || parts.entity === 'tags';
    if (!isTag && !VERSION_ORDER_KEYS.includes(key)) {
      throw MlflowError.invalidParameter(
        `Invalid attribute key '${key}' specified. Valid keys are '${pySet(VERSION_ORDER_KEYS)}'`,
      );
    }
    const column = VERSION_ORDER_COLUMNS[key];
    if (isTag || !column) {
      throw MlflowError.invalidParameter(
        `Invalid order by key '${key}' specified. Valid keys are ${pySet(VERSION_ORDER_KEYS)}`,
      );
    }
    if (terms.some((t) => t.column === column)) throw duplicateFields(orderBy);
    terms.push({ column, ascending: term.ascending });
  }
  if (!terms.some((t) => t.column === 'name')) terms.push({ column: 'name', ascending: true });
  if (!terms.some((t) => t.column === 'version'))
    terms.push({ column: 'version', ascending: false });
  return terms;
}
