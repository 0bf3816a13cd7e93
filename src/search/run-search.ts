// Runs search: one query returning the ordered run ids of a page, with MLflow's validation order
// (max_results, filter syntax, order_by, comparators, page token) so the first error reported is
// the one MLflow would report.
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../store/schema.js';
import { validateMaxResults } from './max-results.js';
import { createPageToken, parsePageToken } from './page-token.js';
import { parseRunFilter } from './run-grammar.js';
import { runFilter, type RunFilter } from './run-filter-sql.js';
import { runOrdering } from './run-order-sql.js';
import { rankedRunIds, worthWalking, type RunsQuery } from './run-search-ranked.js';
import { sqlFlavour } from './sql-compare.js';
import { lifecycleStages, type ViewType } from './view-type.js';

export interface RunSearchOptions {
  experimentIds: number[];
  filter?: string;
  runViewType: ViewType;
  orderBy: string[];
  maxResults: number;
  pageToken?: string;
}

export interface RunMatch {
  experimentIds: number[];
  filter?: string;
  runViewType: ViewType;
}

/**
 * The runs a search matches, unordered: the filter's conditions and run-id sets over the
 * experiments and lifecycle stages asked for. Searches order and page it; aggregations group it.
 */
export function matchingRuns(
  db: Kysely<Database>,
  match: RunMatch,
  filters: RunFilter[] = parseRunFilter(match.filter).map((c) => runFilter(sqlFlavour(db), c)),
): RunsQuery {
  const runIdSets = filters.flatMap((filter) => ('runIds' in filter ? [filter.runIds] : []));
  // With filter sets, the matching runs are looked up by primary key. Left to itself SQLite walks
  // every run of the experiments through runs_experiment_idx and probes each against the sets (500
  // ms over 100k runs, see BENCHMARKS.md); a unary `+`, a no-op in SQL, is SQLite's documented way
  // to keep a term from choosing the index.
  const experimentColumn = runIdSets.length
    ? sql<number>`+${sql.ref('runs.experiment_id')}`
    : sql<number>`${sql.ref('runs.experiment_id')}`;
  let query: RunsQuery = db
    .selectFrom('runs')
    .select('runs.run_uuid')
    .where(experimentColumn, 'in', match.experimentIds)
    .where('runs.lifecycle_stage', 'in', lifecycleStages(match.runViewType));
  for (const filter of filters) if ('condition' in filter) query = query.where(filter.condition);
  if (runIdSets.length) {
    // One `IN` over the intersection rather than one `IN` per clause.
    query = query.where((eb) => {
      const [first, ...rest] = runIdSets.map((runIds) => runIds(eb));
      const matching = rest.reduce((all, next) => all.intersect(next), first);
      return sql<SqlBool>`${sql.ref('runs.run_uuid')} IN ${matching}`;
    });
  }
  return query;
}

export async function searchRunIds(
  db: Kysely<Database>,
  opts: RunSearchOptions,
): Promise<{ runIds: string[]; nextPageToken?: string }> {
  validateMaxResults(opts.maxResults);
  const clauses = parseRunFilter(opts.filter);
  const ordering = runOrdering(opts.orderBy);
  const flavour = sqlFlavour(db);
  const filters = clauses.map((clause) => runFilter(flavour, clause));
  const offset = parsePageToken(opts.pageToken);
  if (opts.experimentIds.length === 0) return { runIds: [] };

  const stages = lifecycleStages(opts.runViewType);
  const pageQuery = (db: Kysely<Database>): RunsQuery => {
    let query = matchingRuns(db, opts, filters);
    for (const { table, alias, key } of ordering.joins) {
      // The joined aliases are only known at run time, so they are referenced through `sql.ref` and
      // the builder's static type stays that of the plain runs query.
      query = query.leftJoin(db.dynamic.table(table).as(alias), (join) =>
        join.on(
          sql<SqlBool>`${sql.ref(`${alias}.run_uuid`)} = ${sql.ref('runs.run_uuid')} AND ${sql.ref(`${alias}.key`)} = ${key}`,
        ),
      ) as unknown as RunsQuery;
    }
    return query;
  };

  // One row beyond the page tells whether another page exists, as MLflow decides it.
  const limit = opts.maxResults + 1;
  const singleQuery = async (db: Kysely<Database>): Promise<string[]> => {
    let query = pageQuery(db);
    for (const { expression, direction } of ordering.terms) {
      query = query.orderBy(expression, direction);
    }
    const rows = await query.limit(limit).offset(offset).execute();
    return rows.map((row) => row.run_uuid);
  };
  const { leadingMetric } = ordering;
  // The ranks and the check before them read one snapshot, as the single query does.
  const ids = leadingMetric
    ? await db
        .transaction()
        .execute(async (trx) =>
          (await worthWalking(trx, leadingMetric.key, opts.experimentIds, stages))
            ? rankedRunIds(pageQuery(trx), { ...ordering, leadingMetric }, limit, offset)
            : singleQuery(trx),
        )
    : await singleQuery(db);
  const runIds = ids.slice(0, opts.maxResults);
  return ids.length > opts.maxResults
    ? { runIds, nextPageToken: createPageToken(offset + opts.maxResults) }
    : { runIds };
}
