// Migration 0005 rebuilds `metrics` as a WITHOUT ROWID table keyed in MLflow's history order: a
// database upgraded from 0004 keeps every stored point, the key's uniqueness and the foreign key to
// `runs`, and `down` restores the old table with the same rows.
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
  ({ sqlite, db, migrator } = await historyDatabase('0004_covering_search_indexes'));
});

afterEach(async () => {
  await db.destroy();
});

describe('migration 0005: metrics without rowid', () => {
  it('keeps every point and makes the table its primary key', async () => {
    const before = storedPoints(sqlite);
    expect(metricsTableSql(sqlite)).not.toMatch(/without rowid/i);

    const { error, results } = await migrator.migrateTo('0005_metrics_without_rowid');
    expect(error).toBeUndefined();
    expect(results?.map((r) => r.migrationName)).toEqual(['0005_metrics_without_rowid']);

    expect(metricsTableSql(sqlite)).toMatch(/without rowid/i);
    // MLflow's history order (timestamp before step), which get-history reads in.
    expect(primaryKey(sqlite)).toEqual(['run_uuid', 'key', 'timestamp', 'step', 'value', 'is_nan']);
    expect(storedPoints(sqlite)).toEqual(before);
    // The primary key still makes an identical point a no-op and a new one a new row.
    const insert = sqlite.prepare(
      'insert into metrics values (?, ?, ?, ?, ?, ?) on conflict do nothing',
    );
    expect(insert.run('r1', 'loss', 0.5, 1000, 0, 0).changes).toBe(0);
    expect(insert.run('r1', 'loss', 0.5, 1001, 0, 0).changes).toBe(1);
    // The foreign key to runs still holds and still cascades.
    expect(() => insert.run('nope', 'loss', 1, 1, 1, 0)).toThrow(/FOREIGN KEY/);
    sqlite.exec("delete from runs where run_uuid = 'r1'");
    expect(storedPoints(sqlite)).toEqual([POINTS[4]]);
  });

  it('down restores a rowid table with the same points', async () => {
    await migrator.migrateTo('0005_metrics_without_rowid');
    const before = storedPoints(sqlite);
    const { error } = await migrator.migrateTo('0004_covering_search_indexes');
    expect(error).toBeUndefined();
    expect(metricsTableSql(sqlite)).not.toMatch(/without rowid/i);
    expect(primaryKey(sqlite)).toEqual(['run_uuid', 'key', 'step', 'timestamp', 'value', 'is_nan']);
    expect(storedPoints(sqlite)).toEqual(before);
  });
});
