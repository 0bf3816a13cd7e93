// What the benchmark writes: log-batch bodies, log-metric bodies, and the runs and the long metric
// history it seeds straight into a server's SQLite file (postgres.ts writes the same rows into
// PostgreSQL). Every value is derived from its index, so ours, MLflow's and the raw-SQLite
// reference store the same rows.
import { createHash } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { RANK_MARK_EVERY } from '../migrations/project/0007_metric_rank_marks.js';

export const BATCH_KEYS = 50;
export const BATCH_STEPS = 20; // 50 keys × 20 steps = 1000 metrics per log-batch request
export const PARAMS_PER_RUN = 20;
export const METRICS_PER_RUN = 10;
export const TAGS_PER_RUN = 5;
const BASE_TIME = 1_700_000_000_000;
/** trackd keeps a rank mark for every RANK_MARK_EVERY-th point of a history (migration 0007). */
export { RANK_MARK_EVERY };

/** A deterministic value in [0, 1). */
export function unit(n: number): number {
  const x = Math.sin(n * 12.9898 + 78.233) * 43758.5453;
  return x - Math.floor(x);
}

export interface MetricRow {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/** The n-th log-batch of a benchmark: 1000 points, steps unique per (run, n). */
export function metricBatch(n: number, runs: number): { run: number; metrics: MetricRow[] } {
  const run = n % runs;
  const firstStep = Math.floor(n / runs) * BATCH_STEPS;
  const metrics: MetricRow[] = [];
  for (let s = 0; s < BATCH_STEPS; s++) {
    for (let k = 0; k < BATCH_KEYS; k++) {
      metrics.push({
        key: `metric_${k}`,
        value: unit(n * 1000 + s * BATCH_KEYS + k),
        timestamp: BASE_TIME + firstStep + s,
        step: firstStep + s,
      });
    }
  }
  return { run, metrics };
}

export function logBatchBody(n: number, runIds: string[]): string {
  const { run, metrics } = metricBatch(n, runIds.length);
  return JSON.stringify({ run_id: runIds[run], metrics });
}

export function logMetricBody(n: number, runIds: string[]): string {
  return JSON.stringify({
    run_id: runIds[n % runIds.length],
    key: 'single',
    value: unit(n),
    timestamp: BASE_TIME + n,
    step: Math.floor(n / runIds.length),
  });
}

export function seededRunId(i: number): string {
  return createHash('md5').update(`bench-run-${i}`).digest('hex');
}

/** The search every server is asked, at every size: metric filter, param filter, order_by. */
export const SEARCH = {
  filter: "metrics.m1 > 0.5 and params.p0 = 'v3'",
  order_by: ['metrics.m2 DESC'],
  max_results: 100,
};

/**
 * The seeding connection: a page cache large enough for the indexes (random run ids scatter the
 * inserts; with the default 2 MB cache seeding 100k runs took a minute) and no fsync, since
 * seeding is preparation, not a measured write.
 */
function openForSeeding(file: string): SQLite.Database {
  const db = new SQLite(file);
  db.pragma('busy_timeout = 30000');
  db.pragma('cache_size = -262144');
  db.pragma('synchronous = OFF');
  return db;
}

/** How many of the first `runs` seeded runs the search matches (m1 > 0.5 and p0 = 'v3'). */
export function searchMatches(runs: number): number {
  let n = 0;
  for (let i = 3; i < runs; i += 10) if (unit(i * METRICS_PER_RUN + 1) > 0.5) n++;
  return n;
}

/**
 * How a file's metric history names runs: by `run_key` (ours, migration 0006) or by `run_uuid`
 * (MLflow's). Every other column the seeding writes is named alike in both schemas.
 */
function historyByRunKey(db: SQLite.Database): boolean {
  const columns = db.pragma('table_info(metrics)') as { name: string }[];
  return columns.some((c) => c.name === 'run_key');
}

/**
 * What trackd's metric store keeps beside an in-order history (migration 0007), written for
 * seeded points as the server would have written it had they been logged one by one; a no-op
 * on databases without those tables (MLflow's, trackd's before 0007).
 */
function rankMarks(db: SQLite.Database) {
  const has = db
    .prepare("select 1 from sqlite_master where type = 'table' and name = 'metric_series'")
    .get();
  if (!has) return { mark: () => {}, series: () => {} };
  const mark = db.prepare(
    `insert into metric_rank_marks (run_key, key, rank, timestamp, step, value, is_nan,
       time_offset) values (?, ?, ?, ?, ?, ?, 0, 0)`,
  );
  const series = db.prepare(
    `insert or replace into metric_series (run_key, key, points, in_order, last_timestamp,
       last_step, last_value, last_is_nan, last_time_offset) values (?, ?, ?, 1, ?, ?, ?, 0, 0)`,
  );
  return {
    /** The point of rank `rank`: a mark when the rank is one (every 32nd). */
    mark: (
      runKey: unknown,
      key: string,
      rank: number,
      time: number,
      step: number,
      value: number,
    ) => {
      if (rank % RANK_MARK_EVERY === 0) mark.run(runKey, key, rank, time, step, value);
    },
    /** The history's count and last point. */
    series: (
      runKey: unknown,
      key: string,
      points: number,
      time: number,
      step: number,
      value: number,
    ) => series.run(runKey, key, points, time, step, value),
  };
}

/** Seeded run `i` as every backend stores it (data.ts for SQLite, postgres.ts for PostgreSQL). */
export function seededRun(i: number, artifactRoot: string) {
  const id = seededRunId(i);
  const name = `run-${i}`;
  const params: [string, string][] = [['p0', `v${i % 10}`]];
  for (let p = 1; p < PARAMS_PER_RUN; p++) params.push([`p${p}`, `value-${(i * 7 + p) % 1000}`]);
  const tags: [string, string][] = [
    ['mlflow.runName', name],
    ['mlflow.user', 'bench'],
  ];
  for (let t = 2; t < TAGS_PER_RUN; t++) tags.push([`t${t}`, `tag-${(i + t) % 100}`]);
  const metrics: [string, number][] = [];
  for (let m = 0; m < METRICS_PER_RUN; m++) metrics.push([`m${m}`, unit(i * METRICS_PER_RUN + m)]);
  return {
    id,
    name,
    started: BASE_TIME + i * 1000,
    artifactUri: `${artifactRoot}/${id}/artifacts`,
    params,
    tags,
    metrics,
  };
}

/** Point `i` of a seeded history: value, timestamp, step. */
export function historyPoint(i: number): { value: number; timestamp: number; step: number } {
  return { value: unit(i), timestamp: BASE_TIME + i, step: i };
}

/**
 * Inserts runs `from` … `from + count - 1` into experiment `experimentId`, each with 20 params,
 * 10 metrics (latest value and one history point) and 5 tags (one is `mlflow.runName`), into
 * MLflow's file or ours.
 */
export function seedRuns(
  file: string,
  opts: { experimentId: number; artifactRoot: string; from: number; count: number },
): void {
  const db = openForSeeding(file);
  try {
    const byKey = historyByRunKey(db);
    // Ours: the next run keys, as the run store numbers them (the server writes nothing meanwhile).
    let nextKey = byKey
      ? (db.prepare('select coalesce(max(run_key), 0) + 1 from runs').pluck().get() as number)
      : 0;
    const run = db.prepare(
      `insert into runs (run_uuid, experiment_id, name, source_type, source_name, entry_point_name,
         user_id, status, start_time, end_time, deleted_time, source_version, lifecycle_stage,
         artifact_uri${byKey ? ', run_key' : ''})
       values (?, ?, ?, 'UNKNOWN', '', '', 'bench', 'FINISHED', ?, ?, null, '', 'active', ?
         ${byKey ? ', ?' : ''})`,
    );
    const param = db.prepare('insert into params (run_uuid, key, value) values (?, ?, ?)');
    const tag = db.prepare('insert into tags (run_uuid, key, value) values (?, ?, ?)');
    const metric = db.prepare(
      `insert into metrics (${byKey ? 'run_key' : 'run_uuid'}, key, value, timestamp, step, is_nan)
       values (?, ?, ?, ?, 0, 0)`,
    );
    const latest = db.prepare(
      'insert into latest_metrics (run_uuid, key, value, timestamp, step, is_nan) values (?, ?, ?, ?, 0, 0)',
    );
    const ranks = rankMarks(db);
    const insertRange = db.transaction((start: number, end: number) => {
      for (let i = start; i < end; i++) {
        const r = seededRun(i, opts.artifactRoot);
        const { id, started } = r;
        const historyRun = byKey ? nextKey++ : id;
        const keyColumn = byKey ? [historyRun] : [];
        run.run(id, opts.experimentId, r.name, started, started + 500, r.artifactUri, ...keyColumn);
        for (const [key, value] of r.params) param.run(id, key, value);
        for (const [key, value] of r.tags) tag.run(id, key, value);
        for (const [key, value] of r.metrics) {
          metric.run(historyRun, key, value, started);
          latest.run(id, key, value, started);
          ranks.mark(historyRun, key, 0, started, 0, value);
          ranks.series(historyRun, key, 1, started, 0, value);
        }
      }
    });
    const end = opts.from + opts.count;
    for (let i = opts.from; i < end; i += 5000) insertRange(i, Math.min(end, i + 5000));
  } finally {
    db.close();
  }
}

/** `points` history points of metric `key` for an existing run, and its latest value. */
export function seedHistory(file: string, runId: string, key: string, points: number): void {
  const db = openForSeeding(file);
  try {
    const byKey = historyByRunKey(db);
    const metric = db.prepare(
      `insert into metrics (${byKey ? 'run_key' : 'run_uuid'}, key, value, timestamp, step, is_nan)
       values (?, ?, ?, ?, ?, 0)`,
    );
    const historyRun = byKey
      ? db.prepare('select run_key from runs where run_uuid = ?').pluck().get(runId)
      : runId;
    const ranks = rankMarks(db);
    const insertRange = db.transaction((start: number, end: number) => {
      for (let i = start; i < end; i++) {
        metric.run(historyRun, key, unit(i), BASE_TIME + i, i);
        ranks.mark(historyRun, key, i, BASE_TIME + i, i, unit(i));
      }
    });
    for (let i = 0; i < points; i += 50_000) insertRange(i, Math.min(points, i + 50_000));
    ranks.series(historyRun, key, points, BASE_TIME + points - 1, points - 1, unit(points - 1));
    db.prepare(
      `insert or replace into latest_metrics (run_uuid, key, value, timestamp, step, is_nan)
       values (?, ?, ?, ?, ?, 0)`,
    ).run(runId, key, unit(points - 1), BASE_TIME + points - 1, points - 1);
  } finally {
    db.close();
  }
}
