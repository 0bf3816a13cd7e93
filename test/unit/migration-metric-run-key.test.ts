// Migration 0006: runs get an integer `run_key` and history rows name their run by it. A database
// upgraded from 0005 keeps every stored point, the table's shape (WITHOUT ROWID, MLflow's history
// order), the key's uniqueness and the cascade from `runs`; `down` restores 0005's table.
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrationProvider } from '../../migrations/index.js';

let sqlite: SQLite.Database;
let db: Kysely<unknown>;
let migrator: Migrator;

const POINTS = [
  ['r1', 'loss', 0.5, 1000, 0, 0],
  ['r1', 'loss', 0.25, 2000, 1, 0],
  ['r1', 'loss', 0, 3000, 2, 1], // NaN, stored as 0 with is_nan set
  ['r1', 'acc', 2 ** 53 + 2, 1000, -3, 0],
  ['r2', 'loss', 1e-300, 9007199254740991, 0, 0],
];

function metricsTableSql(): string {
  const row = sqlite.prepare("select sql from sqlite_master where name = 'metrics'").get() as {
    sql: string;
  };
  return row.sql;
}

/** The primary key's columns in order. */
function primaryKey(): string[] {
  const columns = sqlite.pragma('table_info(metrics)') as { name: string; pk: number }[];
  return columns
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);
}

/** Every point with its run id, whichever column names the run. */
function storedPoints(): unknown[] {
  const byKey = primaryKey()[0] === 'run_key';
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

beforeEach(async () => {
  sqlite = new SQLite(':memory:');
  sqlite.pragma('foreign_keys = ON');
  db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
  migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error } = await migrator.migrateTo('0005_metrics_without_rowid');
  expect(error).toBeUndefined();
  // Experiment 0 ("Default") comes with the initial migration; r2 started first.
  sqlite.exec(
    [
      ['r1', 20],
      ['r2', 10],
    ]
      .map(
        ([id, start]) =>
          `insert into runs (run_uuid, experiment_id, name, source_type, source_name,
             entry_point_name, user_id, status, start_time, source_version, lifecycle_stage,
             artifact_uri) values ('${id}', 0, '${id}', 'UNKNOWN', '', '', 'u', 'RUNNING', ${start},
             '', 'active', '');`,
      )
      .join(''),
  );
  const insert = sqlite.prepare('insert into metrics values (?, ?, ?, ?, ?, ?)');
  for (const p of POINTS) insert.run(...p);
});

afterEach(async () => {
  await db.destroy();
});

describe('migration 0006: metric run key', () => {
  it('numbers the runs and keeps every point under its run', async () => {
    const before = storedPoints();
    expect(primaryKey()[0]).toBe('run_uuid');

    const { error, results } = await migrator.migrateToLatest();
    expect(error).toBeUndefined();
    expect(results?.map((r) => r.migrationName)).toEqual(['0006_metric_run_key']);

    // Keys in creation order.
    expect(
      sqlite.prepare('select run_uuid, run_key from runs order by run_key').raw().all(),
    ).toEqual([
      ['r2', 1],
      ['r1', 2],
    ]);
    expect(metricsTableSql()).toMatch(/without rowid/i);
    // MLflow's history order (timestamp before step), which get-history reads in.
    expect(primaryKey()).toEqual(['run_key', 'key', 'timestamp', 'step', 'value', 'is_nan']);
    expect(storedPoints()).toEqual(before);
    // The primary key still makes an identical point a no-op and a new one a new row.
    const insert = sqlite.prepare(
      'insert into metrics values (?, ?, ?, ?, ?, ?) on conflict do nothing',
    );
    expect(insert.run(2, 'loss', 0.5, 1000, 0, 0).changes).toBe(0);
    expect(insert.run(2, 'loss', 0.5, 1001, 0, 0).changes).toBe(1);
    // The foreign key to runs still holds and still cascades.
    expect(() => insert.run(99, 'loss', 1, 1, 1, 0)).toThrow(/FOREIGN KEY/);
    sqlite.exec("delete from runs where run_uuid = 'r1'");
    expect(storedPoints()).toEqual([POINTS[4]]);
  });

  it("down restores 0005's run-id table with the same points", async () => {
    await migrator.migrateToLatest();
    const before = storedPoints();
    const { error } = await migrator.migrateTo('0005_metrics_without_rowid');
    expect(error).toBeUndefined();
    expect(metricsTableSql()).toMatch(/without rowid/i);
    expect(primaryKey()).toEqual(['run_uuid', 'key', 'timestamp', 'step', 'value', 'is_nan']);
    expect(storedPoints()).toEqual(before);
    const runColumns = sqlite.pragma('table_info(runs)') as { name: string }[];
    expect(runColumns.map((c) => c.name)).not.toContain('run_key');
  });
});
