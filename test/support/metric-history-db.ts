// A project database migrated up to a given migration, holding two runs and a few history points
// (edge values included): what the metric-history migration tests upgrade and downgrade.
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { memoryDatabase, type MemoryDatabase } from './memory-database.js';
import type { Database } from '../../src/store/schema.js';

/** run id, key, value, timestamp, step, is_nan. */
export const POINTS = [
  ['r1', 'loss', 0.5, 1000, 0, 0],
  ['r1', 'loss', 0.25, 2000, 1, 0],
  ['r1', 'loss', 0, 3000, 2, 1], // NaN, stored as 0 with is_nan set
  ['r1', 'acc', 2 ** 53 + 2, 1000, -3, 0],
  ['r2', 'loss', 1e-300, 9007199254740991, 0, 0],
];

export type HistoryDatabase = MemoryDatabase;

/** Runs r1 and r2 (r2 started first) with POINTS, in a database migrated up to `migration`. */
export async function historyDatabase(migration: string): Promise<HistoryDatabase> {
  const { sqlite, db, migrator } = memoryDatabase();
  const { error } = await migrator.migrateTo(migration);
  if (error) throw error;
  // Experiment 0 ("Default") comes with the initial migration.
  const insertRun = sqlite.prepare(
    `insert into runs (run_uuid, experiment_id, name, source_type, source_name, entry_point_name,
       user_id, status, start_time, source_version, lifecycle_stage, artifact_uri)
     values (?, 0, ?, 'UNKNOWN', '', '', 'u', 'RUNNING', ?, '', 'active', '')`,
  );
  insertRun.run('r1', 'r1', 20);
  insertRun.run('r2', 'r2', 10);
  const insert = sqlite.prepare('insert into metrics values (?, ?, ?, ?, ?, ?)');
  for (const p of POINTS) insert.run(...p);
  return { sqlite, db, migrator };
}

export function metricsTableSql(sqlite: SQLite.Database): string {
  const row = sqlite.prepare("select sql from sqlite_master where name = 'metrics'").get() as {
    sql: string;
  };
  return row.sql;
}

/** The primary key's columns in order. */
export function primaryKey(sqlite: SQLite.Database): string[] {
  const columns = sqlite.pragma('table_info(metrics)') as { name: string; pk: number }[];
  return columns
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);
}

/** Every point with its run id, whichever column names the run, by run, key and step. */
export function storedPoints(sqlite: SQLite.Database): unknown[] {
  const byKey = primaryKey(sqlite)[0] === 'run_key';
  const run = byKey ? 'runs.run_uuid' : 'm.run_uuid';
  const join = byKey ? 'join runs on runs.run_key = m.run_key' : '';
  return sqlite
    .prepare(
      `select ${run}, m.key, m.value, m.timestamp, m.step, m.is_nan from metrics as m ${join}
       order by 1, 2, 5`,
    )
    .raw(true)
    .all();
}

/** A bare run in experiment 0 (Default) of a project database, for tests of the metric store. */
export async function insertBareRun(
  db: Kysely<Database>,
  run: { id: string; key: number },
): Promise<void> {
  await db
    .insertInto('runs')
    .values({
      run_uuid: run.id,
      run_key: run.key,
      experiment_id: 0,
      name: 'r',
      source_type: 'UNKNOWN',
      source_name: '',
      entry_point_name: '',
      user_id: '',
      status: 'RUNNING',
      start_time: 0,
      end_time: null,
      deleted_time: null,
      source_version: '',
      lifecycle_stage: 'active',
      artifact_uri: '',
    })
    .execute();
}
