// Migration 0006: runs get an integer `run_key` and history rows name their run by it. A database
// upgraded from 0005 keeps every stored point, the table's shape (WITHOUT ROWID, MLflow's history
// order), the key's uniqueness and the cascade from `runs`; `down` restores 0005's table.
import type SQLite from 'better-sqlite3';
import type { Kysely, Migrator } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  historyDatabase,
  metricsTableSql,
  POINTS,
  primaryKey,
  storedPoints,
} from '../support/metric-history-db.js';

let sqlite: SQLite.Database;
let db: Kysely<unknown>;
let migrator: Migrator;

beforeEach(async () => {
  ({ sqlite, db, migrator } = await historyDatabase('0005_metrics_without_rowid'));
});

afterEach(async () => {
  await db.destroy();
});

describe('migration 0006: metric run key', () => {
  it('numbers the runs and keeps every point under its run', async () => {
    const before = storedPoints(sqlite);
    expect(primaryKey(sqlite)[0]).toBe('run_uuid');

    const { error, results } = await migrator.migrateTo('0006_metric_run_key');
    expect(error).toBeUndefined();
    expect(results?.map((r) => r.migrationName)).toEqual(['0006_metric_run_key']);

    // Keys in creation order.
    expect(
      sqlite.prepare('select run_uuid, run_key from runs order by run_key').raw().all(),
    ).toEqual([
      ['r2', 1],
      ['r1', 2],
    ]);
    expect(metricsTableSql(sqlite)).toMatch(/without rowid/i);
    // MLflow's history order (timestamp before step), which get-history reads in.
    expect(primaryKey(sqlite)).toEqual(['run_key', 'key', 'timestamp', 'step', 'value', 'is_nan']);
    expect(storedPoints(sqlite)).toEqual(before);
    // The primary key still makes an identical point a no-op and a new one a new row.
    const insert = sqlite.prepare(
      'insert into metrics values (?, ?, ?, ?, ?, ?) on conflict do nothing',
    );
    expect(insert.run(2, 'loss', 0.5, 1000, 0, 0).changes).toBe(0);
    expect(insert.run(2, 'loss', 0.5, 1001, 0, 0).changes).toBe(1);
    // The foreign key to runs still holds and still cascades.
    expect(() => insert.run(99, 'loss', 1, 1, 1, 0)).toThrow(/FOREIGN KEY/);
    sqlite.exec("delete from runs where run_uuid = 'r1'");
    expect(storedPoints(sqlite)).toEqual([POINTS[4]]);
  });

  it("down restores 0005's run-id table with the same points", async () => {
    await migrator.migrateTo('0006_metric_run_key');
    const before = storedPoints(sqlite);
    const { error } = await migrator.migrateTo('0005_metrics_without_rowid');
    expect(error).toBeUndefined();
    expect(metricsTableSql(sqlite)).toMatch(/without rowid/i);
    expect(primaryKey(sqlite)).toEqual(['run_uuid', 'key', 'timestamp', 'step', 'value', 'is_nan']);
    expect(storedPoints(sqlite)).toEqual(before);
    const runColumns = sqlite.pragma('table_info(runs)') as { name: string }[];
    expect(runColumns.map((c) => c.name)).not.toContain('run_key');
  });
});
