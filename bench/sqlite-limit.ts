// The ceiling for metric ingest: the same rows the log-batch load sends, inserted with one prepared
// better-sqlite3 statement, one transaction per 1000-point batch, into a project database made by
// our own migrations and opened with the server's pragmas. No HTTP, JSON, validation or
// latest_metrics upkeep: what SQLite alone can do on this disk. The best of a few trials, each on
// a fresh database, so that a moment of load from other processes does not lower the ceiling.
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { ProjectRegistry } from '../src/store/projects.js';
import { BACKSTOP_PAGES } from '../src/store/wal-checkpoints.js';
import { metricBatch } from './data.js';

export async function rawInsertPointsPerSecond(
  dataDir: string,
  batches: number,
  runs: number,
  trials = 3,
): Promise<number> {
  let best = 0;
  for (let t = 0; t < trials; t++) {
    best = Math.max(best, await oneTrial(path.join(dataDir, `trial-${t}`), batches, runs));
  }
  return best;
}

async function oneTrial(dataDir: string, batches: number, runs: number): Promise<number> {
  const projects = new ProjectRegistry(dataDir);
  await projects.create('limit');
  await projects.closeAll();
  const db = new SQLite(path.join(dataDir, 'limit', 'mlflow.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // The size at which a project's own connection checkpoints while the server's background
  // checkpoints run. Those are the server's work, not SQLite's: the limit checkpoints inline.
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  try {
    // History rows name their run by its integer key (migration 0006), as the server's do.
    const runKeys = Array.from({ length: runs }, (_, i) => i + 1);
    const insertRun = db.prepare(
      `insert into runs (run_uuid, run_key, experiment_id, name, source_type, source_name,
         entry_point_name, user_id, status, start_time, end_time, deleted_time, source_version,
         lifecycle_stage, artifact_uri)
       values (?, ?, 0, ?, 'UNKNOWN', '', '', 'bench', 'RUNNING', 0, null, null, '', 'active', '')`,
    );
    for (const key of runKeys) {
      const id = `limit${String(key).padStart(27, '0')}`;
      insertRun.run(id, key, id);
    }
    const insert = db.prepare(
      'insert into metrics (run_key, key, value, timestamp, step, is_nan) values (?, ?, ?, ?, ?, 0)',
    );
    const writeBatch = db.transaction(
      (runKey: number, rows: ReturnType<typeof metricBatch>['metrics']) => {
        for (const m of rows) insert.run(runKey, m.key, m.value, m.timestamp, m.step);
      },
    );
    // Batches are built beforehand: the load generator's cost is not the database's.
    const prepared = Array.from({ length: batches }, (_, n) => metricBatch(n, runs));
    const started = process.hrtime.bigint();
    for (const { run, metrics } of prepared) writeBatch(runKeys[run], metrics);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return (batches * prepared[0].metrics.length) / seconds;
  } finally {
    db.close();
  }
}
