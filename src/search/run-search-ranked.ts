// Runs search ordered by a metric, fetched one rank at a time (real values, then NaN, then runs
// without the metric). A single query sorts every matching run on a CASE expression before it can
// cut the page: over 100k runs that is a lookup of the metric per run and a sort of all of them.
// Within the first rank the order starts with the metric's value, which SQLite can read in order
// from the covering (key, value, is_nan, run_uuid) index and stop after the page (see
// BENCHMARKS.md). Concatenating the ranks gives exactly the single query's order.
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../store/schema.js';
import type { RunOrdering } from './run-order-sql.js';

export type RunsQuery = SelectQueryBuilder<Database, 'runs', { run_uuid: string }>;

/**
 * Walking the metric's index visits the metric's entries in every experiment until the page is
 * full, while the single query visits the searched runs: the walk is chosen only when the metric
 * has fewer than WALK_FACTOR entries per searched run (a lookup and sort of a run costs about as
 * much as stepping over that many index entries, measured on 100k runs), so a small experiment
 * in a large project keeps the single query.
 */
const WALK_FACTOR = 20;

export async function worthWalking(
  db: Kysely<Database>,
  metricKey: string,
  experimentIds: number[],
  lifecycleStages: string[],
): Promise<boolean> {
  const runs = await db
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('experiment_id', 'in', experimentIds)
    .where('lifecycle_stage', 'in', lifecycleStages)
    .executeTakeFirstOrThrow();
  const bound = Number(runs.n) * WALK_FACTOR;
  if (bound === 0) return false;
  // Counted only up to the bound, so a metric logged by millions of runs costs no more than that.
  const entries = await db
    .selectFrom(
      db
        .selectFrom('latest_metrics')
        .select(sql<number>`1`.as('one'))
        .where('key', '=', metricKey)
        .limit(bound)
        .as('entries'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(entries.n) < bound;
}

/** Run ids `offset` … `offset + limit - 1` of `query` in `ordering`'s order, rank by rank. */
export async function rankedRunIds(
  query: RunsQuery,
  ordering: RunOrdering & { leadingMetric: NonNullable<RunOrdering['leadingMetric']> },
  limit: number,
  offset: number,
): Promise<string[]> {
  const ids: string[] = [];
  let skip = offset;
  for (const condition of ordering.leadingMetric.rankConditions) {
    if (ids.length === limit) break;
    let rank = query.where(condition);
    for (const { expression, direction } of ordering.terms.slice(1)) {
      rank = rank.orderBy(expression, direction);
    }
    const rows = await rank
      .limit(limit - ids.length)
      .offset(skip)
      .execute();
    for (const row of rows) ids.push(row.run_uuid);
    if (rows.length) {
      // The offset ended inside this rank.
      skip = 0;
    } else if (skip > 0) {
      // The whole rank lies before the offset: skip it by its size.
      const size = await query
        .where(condition)
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      skip -= Number(size.n);
    }
  }
  return ids;
}
