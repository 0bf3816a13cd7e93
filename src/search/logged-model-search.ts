// Logged-model search: one query returning the ordered model ids of a page, with MLflow's
// semantics — live models of the given experiments; a metric clause matches a model having any
// such metric value (on one of the requested datasets, when given); metric ordering uses each
// model's latest value (by timestamp, then step); nulls sort last; ties break on creation time
// (newest first) and model id.
import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type RawBuilder,
  type SqlBool,
} from 'kysely';
import { MlflowError } from '../errors.js';
import { parseExperimentId } from '../store/experiments.js';
import type { Database } from '../store/schema.js';
import {
  parseLoggedModelFilter,
  parseLoggedModelOrderBy,
  type LoggedModelClause,
  type LoggedModelOrderByInput,
  type LoggedModelOrderTerm,
} from './logged-model-grammar.js';
import {
  createLoggedModelPageToken,
  parseLoggedModelPageToken,
  type LoggedModelQuery,
} from './logged-model-page-token.js';
import { compareNumber, compareText, sqlFlavour, type SqlFlavour } from './sql-compare.js';

/** MLflow's default page size for this search (the proto's default for max_results). */
export const LOGGED_MODEL_SEARCH_DEFAULT_MAX_RESULTS = 50;

export interface DatasetFilter {
  dataset_name?: string;
  dataset_digest?: string;
}

export interface LoggedModelSearchOptions {
  experimentIds: string[];
  filter?: string;
  datasets?: DatasetFilter[];
  orderBy?: LoggedModelOrderByInput[];
  maxResults?: number;
  pageToken?: string;
}

type Db = Kysely<Database>;
type Condition = (eb: ExpressionBuilder<Database, 'logged_models'>) => Expression<SqlBool>;

/** `(dataset_name = a [and dataset_digest = b]) or …` over logged_model_metrics rows. */
function datasetMatch(datasets: DatasetFilter[]): RawBuilder<SqlBool> | undefined {
  if (!datasets.length) return undefined;
  const name = sql.ref('logged_model_metrics.dataset_name');
  const digest = sql.ref('logged_model_metrics.dataset_digest');
  // An omitted digest means any digest (MLflow's store documents so; over REST it asks for none).
  const one = (d: DatasetFilter) =>
    d.dataset_digest
      ? sql`(${name} = ${d.dataset_name} and ${digest} = ${d.dataset_digest})`
      : sql`(${name} = ${d.dataset_name})`;
  return sql<SqlBool>`(${sql.join(datasets.map(one), sql` or `)})`;
}

function condition(
  flavour: SqlFlavour,
  clause: LoggedModelClause,
  datasets: RawBuilder<SqlBool> | undefined,
): Condition {
  switch (clause.entity) {
    case 'status':
    case 'experiment_id': {
      const column =
        clause.entity === 'status' ? 'logged_models.status' : 'logged_models.experiment_id';
      const { comparator, value } = clause;
      if (comparator === 'IN') return (eb) => eb(column, 'in', value);
      if (comparator === 'NOT IN') return (eb) => eb(column, 'not in', value);
      return () => compareNumber(flavour, sql.ref(column), comparator, value[0]);
    }
    case 'attribute': {
      const column = sql.ref(`logged_models.${clause.key}`);
      return typeof clause.value === 'number'
        ? () => compareNumber(flavour, column, clause.comparator, clause.value as number)
        : () => compareText(flavour, column, clause.comparator, clause.value as string | string[]);
    }
    case 'metric': {
      const match = compareNumber(
        flavour,
        sql.ref('logged_model_metrics.metric_value'),
        clause.comparator,
        clause.value,
      );
      return (eb) => {
        let sub = eb
          .selectFrom('logged_model_metrics')
          .select('logged_model_metrics.model_id')
          .where('logged_model_metrics.metric_name', '=', clause.key)
          .where(match);
        if (datasets) sub = sub.where(datasets);
        return eb('logged_models.model_id', 'in', sub);
      };
    }
    case 'param':
    case 'tag': {
      const [table, key, value] =
        clause.entity === 'param'
          ? (['logged_model_params', 'param_key', 'param_value'] as const)
          : (['logged_model_tags', 'tag_key', 'tag_value'] as const);
      const match = compareText(
        flavour,
        sql.ref(`${table}.${value}`),
        clause.comparator,
        clause.value,
      );
      return () =>
        sql<SqlBool>`logged_models.model_id in (select ${sql.ref(`${table}.model_id`)}
          from ${sql.table(table)}
          where ${sql.ref(`${table}.${key}`)} = ${clause.key} and ${match})`;
    }
  }
}

/**
 * A model's latest value of one metric (by timestamp, then step; optionally on one dataset) as a
 * correlated scalar subquery for ORDER BY; NULL for models that never logged it.
 */
function latestMetricValue(term: Extract<LoggedModelOrderTerm, { kind: 'metric' }>) {
  const dataset = [
    ...(term.datasetName ? [sql`m.dataset_name = ${term.datasetName}`] : []),
    ...(term.datasetDigest ? [sql`m.dataset_digest = ${term.datasetDigest}`] : []),
  ];
  const extra = dataset.length ? sql` and ${sql.join(dataset, sql` and `)}` : sql``;
  return sql`(select m.metric_value from logged_model_metrics m
    where m.model_id = logged_models.model_id and m.metric_name = ${term.key}${extra}
    order by m.metric_timestamp_ms desc, m.metric_step desc, m.run_id asc
    limit 1)`;
}

/** The request's order_by as MLflow's handler normalises it (also what page tokens pin). */
function normalisedOrderBy(orderBy: LoggedModelOrderByInput[]): LoggedModelQuery['order_by'] {
  if (!orderBy.length) return null;
  return orderBy.map((o) => ({
    field_name: o.field_name ?? '',
    ascending: o.ascending ?? true,
    dataset_name: o.dataset_name || null,
    dataset_digest: o.dataset_digest || null,
  }));
}

export async function searchLoggedModelIds(
  db: Db,
  opts: LoggedModelSearchOptions,
): Promise<{ modelIds: string[]; nextPageToken?: string }> {
  const datasets = opts.datasets ?? [];
  if (datasets.some((d) => !d.dataset_name)) {
    throw MlflowError.invalidParameter(
      '`dataset_name` in the `datasets` clause must be specified.',
    );
  }
  const maxResults = opts.maxResults || LOGGED_MODEL_SEARCH_DEFAULT_MAX_RESULTS;
  if (!Number.isSafeInteger(maxResults) || maxResults < 0) {
    throw MlflowError.invalidParameter(
      `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer.`,
    );
  }
  const query: LoggedModelQuery = {
    experiment_ids: opts.experimentIds,
    filter_string: opts.filter || null,
    order_by: normalisedOrderBy(opts.orderBy ?? []),
  };
  const offset = parseLoggedModelPageToken(opts.pageToken, query);
  const experimentIds = opts.experimentIds.map((id) => parseExperimentId(id));
  const clauses = parseLoggedModelFilter(opts.filter);
  const ordering = (opts.orderBy ?? []).map(parseLoggedModelOrderBy);

  const flavour = sqlFlavour(db);
  const inDatasets = datasetMatch(datasets);
  let select = db
    .selectFrom('logged_models')
    .select('logged_models.model_id')
    .where('logged_models.lifecycle_stage', '!=', 'deleted')
    .where('logged_models.experiment_id', 'in', experimentIds.length ? experimentIds : [-1]);
  for (const clause of clauses) select = select.where(condition(flavour, clause, inDatasets));
  // Datasets without a metric clause still narrow the search to models with metrics on them.
  if (inDatasets && !clauses.some((c) => c.entity === 'metric')) {
    select = select.where((eb) =>
      eb(
        'logged_models.model_id',
        'in',
        eb
          .selectFrom('logged_model_metrics')
          .select('logged_model_metrics.model_id')
          .where(inDatasets),
      ),
    );
  }

  let ordered = select;
  for (const term of ordering) {
    const direction = term.ascending ? sql`asc` : sql`desc`;
    const column =
      term.kind === 'attribute' ? sql.ref(`logged_models.${term.key}`) : latestMetricValue(term);
    // Nulls last in either direction, written portably (not every database has NULLS LAST).
    ordered = ordered
      .orderBy(sql`case when ${column} is null then 1 else 0 end`)
      .orderBy(sql`${column} ${direction}`);
  }
  const keys = ordering.filter((t) => t.kind === 'attribute').map((t) => t.key);
  if (!keys.includes('creation_timestamp_ms')) {
    ordered = ordered.orderBy('logged_models.creation_timestamp_ms', 'desc');
  }
  if (!keys.includes('model_id')) ordered = ordered.orderBy('logged_models.model_id', 'asc');

  // One row beyond the page tells whether another page exists, as MLflow decides it.
  const rows = await ordered
    .limit(maxResults + 1)
    .offset(offset)
    .execute();
  const modelIds = rows.slice(0, maxResults).map((r) => r.model_id);
  return rows.length > maxResults
    ? { modelIds, nextPageToken: createLoggedModelPageToken(query, offset + maxResults) }
    : { modelIds };
}
