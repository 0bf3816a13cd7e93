// Evaluation-dataset search (MLflow's SearchEvaluationDatasetsUtils and search_datasets): a filter
// of AND-ed comparisons on name, created_by, last_updated_by (=, !=, LIKE, ILIKE; name also IN),
// created_time, last_update_time (numeric) and `tags.<key>`; order_by on name, created_time or
// last_update_time (default created_time DESC, ties by dataset_id DESC); offset page tokens.
import { sql, type Kysely, type SqlBool } from 'kysely';
import { MlflowError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { parseComparisons, type RawComparison } from './filter-syntax.js';
import { parseStringList, splitIdentifier, stripQuotes, trimBackticks } from './filter-values.js';
import { validateMaxResults } from './max-results.js';
import { parseOrderByTerm } from './order-by.js';
import { createPageToken, parsePageToken } from './page-token.js';
import { pySet } from './python-repr.js';
import { compareNumber, compareText, sqlFlavour, type SqlFlavour } from './sql-compare.js';

export const DATASET_SEARCH_DEFAULT_MAX_RESULTS = 1000;

const STRING_ATTRIBUTES = ['name', 'created_by', 'last_updated_by'] as const;
const NUMERIC_ATTRIBUTES = ['created_time', 'last_update_time'] as const;
const SEARCH_KEYS = [...STRING_ATTRIBUTES, ...NUMERIC_ATTRIBUTES];
const ORDER_KEYS = ['name', 'created_time', 'last_update_time'] as const;
const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE'];
const NUMERIC_OPS = ['>', '>=', '!=', '=', '<', '<='];

type Clause =
  | { kind: 'number'; key: (typeof NUMERIC_ATTRIBUTES)[number]; op: string; value: number }
  | { kind: 'text'; key: (typeof STRING_ATTRIBUTES)[number]; op: string; value: string | string[] }
  | { kind: 'tag'; key: string; op: string; value: string };

function toClause(raw: RawComparison): Clause {
  const { entity, key } = splitIdentifier(raw.identifier);
  const op = raw.comparator.toUpperCase();
  const node = raw.value;
  if (entity !== undefined) {
    if (entity !== 'tags') {
      throw MlflowError.invalidParameter(`Invalid identifier token '${entity}' specified`);
    }
    if (!STRING_OPS.includes(op) || !node || node.kind === 'parenthesis') {
      throw MlflowError.invalidParameter(`Invalid comparator for tag: ${raw.comparator}`);
    }
    return { kind: 'tag', key: trimBackticks(key), op, value: stripQuotes(node.text) };
  }
  const name = trimBackticks(key);
  if (!(SEARCH_KEYS as string[]).includes(name)) {
    throw MlflowError.invalidParameter(
      `Invalid attribute key '${name}' specified. Valid keys are: ${pySet(SEARCH_KEYS)}`,
    );
  }
  if ((NUMERIC_ATTRIBUTES as readonly string[]).includes(name)) {
    if (!NUMERIC_OPS.includes(op)) {
      throw MlflowError.invalidParameter(`Invalid comparator for numeric attribute: ${op}`);
    }
    const text = node ? stripQuotes(node.text) : '';
    if (!/^\s*[+-]?\d+\s*$/.test(text)) {
      throw MlflowError.invalidParameter(
        `Invalid value for numeric attribute '${name}': '${text}'`,
      );
    }
    return {
      kind: 'number',
      key: name as (typeof NUMERIC_ATTRIBUTES)[number],
      op,
      value: Number(text),
    };
  }
  const key2 = name as (typeof STRING_ATTRIBUTES)[number];
  if (op === 'IN' && key2 === 'name' && node?.kind === 'parenthesis') {
    return { kind: 'text', key: key2, op, value: parseStringList(node.text) };
  }
  if (!STRING_OPS.includes(op) || !node || node.kind === 'parenthesis') {
    if (node?.kind === 'parenthesis') {
      throw MlflowError.invalidParameter(
        "List values for 'name' are only supported with the IN comparator.",
      );
    }
    throw MlflowError.invalidParameter(`Invalid comparator for string attribute: ${op}`);
  }
  return { kind: 'text', key: key2, op, value: stripQuotes(node.text) };
}

function condition(flavour: SqlFlavour, clause: Clause) {
  const column = sql.ref(`evaluation_datasets.${clause.key}`);
  if (clause.kind === 'number') return compareNumber(flavour, column, clause.op, clause.value);
  if (clause.kind === 'text') return compareText(flavour, column, clause.op, clause.value);
  const match = compareText(flavour, sql.ref('t.value'), clause.op, clause.value);
  return sql<SqlBool>`exists (select 1 from evaluation_dataset_tags t
    where t.dataset_id = evaluation_datasets.dataset_id and t.key = ${clause.key} and ${match})`;
}

export interface DatasetSearchOptions {
  experimentIds?: string[];
  filter?: string;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

/** The ids of one page of datasets, and the token of the next page when there is one. */
export async function searchEvaluationDatasetIds(
  db: Kysely<Database>,
  opts: DatasetSearchOptions,
): Promise<{ datasetIds: string[]; nextPageToken?: string }> {
  const maxResults = opts.maxResults ?? DATASET_SEARCH_DEFAULT_MAX_RESULTS;
  validateMaxResults(maxResults);
  const offset = parsePageToken(opts.pageToken);
  const clauses = parseComparisons(opts.filter, { quoteInvalidClauses: false }, toClause);
  const order = (opts.orderBy?.length ? opts.orderBy : ['created_time DESC']).map((o) => {
    const term = parseOrderByTerm(o);
    if (!(ORDER_KEYS as readonly string[]).includes(term.identifier)) {
      if (term.identifier.startsWith('tags.')) {
        throw MlflowError.invalidParameter('Invalid order_by entity: tag');
      }
      throw MlflowError.invalidParameter(
        `Invalid attribute key '${term.identifier}' specified. Valid keys are: ${pySet([...ORDER_KEYS])}`,
      );
    }
    return { key: term.identifier as (typeof ORDER_KEYS)[number], ascending: term.ascending };
  });
  const flavour = sqlFlavour(db);
  let query = db.selectFrom('evaluation_datasets').select('evaluation_datasets.dataset_id');
  if (opts.experimentIds?.length) {
    const keys = opts.experimentIds.filter((e) => /^\s*\d+\s*$/.test(e)).map(Number);
    query = query.where(
      'evaluation_datasets.dataset_id',
      'in',
      db
        .selectFrom('evaluation_dataset_experiments')
        .select('dataset_id')
        .where('experiment_id', 'in', keys.length ? keys : [-1]),
    );
  }
  for (const clause of clauses) query = query.where(condition(flavour, clause));
  for (const o of order)
    query = query.orderBy(`evaluation_datasets.${o.key}`, o.ascending ? 'asc' : 'desc');
  query = query.orderBy('evaluation_datasets.dataset_id', 'desc');
  const rows = await query
    .limit(maxResults + 1)
    .offset(offset)
    .execute();
  const ids = rows.map((r) => r.dataset_id);
  if (ids.length <= maxResults) return { datasetIds: ids };
  return {
    datasetIds: ids.slice(0, maxResults),
    nextPageToken: createPageToken(offset + maxResults),
  };
}
