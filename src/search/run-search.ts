// Runs search: one query returning the ordered run ids of a page, with MLflow's validation order
// (max_results, filter syntax, order_by, comparators, page token) so the first error reported is
// the one MLflow would report.
import { sql, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Database } from '../store/schema.js';
import { validateMaxResults } from './max-results.js';
import { createPageToken, parsePageToken } from './page-token.js';
import { parseRunFilter } from './run-grammar.js';
import { runFilter } from './run-filter-sql.js';
import { runOrdering } from './run-order-sql.js';
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

type RunsQuery = SelectQueryBuilder<Database, 'runs', { run_uuid: string }>;

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
    .where(experimentColumn, 'in', opts.experimentIds)
    .where('runs.lifecycle_stage', 'in', lifecycleStages(opts.runViewType));
  for (const filter of filters) if ('condition' in filter) query = query.where(filter.condition);
  if (runIdSets.length) {
    // One `IN` over the intersection rather than one `IN` per clause.
    query = query.where((eb) => {
      const [first, ...rest] = runIdSets.map((runIds) => runIds(eb));
      const matching = rest.reduce((all, next) => all.intersect(next), first);
      return sql<SqlBool>`${sql.ref('runs.run_uuid')} IN ${matching}`;
    });
  }
  for (const { table, alias, key } of ordering.joins) {
    // The joined aliases are only known at run time, so they are referenced through `sql.ref` and
    // the builder's static type stays that of the plain runs query.
    query = query.leftJoin(db.dynamic.table(table).as(alias), (join) =>
      join.on(
        sql<SqlBool>`${sql.ref(`${alias}.run_uuid`)} = ${sql.ref('runs.run_uuid')} AND ${sql.ref(`${alias}.key`)} = ${key}`,
      ),
    ) as unknown as RunsQuery;
  }
  for (const { expression, direction } of ordering.terms) {
    query = query.orderBy(expression, direction);
  }
  // One row beyond the page tells whether another page exists, as MLflow decides it.
  const rows = await query
    .limit(opts.maxResults + 1)
    .offset(offset)
    .execute();
  const runIds = rows.slice(0, opts.maxResults).map((row) => row.run_uuid);
  return rows.length > opts.maxResults
    ? { runIds, nextPageToken: createPageToken(offset + opts.maxResults) }
    : { runIds };
}
