// Statistics over groups of runs: the runs a search matches, grouped by params or tags, and per
// group the spread of one metric — of each run's final (or best) value, and along the steps as a
// mean ± std band. Aggregated in SQL: a group of fifty runs of a million points each answers with
// a few thousand numbers, not the points.
import { sql, type Kysely } from 'kysely';
import { MlflowError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { matchingRuns, type RunMatch } from './run-search.js';

export const GROUP_VALUES = ['last', 'min', 'max'] as const;
export type GroupValue = (typeof GROUP_VALUES)[number];
const MAX_GROUP_BY = 3;

export interface GroupStatsOptions extends RunMatch {
  /** `params.<key>` or `tags.<key>` (backquotes allowed around the key). */
  groupBy: string[];
  metricKey: string;
  /** A run's value: its last logged point, or its smallest or largest over the history. */
  value: GroupValue;
  /** At most this many points along the steps per group (steps are bucketed beyond). */
  maxSteps: number;
}

export interface Spread {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

export interface StepSpread extends Spread {
  /** The first step of the bucket. */
  step: number;
}

export interface GroupStats {
  /** The group's value of each group_by column; null where its runs lack the param or tag. */
  group: Record<string, string | null>;
  runs: number;
  final: Spread & { median: number };
  steps: StepSpread[];
}

interface GroupColumn {
  name: string;
  table: 'params' | 'tags';
  key: string;
  alias: string;
}

function groupColumns(groupBy: string[]): GroupColumn[] {
  if (groupBy.length === 0 || groupBy.length > MAX_GROUP_BY) {
    throw MlflowError.invalidParameter(
      `group_by must name 1 to ${MAX_GROUP_BY} params or tags, e.g. ["params.optimizer"].`,
    );
  }
  return groupBy.map((name, i) => {
    const match = /^(params|tags)\.(?:`([^`]+)`|(.+))$/.exec(name.trim());
    if (!match) {
      throw MlflowError.invalidParameter(
        `Invalid group_by entry '${name}': expected params.<key> or tags.<key>.`,
      );
    }
    return {
      name,
      table: match[1] as 'params' | 'tags',
      key: match[2] ?? match[3],
      alias: `g${i}`,
    };
  });
}

/** Sample standard deviation from SQL's count, mean and mean of squares. */
function spread(row: { n: number; mean: number; sq: number; lo: number; hi: number }): Spread {
  const n = Number(row.n);
  const variance = n > 1 ? Math.max(0, row.sq - row.mean * row.mean) * (n / (n - 1)) : 0;
  return { count: n, mean: row.mean, std: Math.sqrt(variance), min: row.lo, max: row.hi };
}

export async function runGroupStats(
  db: Kysely<Database>,
  opts: GroupStatsOptions,
): Promise<GroupStats[]> {
  const columns = groupColumns(opts.groupBy);
  if (opts.experimentIds.length === 0) return [];
  // The matching runs with their group values: one row a run.
  const joins = columns.map(
    (c) =>
      sql`LEFT JOIN ${sql.table(c.table)} ${sql.raw(c.alias)} ON ${sql.ref(`${c.alias}.run_uuid`)} = m.run_uuid AND ${sql.ref(`${c.alias}.key`)} = ${c.key}`,
  );
  const grouped = sql`SELECT m.run_uuid, m.run_key, ${sql.join(
    columns.map((c) => sql`${sql.ref(`${c.alias}.value`)} AS ${sql.raw(c.alias)}`),
  )} FROM (${matchingRuns(db, opts).select('runs.run_key')}) m ${sql.join(joins, sql` `)}`;
  const groupRefs = columns.map((c) => sql.ref(`r.${c.alias}`));
  const groupKey = (row: Record<string, unknown>) =>
    JSON.stringify(columns.map((c) => row[c.alias] ?? null));

  const perRun =
    opts.value === 'last'
      ? sql`SELECT r.*, lm.value AS v FROM (${grouped}) r
            JOIN latest_metrics lm ON lm.run_uuid = r.run_uuid AND lm.key = ${opts.metricKey} AND lm.is_nan = 0`
      : sql`SELECT r.*, h.v FROM (${grouped}) r
            JOIN (SELECT run_key, ${sql.raw(opts.value === 'min' ? 'MIN' : 'MAX')}(value) AS v FROM metrics
                  WHERE key = ${opts.metricKey} AND is_nan = 0 GROUP BY run_key) h ON h.run_key = r.run_key`;
  const finals = await sql<
    Record<string, unknown> & {
      runs: number;
      n: number;
      mean: number;
      sq: number;
      lo: number;
      hi: number;
      med: number;
    }
  >`
    SELECT ${sql.join(columns.map((c) => sql.ref(`p.${c.alias}`)))},
           COUNT(*) AS n, AVG(p.v) AS mean, AVG(p.v * p.v) AS sq, MIN(p.v) AS lo, MAX(p.v) AS hi,
           MEDIAN(p.v) AS med
    FROM (${perRun}) p
    GROUP BY ${sql.join(columns.map((c) => sql.ref(`p.${c.alias}`)))}
    ORDER BY ${sql.join(columns.map((c) => sql.ref(`p.${c.alias}`)))}`.execute(db);
  const runCounts = await sql<Record<string, unknown> & { runs: number }>`
    SELECT ${sql.join([...groupRefs, sql`COUNT(*) AS runs`])} FROM (${grouped}) r
    GROUP BY ${sql.join(groupRefs)}`.execute(db);
  const runsOf = new Map(runCounts.rows.map((row) => [groupKey(row), Number(row.runs)]));

  // Along the steps: buckets wide enough that each group has at most maxSteps of them.
  const range = await sql<{ lo: number | null; hi: number | null }>`
    SELECT MIN(m.step) AS lo, MAX(m.step) AS hi FROM metrics m
    JOIN (${grouped}) r ON r.run_key = m.run_key
    WHERE m.key = ${opts.metricKey} AND m.is_nan = 0`.execute(db);
  const lo = range.rows[0]?.lo ?? 0;
  const hi = range.rows[0]?.hi ?? 0;
  // Literals, not parameters: a bound number is a REAL to SQLite, and the division must be integral.
  const width = Math.max(1, Math.ceil((hi - lo + 1) / opts.maxSteps));
  const steps = await sql<
    Record<string, unknown> & {
      step: number;
      n: number;
      mean: number;
      sq: number;
      lo: number;
      hi: number;
    }
  >`
    SELECT ${sql.join([...groupRefs, sql`MIN(m.step) AS step`])},
           COUNT(*) AS n, AVG(m.value) AS mean, AVG(m.value * m.value) AS sq,
           MIN(m.value) AS lo, MAX(m.value) AS hi
    FROM metrics m JOIN (${grouped}) r ON r.run_key = m.run_key
    WHERE m.key = ${opts.metricKey} AND m.is_nan = 0
    GROUP BY ${sql.join([...groupRefs, sql`(m.step - ${sql.lit(lo)}) / ${sql.lit(width)}`])}
    ORDER BY step`.execute(db);
  const stepsOf = new Map<string, StepSpread[]>();
  for (const row of steps.rows) {
    const key = groupKey(row);
    if (!stepsOf.has(key)) stepsOf.set(key, []);
    stepsOf.get(key)!.push({ step: Number(row.step), ...spread(row) });
  }

  return finals.rows.map((row) => {
    const key = groupKey(row);
    return {
      group: Object.fromEntries(
        columns.map((c) => [c.name, (row[c.alias] as string | null) ?? null]),
      ),
      runs: runsOf.get(key) ?? 0,
      final: { ...spread(row), median: row.med },
      steps: stepsOf.get(key) ?? [],
    };
  });
}
