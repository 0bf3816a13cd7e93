// Metric persistence: the full history of every metric, plus `latest_metrics`, the per-run latest
// value kept up to date in the same transaction so searches and run views never scan history.
import { sql } from 'kysely';
import type { Db } from './experiments.js';
import { compareKeyOrder, sampleInOrder, SeriesWriter, type StoredPoint } from './metric-ranks.js';
import { sqlFlavour } from '../search/sql-compare.js';
import { sqliteStatementsOf, type SqliteStatements } from './sqlite-statements.js';

export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/** NaN is stored as 0 with is_nan set, as MLflow's SQL store does (SQL engines lack NaN). */
function toStored(m: MetricPoint): StoredPoint {
  const isNan = Number.isNaN(m.value);
  return {
    key: m.key,
    value: isNan ? 0 : m.value,
    timestamp: m.timestamp,
    step: m.step,
    is_nan: isNan ? 1 : 0,
  };
}

export function fromStored(row: {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
}): MetricPoint {
  return {
    key: row.key,
    value: row.is_nan ? NaN : Number(row.value),
    timestamp: Number(row.timestamp),
    step: Number(row.step),
  };
}

/** MLflow's "more recent" order: by step, then timestamp, then (stored) value. */
function isNewer(a: StoredPoint, b: StoredPoint): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

/** The newest point of each key in `rows` (MLflow's order), the candidates for `latest_metrics`. */
function newestByKey(rows: StoredPoint[]): StoredPoint[] {
  const newest = new Map<string, StoredPoint>();
  for (const row of rows) {
    const current = newest.get(row.key);
    if (!current || isNewer(row, current)) newest.set(row.key, row);
  }
  return [...newest.values()];
}

// A point replaces the latest value only when it is newer in MLflow's order: the row-value
// comparison is `isNewer` in SQL, so no read of the current latest values is needed.
const NEWER_THAN_LATEST = sql<boolean>`(excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)`;

const INSERT_POINT_SQL =
  'insert into metrics (run_key, key, value, timestamp, step, is_nan) values (?, ?, ?, ?, ?, ?) ' +
  'on conflict do nothing';
const UPSERT_LATEST_SQL =
  'insert into latest_metrics (run_uuid, key, value, timestamp, step, is_nan) values (?, ?, ?, ?, ?, ?) ' +
  'on conflict (run_uuid, key) do update set value = excluded.value, timestamp = excluded.timestamp, ' +
  'step = excluded.step, is_nan = excluded.is_nan ' +
  'where (excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)';

/** The last point of each key in the metrics table's key order. */
function newestInKeyOrder(rows: StoredPoint[]): StoredPoint[] {
  const newest = new Map<string, StoredPoint>();
  for (const p of rows) {
    const seen = newest.get(p.key);
    if (!seen || compareKeyOrder(p, seen) > 0) newest.set(p.key, p);
  }
  return [...newest.values()];
}

/** The points of each key, each key's in the metrics table's key order. */
function byKeyInKeyOrder(rows: StoredPoint[]): StoredPoint[][] {
  const groups = new Map<string, StoredPoint[]>();
  for (const row of rows) {
    const group = groups.get(row.key);
    if (group) group.push(row);
    else groups.set(row.key, [row]);
  }
  return [...groups.values()].map((group) =>
    group.every((p, i) => i === 0 || compareKeyOrder(group[i - 1], p) <= 0)
      ? group
      : group.sort(compareKeyOrder),
  );
}

/**
 * The SQLite fast path of `writeMetrics`: one prepared single-row statement run per point, as the
 * raw insert limit in bench/sqlite-limit.ts does. Building and compiling Kysely's multi-row
 * INSERTs cost more than SQLite spent storing the rows (log-batch of 1000 points). A key's points
 * go in in key order, so a batch of an in-order history keeps it in order (metric-ranks.ts).
 */
function writeWithStatements(
  statements: SqliteStatements,
  run: MetricRun,
  rows: StoredPoint[],
  latest: StoredPoint[],
): void {
  const insert = statements.prepare(INSERT_POINT_SQL);
  const groups = byKeyInKeyOrder(rows);
  const series = new SeriesWriter(
    statements,
    run.key,
    groups.map((group) => group[0].key),
  );
  for (const group of groups) {
    for (const r of group) {
      if (insert.run(run.key, r.key, r.value, r.timestamp, r.step, r.is_nan).changes) {
        series.add(r);
      }
    }
  }
  series.save();
  const upsert = statements.prepare(UPSERT_LATEST_SQL);
  for (const r of latest) upsert.run(run.id, r.key, r.value, r.timestamp, r.step, r.is_nan);
}

/** A run as metric writes name it: its id (latest values) and its integer key (history rows). */
export interface MetricRun {
  id: string;
  key: number;
}

/** The run of a row of `runs`; every run the store creates has its key (migration 0006). */
export function metricRunOf(row: { run_uuid: string; run_key: number | null }): MetricRun {
  if (row.run_key === null) throw new Error(`run ${row.run_uuid} has no run_key`);
  return { id: row.run_uuid, key: Number(row.run_key) };
}

/** The history rows' key of a run, looked up in SQL where only the run id is at hand. */
export function runKeyOf(runId: string) {
  return sql<number>`(select run_key from runs where run_uuid = ${runId})`;
}

/** The same lookup for a prepared statement, the run id bound to its `?`. */
export const RUN_KEY_OF_ID = '(select run_key from runs where run_uuid = ?)';

/**
 * Appends points to the history (a point identical to a stored one is ignored, as MLflow does) and
 * moves `latest_metrics` forward. Inside a transaction on a project's SQLite database it runs
 * prepared statements directly; on PostgreSQL a few statements over arrays, whatever the size.
 */
export async function writeMetrics(db: Db, run: MetricRun, metrics: MetricPoint[]): Promise<void> {
  if (!metrics.length) return;
  const rows = metrics.map(toStored);
  const latest = newestByKey(rows);
  const statements = sqliteStatementsOf(db);
  if (statements) return writeWithStatements(statements, run, rows, latest);
  if (sqlFlavour(db) === 'sqlite') {
    throw new Error('metrics are written on SQLite inside a transaction of a project database');
  }
  await writeWithArrays(db, run, rows, latest);
}

/**
 * The rows of `points` in a FROM clause, to be named `p(key, value, timestamp, step, is_nan)`: one
 * PostgreSQL array a column, turned back into rows by `unnest`, so a batch is one statement with a
 * handful of parameters however many points it holds (multi-row VALUES of 150 rows and 900
 * parameters a statement spent more time being built and parsed than stored).
 */
function unnestPoints(points: StoredPoint[]) {
  const column = <T>(pick: (p: StoredPoint) => T) => points.map(pick);
  return sql`unnest(${column((p) => p.key)}::text[], ${column((p) => p.value)}::float8[],
    ${column((p) => p.timestamp)}::int8[], ${column((p) => p.step)}::int8[],
    ${column((p) => p.is_nan)}::int4[])`;
}

async function writeWithArrays(
  db: Db,
  run: MetricRun,
  rows: StoredPoint[],
  latest: StoredPoint[],
): Promise<void> {
  await sql`insert into metrics (run_key, key, value, timestamp, step, is_nan)
    select ${run.key}, p.* from ${unnestPoints(rows)} as p(key, value, timestamp, step, is_nan)
    on conflict do nothing`.execute(db);
  // Ranks are tracked on the SQLite path only: here each history written to is marked out of
  // order (and its marks dropped), so it is sampled by the general SQL.
  const newest = newestInKeyOrder(rows);
  await sql`insert into metric_series (run_key, key, points, in_order, last_timestamp, last_step,
      last_value, last_is_nan, last_time_offset)
    select ${run.key}, p.key, 0, 0, p.timestamp, p.step, p.value, p.is_nan, 0
    from ${unnestPoints(newest)} as p(key, value, timestamp, step, is_nan)
    on conflict (run_key, key) do update set in_order = 0`.execute(db);
  await sql`delete from metric_rank_marks
    where run_key = ${run.key} and key = any(${newest.map((p) => p.key)}::text[])`.execute(db);
  await sql`insert into latest_metrics (run_uuid, key, value, timestamp, step, is_nan)
    select ${run.id}, p.* from ${unnestPoints(latest)} as p(key, value, timestamp, step, is_nan)
    on conflict (run_uuid, key) do update set value = excluded.value,
      timestamp = excluded.timestamp, step = excluded.step, is_nan = excluded.is_nan
    where ${NEWER_THAN_LATEST}`.execute(db);
}

/** One metric's history in MLflow's order (timestamp, step, value), optionally one page of it. */
export async function getMetricHistory(
  db: Db,
  runId: string,
  key: string,
  page: { offset: number; maxResults?: number },
): Promise<{ metrics: MetricPoint[]; hasMore: boolean }> {
  // MLflow answers an unknown run with an empty history, not an error.
  let query = db
    .selectFrom('metrics')
    .select(['key', 'value', 'timestamp', 'step', 'is_nan'])
    .where('run_key', '=', runKeyOf(runId))
    .where('key', '=', key)
    .orderBy('timestamp')
    .orderBy('step')
    .orderBy('value');
  if (page.maxResults !== undefined) query = query.limit(page.maxResults + 1);
  // OFFSET needs a LIMIT in SQLite; an unbounded page uses the largest one.
  if (page.offset > 0) {
    query = (page.maxResults === undefined ? query.limit(Number.MAX_SAFE_INTEGER) : query).offset(
      page.offset,
    );
  }
  const rows = await query.execute();
  const hasMore = page.maxResults !== undefined && rows.length > page.maxResults;
  return { metrics: (hasMore ? rows.slice(0, page.maxResults) : rows).map(fromStored), hasMore };
}

/** The general sample in SQL: NTILE over the history sorted by step, then the last point. */
async function sampleInSql(
  db: Db,
  runId: string,
  key: string,
  buckets: number,
  steps?: { start: number; end: number },
): Promise<StoredPoint[]> {
  const range = steps ? sql`and step >= ${steps.start} and step <= ${steps.end}` : sql``;
  const { rows } = await sql<StoredPoint>`
    select key, value, timestamp, step, is_nan from (
      select key, value, timestamp, step, is_nan,
             row_number() over (partition by bucket order by step, timestamp, value, is_nan) as rn
      from (
        select key, value, timestamp, step, is_nan,
               ntile(${buckets}) over (order by step, timestamp, value, is_nan) as bucket
        from metrics where run_key = ${runKeyOf(runId)} and key = ${key} ${range}
      ) bucketed
    ) ranked
    where rn = 1
    order by step, timestamp, value, is_nan`.execute(db);
  const { rows: lastRows } = await sql<StoredPoint>`
    select key, value, timestamp, step, is_nan from metrics
    where run_key = ${runKeyOf(runId)} and key = ${key} ${range}
    order by step desc, timestamp desc, value desc, is_nan desc limit 1`.execute(db);
  const last = lastRows[0];
  const sameAs = (a: StoredPoint, b: StoredPoint) =>
    a.step === b.step &&
    a.timestamp === b.timestamp &&
    a.is_nan === b.is_nan &&
    (a.is_nan === 1 || a.value === b.value);
  if (last && (!rows.length || !sameAs(rows[rows.length - 1], last))) {
    if (rows.length >= buckets) rows[rows.length - 1] = last;
    else rows.push(last);
  }
  return rows;
}

/**
 * Up to `maxResults` points per run, evenly spread over the ordered history (optionally within a
 * step range), keeping the last point: NTILE buckets, first row of each, as MLflow samples. An
 * in-order history is sampled by rank without being read (metric-ranks.ts), any other in SQL.
 */
export async function sampleMetricHistory(
  db: Db,
  runIds: string[],
  key: string,
  maxResults: number,
  steps?: { start: number; end: number },
): Promise<(MetricPoint & { run_id: string })[]> {
  const buckets = Math.max(1, maxResults);
  const out: (MetricPoint & { run_id: string })[] = [];
  for (const runId of runIds) {
    const rows =
      (await sampleInOrder(db, runId, key, buckets, steps)) ??
      (await sampleInSql(db, runId, key, buckets, steps));
    for (const row of rows) out.push({ ...fromStored(row), run_id: runId });
  }
  return out;
}

/**
 * The whole history of one metric across runs, for the web UI's get-history-bulk: sorted by run id,
 * then timestamp, step and value, and cut at `limit` points in all (not per run), as MLflow's store
 * answers it. Ids that name no run here are left out.
 */
export async function metricHistoryOfRuns(
  db: Db,
  runIds: string[],
  key: string,
  limit: number,
): Promise<(MetricPoint & { run_id: string })[]> {
  const ids = [...new Set(runIds)];
  if (!ids.length || limit <= 0) return [];
  const rows = await db
    .selectFrom('metrics')
    .innerJoin('runs', 'runs.run_key', 'metrics.run_key')
    .select([
      'runs.run_uuid as run_id',
      'metrics.key',
      'metrics.value',
      'metrics.timestamp',
      'metrics.step',
      'metrics.is_nan',
    ])
    .where('runs.run_uuid', 'in', ids)
    .where('metrics.key', '=', key)
    .orderBy('runs.run_uuid')
    .orderBy('metrics.timestamp')
    .orderBy('metrics.step')
    .orderBy('metrics.value')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...fromStored(row), run_id: row.run_id }));
}
