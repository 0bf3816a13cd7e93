// The four counts behind CalculateTraceFilterCorrelation, in one pass over the experiments'
// traces: how many match the base filter (all traces without one), each of two search filters
// on top of it, and both. Filters are MLflow's trace search grammar; like MLflow, each filter is
// parsed joined to the base filter (`<base> and <filter>`), so span conditions of the two hold on
// one and the same span and errors quote the joined text.
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { traceFilterConditions } from '../search/trace-search.js';
import { sqlFlavour } from '../search/sql-compare.js';
import type { Database } from './schema.js';

export interface CorrelationCounts {
  totalCount: number;
  filter1Count: number;
  filter2Count: number;
  jointCount: number;
}

/** The filter as one condition on `trace_info as t` (true for an empty filter). */
function matches(
  db: Kysely<Database>,
  filter: string,
  experimentIds: number[],
): RawBuilder<SqlBool> {
  const conditions = traceFilterConditions(sqlFlavour(db), filter, experimentIds);
  return conditions.length
    ? sql<SqlBool>`(${sql.join(conditions, sql` and `)})`
    : sql<SqlBool>`1 = 1`;
}

export async function traceCorrelationCounts(
  db: Kysely<Database>,
  experimentIds: number[],
  filter1: string,
  filter2: string,
  baseFilter?: string,
): Promise<CorrelationCounts> {
  const joined = (filter: string) => (baseFilter ? `${baseFilter} and ${filter}` : filter);
  // MLflow's order: filter 1, filter 2, then the base filter alone.
  const first = matches(db, joined(filter1), experimentIds);
  const second = matches(db, joined(filter2), experimentIds);
  const base = matches(db, baseFilter ?? '', experimentIds);
  if (experimentIds.length === 0) {
    return { totalCount: 0, filter1Count: 0, filter2Count: 0, jointCount: 0 };
  }
  const row = await db
    .selectFrom('trace_info as t')
    .select([
      sql<number>`count(*)`.as('total'),
      sql<number>`count(case when ${first} then 1 end)`.as('first'),
      sql<number>`count(case when ${second} then 1 end)`.as('second'),
      sql<number>`count(case when ${first} and ${second} then 1 end)`.as('joint'),
    ])
    .where('t.experiment_id', 'in', experimentIds)
    .where(base)
    .executeTakeFirstOrThrow();
  return {
    totalCount: Number(row.total),
    filter1Count: Number(row.first),
    filter2Count: Number(row.second),
    jointCount: Number(row.joint),
  };
}
