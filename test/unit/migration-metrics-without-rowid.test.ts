// Migration 0005 rebuilds `metrics` as a WITHOUT ROWID table keyed in MLflow's history order: a
// database upgraded from 0004 keeps every stored point, the key's uniqueness and the foreign key to
// `runs`, and `down` restores the old table with the same rows.
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

function storedPoints(): unknown[] {
  return sqlite
    .prepare(
      'select run_uuid, key, value, timestamp, step, is_nan from metrics order by run_uuid, key, step',
    )
    .raw(true)
    .all();
}

beforeEach(async () => {
  sqlite = new SQLite(':memory:');
  sqlite.pragma('foreign_keys = ON');
  db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
  migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error } = await migrator.migrateTo('0004_covering_search_indexes');
  expect(error).toBeUndefined();
  // Experiment 0 ("Default") comes with the initial migration.
  sqlite.exec(
    ['r1', 'r2']
      .map(
        (id) =>
          `insert into runs (run_uuid, experiment_id, name, source_type, source_name,
               entry_point_name, user_id, status, start_time, source_version, lifecycle_stage,
               artifact_uri) values ('${id}', 0, '${id}', 'UNKNOWN', '', '', 'u', 'RUNNING', 0, '',
               'active', '');`,
      )
      .join(''),
  );
  const insert = sqlite.prepare('insert into metrics values (?, ?, ?, ?, ?, ?)');
  for (const p of POINTS) insert.run(...p);
});

afterEach(async () => {
  await db.destroy();
});

describe('migration 0005: metrics without rowid', () => {
  it('keeps every point and makes the table its primary key', async () => {
    const before = storedPoints();
    expect(metricsTableSql()).not.toMatch(/without rowid/i);

    const { error, results } = await migrator.migrateTo('0005_metrics_without_rowid');
    expect(error).toBeUndefined();
    expect(results?.map((r) => r.migrationName)).toEqual(['0005_metrics_without_rowid']);

    expect(metricsTableSql()).toMatch(/without rowid/i);
    // MLflow's history order (timestamp before step), which get-history reads in.
    expect(primaryKey()).toEqual(['run_uuid', 'key', 'timestamp', 'step', 'value', 'is_nan']);
    expect(storedPoints()).toEqual(before);
    // The primary key still makes an identical point a no-op and a new one a new row.
    const insert = sqlite.prepare(
      'insert into metrics values (?, ?, ?, ?, ?, ?) on conflict do nothing',
    );
    expect(insert.run('r1', 'loss', 0.5, 1000, 0, 0).changes).toBe(0);
    expect(insert.run('r1', 'loss', 0.5, 1001, 0, 0).changes).toBe(1);
    // The foreign key to runs still holds and still cascades.
    expect(() => insert.run('nope', 'loss', 1, 1, 1, 0)).toThrow(/FOREIGN KEY/);
    sqlite.exec("delete from runs where run_uuid = 'r1'");
    expect(storedPoints()).toEqual([POINTS[4]]);
  });

  it('down restores a rowid table with the same points', async () => {
    await migrator.migrateTo('0005_metrics_without_rowid');
    const before = storedPoints();
    const { error } = await migrator.migrateTo('0004_covering_search_indexes');
    expect(error).toBeUndefined();
    expect(metricsTableSql()).not.toMatch(/without rowid/i);
    expect(primaryKey()).toEqual(['run_uuid', 'key', 'step', 'timestamp', 'value', 'is_nan']);
    expect(storedPoints()).toEqual(before);
  });
});
