// What a logged-model search may say (MLflow's search_logged_model_utils): a filter of comparisons
// joined by AND on attributes (bare or `attributes.`), `metrics.`, `params.` and `tags.`, and
// order_by terms on attributes or `metrics.<name>` (optionally per dataset). MLflow answers some
// mistakes here with a 500 (unknown attribute, a non-number for a metric); we answer 400.
import { MlflowError } from '../errors.js';
import { LOGGED_MODEL_STATUS } from '../store/logged-models.js';
import { parseComparisons, type RawComparison } from './filter-syntax.js';
import { parseStringList, splitIdentifier, stripQuotes, trimBackticks } from './filter-values.js';
import { pyStr, pyTuple } from './python-repr.js';
import type { Node } from './sql-groups.js';

/** The logged_models columns a filter or order_by may name. */
export const LOGGED_MODEL_ATTRIBUTES = [
  'model_id',
  'experiment_id',
  'name',
  'artifact_location',
  'creation_timestamp_ms',
  'last_updated_timestamp_ms',
  'status',
  'lifecycle_stage',
  'model_type',
  'source_run_id',
  'status_message',
] as const;

export type LoggedModelAttribute = (typeof LOGGED_MODEL_ATTRIBUTES)[number];

const ALIASES: Record<string, LoggedModelAttribute> = {
  creation_time: 'creation_timestamp_ms',
  creation_timestamp: 'creation_timestamp_ms',
  last_updated_timestamp: 'last_updated_timestamp_ms',
};

const NUMERIC_ATTRIBUTES: LoggedModelAttribute[] = [
  'creation_timestamp_ms',
  'last_updated_timestamp_ms',
];

export const NUMERIC_OPS = ['<', '<=', '>', '>=', '=', '!='] as const;
export const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'] as const;
const STATUS_OPS = ['=', '!=', 'IN', 'NOT IN'] as const;

const ENTITY_TYPES = ['attributes', 'metrics', 'params', 'tags'] as const;
type EntityType = (typeof ENTITY_TYPES)[number];

export type LoggedModelClause =
  | {
      entity: 'attribute';
      key: (typeof NUMERIC_ATTRIBUTES)[number];
      comparator: (typeof NUMERIC_OPS)[number];
      value: number;
    }
  | { entity: 'status'; comparator: (typeof STATUS_OPS)[number]; value: number[] }
  | { entity: 'experiment_id'; comparator: (typeof STRING_OPS)[number]; value: number[] }
  | {
      entity: 'attribute';
      key: Exclude<LoggedModelAttribute, 'status' | 'experiment_id'>;
      comparator: (typeof STRING_OPS)[number];
      value: string | string[];
    }
  | { entity: 'metric'; key: string; comparator: (typeof NUMERIC_OPS)[number]; value: number }
  | {
      entity: 'param' | 'tag';
      key: string;
      comparator: (typeof STRING_OPS)[number];
      value: string | string[];
    };

/** `attributes.x`, `metrics.x`, … or a bare attribute name (aliases resolved). */
function identify(text: string): { type: EntityType; key: string } {
  const { entity, key } = splitIdentifier(text);
  if (entity !== undefined && /^[a-z]+$/.test(entity)) {
    if (!(ENTITY_TYPES as readonly string[]).includes(entity)) {
      throw MlflowError.invalidParameter(
        `Invalid entity type: ${pyStr(entity)}. Expected one of ` +
          `[${ENTITY_TYPES.map(pyStr).join(', ')}].`,
      );
    }
    return { type: entity as EntityType, key: trimBackticks(key) };
  }
  return { type: 'attributes', key: trimBackticks(text) };
}

function attributeOf(key: string): LoggedModelAttribute {
  const name = ALIASES[key] ?? key;
  if (!(LOGGED_MODEL_ATTRIBUTES as readonly string[]).includes(name)) {
    throw MlflowError.invalidParameter(
      `Invalid attribute key '${key}' specified. Valid keys are ` +
        `${pyTuple([...LOGGED_MODEL_ATTRIBUTES, ...Object.keys(ALIASES)])}.`,
    );
  }
  return name as LoggedModelAttribute;
}

function checkOp<T extends string>(label: string, op: string, ops: readonly T[]): T {
  if (!(ops as readonly string[]).includes(op)) {
    throw MlflowError.invalidParameter(
      `Invalid comparison operator for ${label}: ${pyStr(op)}. Expected one of ${pyTuple([...ops])}.`,
    );
  }
  return op as T;
}

function numberValue(label: string, node: Node): number {
  const text = node.kind === 'string' ? stripQuotes(node.text) : node.text;
  const value = node.kind === 'integer' || node.kind === 'float' ? Number(text) : NaN;
  if (Number.isNaN(value)) {
    throw MlflowError.invalidParameter(
      `Invalid value for ${label}: expected a number, got ${node.text}.`,
    );
  }
  return value;
}

/** A scalar (quoted, bare word or number) for `=`-like comparators, a list for IN / NOT IN. */
function stringValue(label: string, op: string, node: Node): string | string[] {
  const wantsList = op === 'IN' || op === 'NOT IN';
  if (node.kind === 'parenthesis') {
    if (!wantsList) {
      throw MlflowError.invalidParameter(
        `Invalid value for ${label}: a list needs IN or NOT IN, not ${pyStr(op)}.`,
      );
    }
    return parseStringList(node.text);
  }
  if (wantsList) {
    throw MlflowError.invalidParameter(
      `Invalid value for ${label}: ${op} needs a parenthesised list such as ('a', 'b'), got ${node.text}.`,
    );
  }
  if (['string', 'identifier', 'symbol', 'integer', 'float'].includes(node.kind)) {
    return stripQuotes(node.text);
  }
  throw MlflowError.invalidParameter(`Invalid value for ${label}: ${node.text}.`);
}

/** Status by proto number or name: `2`, `'READY'`, `'LOGGED_MODEL_READY'` (any case). */
function statusValue(text: string): number {
  const upper = text.trim().toUpperCase();
  if (/^\d+$/.test(upper) && Object.values(LOGGED_MODEL_STATUS).includes(Number(upper) as 0)) {
    return Number(upper);
  }
  const named = Object.entries(LOGGED_MODEL_STATUS).find(
    ([name]) =>
      name === upper ||
      name === `LOGGED_MODEL_${upper}` ||
      (upper === 'FAILED' && name === 'LOGGED_MODEL_UPLOAD_FAILED'),
  );
  if (!named) {
    throw MlflowError.invalidParameter(
      `Invalid status ${pyStr(text)}. Expected one of ('PENDING', 'READY', 'FAILED') or ` +
        `${pyTuple(Object.keys(LOGGED_MODEL_STATUS))}.`,
    );
  }
  return named[1];
}

function experimentIdValue(text: string): number {
  if (!/^\s*-?\d+\s*$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw MlflowError.invalidParameter(
      `Invalid experiment ID ${pyStr(text)}. Experiment ID must be a valid integer.`,
    );
  }
  return Number(text);
}

function toClause(raw: RawComparison): LoggedModelClause {
  const { type, key } = identify(raw.identifier);
  const op = raw.comparator.toUpperCase();
  if (type === 'metrics') {
    const label = `metrics.${key}`;
    const comparator = checkOp(label, op, NUMERIC_OPS);
    return { entity: 'metric', key, comparator, value: numberValue(label, raw.value!) };
  }
  if (type === 'params' || type === 'tags') {
    const label = `${type}.${key}`;
    const comparator = checkOp(label, op, STRING_OPS);
    const value = stringValue(label, comparator, raw.value!);
    return { entity: type === 'params' ? 'param' : 'tag', key, comparator, value };
  }
  const attribute = attributeOf(key);
  const label = `attributes.${attribute}`;
  if (NUMERIC_ATTRIBUTES.includes(attribute)) {
    const comparator = checkOp(label, op, NUMERIC_OPS);
    return {
      entity: 'attribute',
      key: attribute as (typeof NUMERIC_ATTRIBUTES)[number],
      comparator,
      value: numberValue(label, raw.value!),
    };
  }
  if (attribute === 'status') {
    const comparator = checkOp(label, op, STATUS_OPS);
    const value = stringValue(label, comparator, raw.value!);
    return { entity: 'status', comparator, value: [value].flat().map(statusValue) };
  }
  const comparator = checkOp(label, op, STRING_OPS);
  const value = stringValue(label, comparator, raw.value!);
  if (attribute === 'experiment_id') {
    if (comparator === 'LIKE' || comparator === 'ILIKE') {
      checkOp(label, op, ['=', '!=', 'IN', 'NOT IN']);
    }
    return { entity: 'experiment_id', comparator, value: [value].flat().map(experimentIdValue) };
  }
  return { entity: 'attribute', key: attribute, comparator, value } as LoggedModelClause;
}

const FILTER_HINT =
  "Expected a list of comparisons separated by 'AND' (e.g. 'metrics.loss > 0.1 AND params.lr = 0.01').";

export function parseLoggedModelFilter(filter: string | undefined): LoggedModelClause[] {
  try {
    return parseComparisons(filter, { quoteInvalidClauses: true }, toClause);
  } catch (err) {
    // The shared parser words statement-level mistakes as run searches do; logged-model searches
    // have MLflow's own wording for them.
    if (
      err instanceof MlflowError &&
      /^(Invalid clause|Search filter contained multiple|Invalid filter '|Invalid comparison clause)/.test(
        err.message,
      )
    ) {
      throw MlflowError.invalidParameter(
        `Invalid filter string: ${pyStr(filter ?? '')}. ${FILTER_HINT}`,
      );
    }
    throw err;
  }
}

/** An order_by entry as the request carries it. */
export interface LoggedModelOrderByInput {
  field_name?: string;
  ascending?: boolean;
  dataset_name?: string;
  dataset_digest?: string;
}

export type LoggedModelOrderTerm =
  | { kind: 'attribute'; key: LoggedModelAttribute; ascending: boolean }
  | {
      kind: 'metric';
      key: string;
      ascending: boolean;
      datasetName?: string;
      datasetDigest?: string;
    };

export function parseLoggedModelOrderBy(input: LoggedModelOrderByInput): LoggedModelOrderTerm {
  const field = input.field_name ?? '';
  const ascending = input.ascending ?? true;
  if (!field.includes('.')) {
    const key = ALIASES[field] ?? field;
    if (!(LOGGED_MODEL_ATTRIBUTES as readonly string[]).includes(key)) {
      // MLflow classifies this one as an attribute lookup failure (sqlalchemy_store.py).
      throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid order by field name: ${field}`, [
        'KAM04',
        'ATTRIBUTE_NOT_FOUND',
      ]);
    }
    return { kind: 'attribute', key: key as LoggedModelAttribute, ascending };
  }
  const dot = field.indexOf('.');
  if (field.slice(0, dot) !== 'metrics') {
    throw MlflowError.invalidParameter(
      `Invalid order by field name: ${field}. Only metrics are supported.`,
    );
  }
  return {
    kind: 'metric',
    key: field.slice(dot + 1),
    ascending,
    ...(input.dataset_name ? { datasetName: input.dataset_name } : {}),
    ...(input.dataset_digest ? { datasetDigest: input.dataset_digest } : {}),
  };
}
