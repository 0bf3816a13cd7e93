// Registered-model and model-version searches: one query each returning the ordered keys of a
// page, validated in MLflow's order (max_results, filter, order_by, page token). Prompts (models
// tagged `mlflow.prompt.is_prompt=true`) are left out unless the filter asks for them, as in MLflow.
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { RawBuilder } from 'kysely';
import { MlflowError } from '../errors.js';
import { STAGE_DELETED_INTERNAL } from '../store/model-version-stages.js';
import type { VersionKey } from '../store/model-versions.js';
import type { Database } from '../store/schema.js';
import { createPageToken, parsePageToken } from './page-token.js';
import {
  DEFAULT_VERSION_ORDER,
  IS_PROMPT_TAG_KEY,
  isQueryingPrompts,
  parseModelVersionOrderBy,
  parseRegisteredModelOrderBy,
  parseRegistryFilter,
  type RegistryClause,
} from './registry-grammar.js';
import { compareNumber, compareText, sqlFlavour, type SqlFlavour } from './sql-compare.js';

export const REGISTERED_MODELS_MAX_RESULTS = { default: 100, threshold: 1000 } as const;
export const MODEL_VERSIONS_MAX_RESULTS = { default: 200_000, threshold: 200_000 } as const;

export interface RegistrySearchOptions {
  filter?: string;
  orderBy: string[];
  maxResults: number;
  pageToken?: string;
}

function validateMaxResults(maxResults: number, threshold: number): void {
  if (!Number.isSafeInteger(maxResults) || maxResults < 1) {
    throw MlflowError.invalidParameter(
      `Invalid value for max_results. It must be a positive integer, but got ${maxResults}`,
    );
  }
  if (maxResults > threshold) {
    throw MlflowError.invalidParameter(
      'Invalid value for request parameter max_results. It must be at most ' +
        `${threshold}, but got value ${maxResults}`,
    );
  }
}

type Table = 'registered_models' | 'model_versions';
type TagTable = 'registered_model_tags' | 'model_version_tags';

/**
 * One filter clause as SQL over `table`; tag clauses become EXISTS over the tag table (a key has
 * one value per entity, so separate EXISTS per clause equal MLflow's grouped tag join).
 */
function clauseSql(
  flavour: SqlFlavour,
  table: Table,
  tagTable: TagTable,
  clause: RegistryClause,
): RawBuilder<SqlBool> {
  const column = (name: string) => sql.ref(`${table}.${name}`);
  switch (clause.kind) {
    case 'number':
      return compareNumber(flavour, column(clause.column), clause.comparator, clause.value);
    case 'text':
      return compareText(flavour, column(clause.column), clause.comparator, clause.value);
    case 'tag': {
      const sameEntity =
        tagTable === 'model_version_tags'
          ? sql`t.name = ${column('name')} and t.version = ${column('version')}`
          : sql`t.name = ${column('name')}`;
      const value = compareText(flavour, sql.ref('t.value'), clause.comparator, clause.value);
      return sql<SqlBool>`exists (select 1 from ${sql.table(tagTable)} as t where ${sameEntity} and t.key = ${clause.key} and ${value})`;
    }
  }
}

/** Leaves out models (or versions of models) carrying the prompt tag, as MLflow's anti-join does. */
function notPrompt(table: Table, tagTable: TagTable): RawBuilder<SqlBool> {
  return sql<SqlBool>`not exists (select 1 from ${sql.table(tagTable)} as p where p.name = ${sql.ref(`${table}.name`)} and p.key = ${IS_PROMPT_TAG_KEY} and p.value = 'true')`;
}

function conditionsFor(
  flavour: SqlFlavour,
  table: Table,
  tagTable: TagTable,
  clauses: RegistryClause[],
): RawBuilder<SqlBool>[] {
  if (isQueryingPrompts(clauses)) {
    return clauses.map((c) => clauseSql(flavour, table, tagTable, c));
  }
  // Not asking for prompts: a clause on the prompt tag itself is dropped, as MLflow drops it.
  return [
    ...clauses
      .filter((c) => !(c.kind === 'tag' && c.key === IS_PROMPT_TAG_KEY))
      .map((c) => clauseSql(flavour, table, tagTable, c)),
    notPrompt(table, tagTable),
  ];
}

function page<T>(rows: T[], offset: number, maxResults: number) {
  // One row beyond the page tells whether another page exists, as MLflow decides it.
  const items = rows.slice(0, maxResults);
  return rows.length > maxResults
    ? { items, nextPageToken: createPageToken(offset + maxResults) }
    : { items };
}

export async function searchRegisteredModelNames(
  db: Kysely<Database>,
  opts: RegistrySearchOptions,
): Promise<{ items: string[]; nextPageToken?: string }> {
  validateMaxResults(opts.maxResults, REGISTERED_MODELS_MAX_RESULTS.threshold);
  const clauses = parseRegistryFilter('registered-model', opts.filter);
  const ordering = parseRegisteredModelOrderBy(opts.orderBy);
  const offset = parsePageToken(opts.pageToken);
  const flavour = sqlFlavour(db);

  let query = db.selectFrom('registered_models').select('registered_models.name');
  for (const condition of conditionsFor(
    flavour,
    'registered_models',
    'registered_model_tags',
    clauses,
  )) {
    query = query.where(condition);
  }
  for (const { column, ascending } of ordering) {
    query = query.orderBy(`registered_models.${column}`, ascending ? 'asc' : 'desc');
  }
  const rows = await query
    .limit(opts.maxResults + 1)
    .offset(offset)
    .execute();
  return page(
    rows.map((r) => r.name),
    offset,
    opts.maxResults,
  );
}

export async function searchModelVersionKeys(
  db: Kysely<Database>,
  opts: RegistrySearchOptions,
): Promise<{ items: VersionKey[]; nextPageToken?: string }> {
  validateMaxResults(opts.maxResults, MODEL_VERSIONS_MAX_RESULTS.threshold);
  const clauses = parseRegistryFilter('model-version', opts.filter);
  const ordering = parseModelVersionOrderBy(
    opts.orderBy.length ? opts.orderBy : DEFAULT_VERSION_ORDER,
  );
  const offset = parsePageToken(opts.pageToken);
  const flavour = sqlFlavour(db);

  let query = db
    .selectFrom('model_versions')
    .select(['model_versions.name', 'model_versions.version'])
    .where('model_versions.current_stage', '!=', STAGE_DELETED_INTERNAL);
  for (const condition of conditionsFor(flavour, 'model_versions', 'model_version_tags', clauses)) {
    query = query.where(condition);
  }
  for (const { column, ascending } of ordering) {
    query = query.orderBy(`model_versions.${column}`, ascending ? 'asc' : 'desc');
  }
  const rows = await query
    .limit(opts.maxResults + 1)
    .offset(offset)
    .execute();
  return page(
    rows.map((r) => ({ name: r.name, version: Number(r.version) })),
    offset,
    opts.maxResults,
  );
}
